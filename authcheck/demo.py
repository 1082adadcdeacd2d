"""`authcheck demo` as a library: the real Better Auth frontend, the reference backend wired to
it, Chromium, and the whole scenario catalogue, with every process cleaned up whatever happens.

`run_demo` picks two free loopback ports, starts the bundled Better Auth (test mode:
``AUTHCHECK_CONTROL=1``, the chosen key algorithm; `FrontendServer` runs ``npm ci``/build first
when needed) and the reference backend (``BETTER_AUTH_URL`` = the frontend, ``CORS_ORIGINS`` = its
origin, SQLite in a temporary directory), then runs the catalogue with the engine's `Runner`:
tokens from real Better Auth sessions plus the control API, browser scenarios through
`PlaywrightCapture`. It returns a `DemoResult`; both servers are stopped before it returns or
raises (KeyboardInterrupt included).
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from authcheck.engine.browser import BrowserCapture, CaptureResult
from authcheck.engine.results import ProgressEvent, RunReport
from authcheck.errors import BadInputError
from authcheck.frontend.node import ALGORITHMS, FrontendConfig, FrontendServer, ensure_built
from authcheck.serve import LOOPBACK, ManagedProcess, free_port

Step = Callable[[str], None]
Progress = Callable[[ProgressEvent], None]


@dataclass(frozen=True)
class DemoOptions:
    alg: str = "EdDSA"
    artifacts_dir: Path = Path("reports") / "artifacts"  # screenshots, console and server logs
    dashboard_bug: str | None = None  # test-only switch of the frontend ("session-token")
    workers: int = 4

    def __post_init__(self) -> None:
        if self.alg not in ALGORITHMS:
            raise BadInputError(
                f"--alg {self.alg!r} is not a key algorithm the frontend can use",
                hint=f"use one of {', '.join(ALGORITHMS)}",
            )


@dataclass(frozen=True)
class Endpoints:
    """Where the demo's servers listened (closed again once `run_demo` returns)."""

    frontend_url: str
    backend_url: str

    @property
    def ports(self) -> tuple[int, int]:
        return (_port(self.frontend_url), _port(self.backend_url))


@dataclass(frozen=True)
class DemoResult:
    report: RunReport
    alg: str
    endpoints: Endpoints
    capture: CaptureResult | None  # what the browser session saw (None if no browser scenario)
    logs: tuple[Path, ...] = field(default=())  # the servers' output, kept for a failure


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


class RecordingCapture:
    """A `BrowserCapture` that keeps the result, so the report can show the screenshots."""

    def __init__(self, inner: BrowserCapture) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.result: CaptureResult | None = None

    def capture(self) -> CaptureResult:
        result = self._inner.capture()
        with self._lock:
            self.result = result
        return result


def backend_process(
    frontend_url: str,
    backend_port: int,
    alg: str,
    database: Path,
    log_path: Path | None,
    overrides: Mapping[str, str] | None = None,
) -> ManagedProcess:
    """The reference backend, every setting explicit so the caller's environment cannot leak;
    ``overrides`` replaces some (a misconfigured backend for `authcheck doctor`'s tests)."""
    backend_url = f"http://{LOOPBACK}:{backend_port}"
    return ManagedProcess(
        [sys.executable, "-m", "reference_backend", "--host", LOOPBACK]
        + ["--port", str(backend_port), "--log-level", "warning"],
        ready_url=f"{backend_url}/health",
        name="reference backend (python -m reference_backend)",
        env={
            "BETTER_AUTH_URL": frontend_url,
            "JWKS_URL": f"{frontend_url}/api/auth/jwks",
            "JWT_ISSUER": frontend_url,
            "JWT_AUDIENCE": frontend_url,
            "JWT_ALGORITHMS": alg,
            "CORS_ORIGINS": frontend_url,
            "DATABASE_URL": f"sqlite:///{database}",
            **(overrides or {}),
        },
        log_path=log_path,
    )


@contextlib.contextmanager
def running_stack(
    options: DemoOptions, workdir: Path, step: Step = lambda _m: None
) -> Iterator[Endpoints]:
    """Frontend and backend up on free loopback ports; both stopped on the way out."""
    front_port, back_port = free_port(), free_port()
    while back_port == front_port:
        back_port = free_port()
    frontend_url = f"http://{LOOPBACK}:{front_port}"
    backend_url = f"http://{LOOPBACK}:{back_port}"
    config = FrontendConfig(
        alg=options.alg,
        control=True,
        base_url=frontend_url,
        issuer=frontend_url,
        audience=frontend_url,
        backend_url=backend_url,
        dashboard_bug=options.dashboard_bug,
    )
    logs = options.artifacts_dir
    frontend = FrontendServer(config, port=front_port, log_path=logs / "frontend.log")
    backend = backend_process(
        frontend_url, back_port, options.alg, workdir / "tasks.db", logs / "backend.log"
    )
    with contextlib.ExitStack() as stack:
        step(f"starting real Better Auth ({options.alg}) at {frontend_url}")
        stack.enter_context(frontend)
        step(f"starting the reference backend at {backend_url}")
        stack.enter_context(backend)
        yield Endpoints(frontend_url, backend_url)


def run_demo(
    options: DemoOptions,
    *,
    step: Step = lambda _m: None,
    progress: Progress | None = None,
) -> DemoResult:
    """Install what is missing, start both servers, run the whole catalogue, stop the servers."""
    from authcheck.engine.better_auth import BetterAuthSource
    from authcheck.engine.catalogue import load_catalogue
    from authcheck.engine.runner import Runner, RunOptions
    from authcheck.frontend.capture import PlaywrightCapture, chromium_path

    chromium_path()  # no browser: one clear line (apt-get install -y chromium), exit 3
    scenarios = load_catalogue()
    step("checking the frontend's Node modules and bundle (npm ci / build when needed)")
    ensure_built()
    options.artifacts_dir.mkdir(parents=True, exist_ok=True)
    stale_files = ("capture-failure.png", "capture-dashboard.png", "capture-console.log")
    for stale in (*stale_files, "frontend.log", "backend.log"):
        (options.artifacts_dir / stale).unlink(missing_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="authcheck-demo-"))
    try:
        with (
            running_stack(options, workdir, step) as endpoints,
            httpx.Client(timeout=10.0) as client,
        ):
            step("signing up two users through Better Auth")
            source = BetterAuthSource(endpoints.frontend_url, client)
            browser = RecordingCapture(
                PlaywrightCapture(
                    endpoints.frontend_url,
                    endpoints.backend_url,
                    artifacts_dir=options.artifacts_dir,
                    always_screenshot=True,
                )
            )
            runner = Runner(
                source,
                RunOptions(target=endpoints.backend_url, workers=options.workers),
                client=client,
                browser=browser,
                progress=progress,
            )
            step(f"running {len(scenarios)} scenarios (Chromium drives the dashboard)")
            report = runner.run(scenarios)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    names = ("frontend.log", "backend.log")
    logs = tuple(p for p in (options.artifacts_dir / n for n in names) if p.exists())
    return DemoResult(report, options.alg, endpoints, browser.result, logs)
