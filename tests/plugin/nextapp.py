"""The Next.js App Router test app (tests/plugin/nextapp/): installed once, served by `next dev`.

`next dev` rather than `next build` + `next start`: a build takes far longer than the suite's time
budget allows on 2 cores, and dev mode runs the same route handler (`toNextJsHandler`) and the same
plugin code. A server given a ``dist`` name gets its own NEXT_DIST_DIR (`.next-NAME`) so two can
share the directory; each keeps Turbopack's cache between runs (a cold compile is the slow part).
"""

from __future__ import annotations

import filecmp
import secrets
import shutil
import subprocess
from pathlib import Path

from authcheck.serve import LOOPBACK, ManagedProcess, free_port

APP = Path(__file__).parent / "nextapp"
PLUGIN = Path(__file__).resolve().parents[2] / "packages" / "better-auth"
BASE_PATH = "/api/identity"  # custom basePath (Better Auth's default is /api/auth)
JWKS_PATH = "/keys"  # custom jwks.jwksPath (default /jwks)


def installed_copy_is_current(app: Path) -> bool:
    """npm copies the plugin (install-links): is the copy in ``app`` the source as it is now?"""
    copy = app / "node_modules" / "@authcheck" / "better-auth"
    for name in ("package.json", "index.d.ts", "src"):
        source, installed = PLUGIN / name, copy / name
        if source.is_dir():
            compared = filecmp.dircmp(source, installed)
            if compared.left_only or compared.right_only or compared.diff_files:
                return False
        elif not installed.is_file() or not filecmp.cmp(source, installed, shallow=False):
            return False
    return True


def ensure_installed() -> None:
    """`npm ci` when node_modules is missing, stale, or holds an old copy of the plugin."""
    installed = APP / "node_modules" / ".package-lock.json"
    lock = APP / "package-lock.json"
    fresh = installed.is_file() and installed.stat().st_mtime >= lock.stat().st_mtime
    if fresh and installed_copy_is_current(APP):
        return
    npm = shutil.which("npm")
    assert npm is not None, "npm is needed for the Next.js test app"
    subprocess.run(  # noqa: S603 - argv is ours
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=APP,
        check=True,
        capture_output=True,
        timeout=600,
    )


class NextApp:
    """`next dev` of the test app on a free loopback port; the plugin on unless told otherwise."""

    def __init__(
        self, log_path: Path, *, env: dict[str, str] | None = None, dist: str | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.auth_url = self.url + BASE_PATH
        self.jwks_url = self.auth_url + JWKS_PATH
        self.log_path = log_path
        self._dist = f".next-{dist}" if dist else ""
        settings = {
            "BETTER_AUTH_URL": self.url,
            "BETTER_AUTH_SECRET": secrets.token_urlsafe(32),
            "AUTHCHECK_CONTROL": "1",
            "NEXT_TELEMETRY_DISABLED": "1",
            "NEXT_DIST_DIR": self._dist or ".next",
            "NODE_ENV": "development",
            **(env or {}),
        }
        next_bin = APP / "node_modules" / "next" / "dist" / "bin" / "next"
        self.process = ManagedProcess(
            ["node", str(next_bin), "dev", "-H", LOOPBACK, "-p", str(self.port)],
            ready_url=f"{self.auth_url}/ok",  # compiles the auth route: the first answer is slow
            name="Next.js test app (next dev)",
            env=settings,
            cwd=APP,
            log_path=log_path,
            timeout=180.0,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def __enter__(self) -> NextApp:
        ensure_installed()
        self.process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.stop()
