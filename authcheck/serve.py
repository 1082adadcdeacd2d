"""Running servers on free loopback ports: test issuer, reference backend, Node frontend.

Used by the CLI (`issuer serve`, `demo`), the pytest plugin and the tests, so there is one way to
pick a port, wait for readiness and clean up. Readiness is polled over HTTP, never slept for.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import httpx

from authcheck.core.redact import redact_text
from authcheck.errors import UnreachableError

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port that was free a moment ago on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_until_up(
    url: str,
    *,
    timeout: float = 30.0,
    process: subprocess.Popen[bytes] | None = None,
    name: str = "server",
) -> None:
    """Poll ``url`` until it answers any HTTP status; fail early if ``process`` exits."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while True:
            if process is not None and process.poll() is not None:
                raise UnreachableError(
                    f"{name} exited with status {process.returncode} before answering at {url}"
                )
            try:
                client.get(url)
                return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise UnreachableError(f"{name} did not answer at {url} within {timeout:.0f} s")
            time.sleep(0.05)  # polling interval, not synchronisation: we re-check readiness


class ThreadedUvicorn:
    """An ASGI app served by uvicorn in a background thread of this process."""

    def __init__(self, app: Any, *, host: str = LOOPBACK, port: int | None = None) -> None:
        import uvicorn

        self.host = host
        self.port = port or free_port(host)
        config = uvicorn.Config(app, host=host, port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> ThreadedUvicorn:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                raise UnreachableError(f"uvicorn failed to start on {self.url}")
            if time.monotonic() > deadline:
                self.stop()  # do not leave a half-started server thread behind
                raise UnreachableError(f"uvicorn did not start on {self.url} within {timeout} s")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> ThreadedUvicorn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ManagedProcess:
    """A child process (uvicorn, node) that is ready when ``ready_url`` answers, and always reaped.

    Output goes to ``log_path`` (or is discarded) so a chatty child can never block on a full pipe.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        ready_url: str,
        name: str,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
        log_path: Path | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.argv = list(argv)
        self.ready_url = ready_url
        self.name = name
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd
        self.log_path = log_path
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> ManagedProcess:
        log_start = 0
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("ab")
            log_start = self._log.tell()
        out: IO[bytes] | int = self._log if self._log is not None else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(  # noqa: S603 - argv is ours
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            self._close_log()
            raise UnreachableError(f"cannot start {self.name}: {exc}") from exc
        try:
            wait_until_up(
                self.ready_url, timeout=self.timeout, process=self.process, name=self.name
            )
        except UnreachableError as exc:
            self.stop()
            said = self._last_log_line(log_start)
            message = f"{exc.message}; its last words: {said}" if said else exc.message
            raise UnreachableError(message, exc.hint) from None
        except BaseException:
            self.stop()
            raise
        return self

    def _last_log_line(self, start: int) -> str:
        """The last line the child wrote to ``log_path`` during this start, redacted, or ''."""
        if self.log_path is None:
            return ""
        try:
            with self.log_path.open("rb") as log:
                log.seek(start)
                text = log.read()[-4096:].decode("utf-8", errors="replace")
        except OSError:
            return ""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return redact_text(lines[-1][:300]) if lines else ""

    def stop(self, timeout: float = 10.0) -> None:
        proc = self.process
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> ManagedProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
