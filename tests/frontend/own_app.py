"""Our own test frontend (tests/frontend/own_app/server.mjs) and the reference backend behind it.

Real Better Auth 1.7.25 with its own sign-in page, sign-up page and notes page — not the bundled
dashboard's markup — and a switch (``APP_MODE``) for each way a frontend gets the contract wrong.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from authcheck.demo import backend_process
from authcheck.serve import LOOPBACK, ManagedProcess, free_port

SERVER = Path(__file__).with_name("own_app") / "server.mjs"
MODES = ("correct", "session-token", "cookie", "no-bearer", "server-side")


@dataclass(frozen=True)
class OwnStack:
    frontend_url: str  # = BETTER_AUTH_URL = iss = aud
    backend_url: str
    mode: str


def own_frontend(
    port: int, backend_url: str, mode: str, log: Path, *, rate_window: int = 0
) -> ManagedProcess:
    node = shutil.which("node")
    assert node, "node is required (scripts/setup.sh installs it)"
    return ManagedProcess(
        [node, str(SERVER)],
        ready_url=f"http://{LOOPBACK}:{port}/health",
        name=f"own test frontend ({mode})",
        env={
            "PORT": str(port),
            "BACKEND_URL": backend_url,
            "APP_MODE": mode,
            "RATE_WINDOW": str(rate_window),
        },
        log_path=log,
    )


@contextlib.contextmanager
def own_stack(
    base: Path,
    mode: str = "correct",
    *,
    cors_localhost: bool = False,
    rate_window: int = 0,
    backend_url: str | None = None,
) -> Iterator[OwnStack]:
    """Our frontend on a free port and the reference backend wired to it; ``backend_url`` points the
    frontend somewhere else (a recording proxy) while the backend keeps its own port.
    ``cors_localhost`` is the classic mix-up: the backend's CORS allows http://localhost:PORT
    while the page runs at http://127.0.0.1:PORT."""
    base.mkdir(parents=True, exist_ok=True)
    front_port, back_port = free_port(), free_port()
    frontend_url = f"http://{LOOPBACK}:{front_port}"
    real_backend = f"http://{LOOPBACK}:{back_port}"
    backend = backend_process(
        frontend_url,
        back_port,
        "EdDSA",
        base / "tasks.db",
        base / "backend.log",
        overrides={
            "CORS_ORIGINS": f"http://localhost:{front_port}" if cors_localhost else frontend_url
        },
    )
    front = own_frontend(
        front_port, backend_url or real_backend, mode, base / "node.log", rate_window=rate_window
    )
    with backend, front:
        yield OwnStack(frontend_url, real_backend, mode)
