"""Our own test frontend (tests/frontend/own_app/server.mjs) and reference backends behind it.

Real Better Auth 1.7.25 with its own sign-in page, sign-up page and notes page — not the bundled
dashboard's markup — and a switch (``mode``) for each way a frontend gets the contract wrong.
One Node server serves every case: `OwnApp.configure` switches the mode and the backend URL.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from authcheck.demo import backend_process
from authcheck.serve import LOOPBACK, ManagedProcess, free_port

SERVER = Path(__file__).with_name("own_app") / "server.mjs"


@dataclass(frozen=True)
class OwnApp:
    url: str  # = BETTER_AUTH_URL = iss = aud

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def configure(self, mode: str, backend: str) -> None:
        """What the page (or its server) sends, and where."""
        response = httpx.post(
            f"{self.url}/__test/config", json={"mode": mode, "backend": backend}, timeout=10
        )
        response.raise_for_status()


@contextlib.contextmanager
def own_app(log: Path, *, rate_window: int = 0) -> Iterator[OwnApp]:
    node = shutil.which("node")
    assert node, "node is required (scripts/setup.sh installs it)"
    port = free_port()
    process = ManagedProcess(
        [node, str(SERVER)],
        ready_url=f"http://{LOOPBACK}:{port}/health",
        name="own test frontend",
        env={"PORT": str(port), "RATE_WINDOW": str(rate_window)},
        log_path=log,
    )
    with process:
        yield OwnApp(f"http://{LOOPBACK}:{port}")


@contextlib.contextmanager
def reference_backend(
    base: Path, app: OwnApp, *, cors_origin: str | None = None, issuer: str | None = None
) -> Iterator[str]:
    """The reference backend trusting ``app``'s Better Auth; its CORS allows ``cors_origin``
    (default: the app's own origin), it expects ``issuer`` (default: the app). Yields its URL."""
    base.mkdir(parents=True, exist_ok=True)
    port = free_port()
    backend = backend_process(
        app.url,
        port,
        "EdDSA",
        base / "tasks.db",
        base / "backend.log",
        overrides={
            "CORS_ORIGINS": cors_origin or app.url,
            "JWT_ISSUER": issuer or app.url,
            "JWT_AUDIENCE": issuer or app.url,
        },
    )
    with backend:
        yield f"http://{LOOPBACK}:{port}"
