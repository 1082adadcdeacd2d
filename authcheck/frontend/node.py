"""The bundled real Better Auth frontend (`reference_frontend/`), installed, built and started.

`FrontendServer` is a thin layer over `authcheck.serve.ManagedProcess`: it makes sure
`npm ci` and `npm run build` have run, then starts `node server.mjs` on a free loopback port with
`BETTER_AUTH_SECRET` (given, from the environment, or fresh and random) and the settings of a
`FrontendConfig`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from authcheck.errors import BadInputError, UnreachableError
from authcheck.serve import LOOPBACK, ManagedProcess, free_port

ALGORITHMS = ("EdDSA", "ES256", "RS256", "PS256")
DASHBOARD_BUGS = ("session-token",)
_SOURCES = ("build.mjs", "src/dashboard")


class FrontendSetupError(UnreachableError):
    """Node or npm is missing, or installing/building the frontend failed."""


@dataclass(frozen=True)
class FrontendConfig:
    """What the Node server reads from its environment (see reference_frontend/README.md)."""

    alg: str = "EdDSA"
    control: bool = False  # AUTHCHECK_CONTROL=1: the control API of docs/control-api.md
    base_url: str | None = None  # BETTER_AUTH_URL; default http://127.0.0.1:PORT
    issuer: str | None = None
    audience: str | None = None
    expiration: str | None = None  # e.g. "15m"
    jwks_path: str | None = None  # under /api/auth, e.g. "/jwks"
    backend_url: str | None = None  # where the dashboard sends task calls
    database_url: str | None = None  # PostgreSQL; memory adapter when None
    dashboard_bug: str | None = None  # test-only, honoured with control=True only
    trusted_origins: tuple[str, ...] = ()  # other origins Better Auth accepts POSTs from

    def __post_init__(self) -> None:
        if self.alg not in ALGORITHMS:
            raise BadInputError(
                f"unsupported frontend key algorithm {self.alg!r}",
                hint=f"use one of {', '.join(ALGORITHMS)}",
            )
        if self.dashboard_bug is not None and self.dashboard_bug not in DASHBOARD_BUGS:
            raise BadInputError(f"unknown dashboard bug {self.dashboard_bug!r}")

    def environment(self, host: str, port: int, secret: str) -> dict[str, str]:
        optional = {
            "BETTER_AUTH_URL": self.base_url,
            "JWT_ISSUER": self.issuer,
            "JWT_AUDIENCE": self.audience,
            "JWT_EXPIRATION": self.expiration,
            "JWKS_PATH": self.jwks_path,
            "BACKEND_URL": self.backend_url,
            "DATABASE_URL": self.database_url,
            "AUTHCHECK_DASHBOARD_BUG": self.dashboard_bug,
            "TRUSTED_ORIGINS": ",".join(self.trusted_origins) or None,
        }
        env = {
            "HOST": host,
            "PORT": str(port),
            "BETTER_AUTH_SECRET": secret,
            "JWT_ALG": self.alg,
            "AUTHCHECK_CONTROL": "1" if self.control else "0",
            "NODE_ENV": "production",
        }
        env.update({name: value for name, value in optional.items() if value is not None})
        return env


def frontend_dir() -> Path:
    """`reference_frontend/` of this checkout, or ``AUTHCHECK_FRONTEND_DIR``."""
    override = os.environ.get("AUTHCHECK_FRONTEND_DIR")
    default = Path(__file__).resolve().parents[2] / "reference_frontend"
    path = Path(override) if override else default
    if not (path / "package.json").is_file():
        raise FrontendSetupError(
            f"no reference frontend at {path}",
            hint="run from an authcheck checkout or set AUTHCHECK_FRONTEND_DIR",
        )
    return path


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise FrontendSetupError(
            f"{name} is not installed; the Better Auth frontend needs Node 20+ and npm",
            hint="apt-get install -y nodejs npm",
        )
    return found


def _newest_mtime(paths: Iterator[Path]) -> float:
    return max((p.stat().st_mtime for p in paths if p.is_file()), default=0.0)


def _run(argv: list[str], cwd: Path, what: str) -> None:
    try:
        done = subprocess.run(  # noqa: S603 - argv is ours
            argv, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise FrontendSetupError(f"{what} in {cwd} took more than 10 minutes") from exc
    if done.returncode != 0:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        last = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise FrontendSetupError(f"{what} failed in {cwd}: {last}")


@contextlib.contextmanager
def _build_lock(directory: Path) -> Iterator[None]:
    """Parallel test workers must not run npm in the same directory at once."""
    with (directory / ".authcheck-build.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_built(directory: Path | None = None) -> Path:
    """`npm ci` when node_modules is missing or stale, `npm run build` when dist/ is stale."""
    directory = directory or frontend_dir()
    _tool("node")
    npm = _tool("npm")
    with _build_lock(directory):
        lock = directory / "package-lock.json"
        installed = directory / "node_modules" / ".package-lock.json"
        if not installed.is_file() or lock.stat().st_mtime > installed.stat().st_mtime:
            _run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], directory, "npm ci")
        bundle = directory / "dist" / "app.js"
        roots = [directory / name for name in _SOURCES]
        sources = (p for root in roots for p in [root, *root.rglob("*")])
        if not bundle.is_file() or _newest_mtime(sources) > bundle.stat().st_mtime:
            _run([npm, "run", "-s", "build"], directory, "npm run build")
    return directory


class FrontendServer:
    """`node server.mjs` on a loopback port: real Better Auth plus the dashboard."""

    def __init__(
        self,
        config: FrontendConfig | None = None,
        *,
        host: str = LOOPBACK,
        port: int | None = None,
        log_path: Path | None = None,
        directory: Path | None = None,
        secret: str | None = None,
    ) -> None:
        self.config = config or FrontendConfig()
        # A database keeps keys encrypted with the secret: it must outlive one run there.
        self._secret = secret or os.environ.get("BETTER_AUTH_SECRET") or secrets.token_urlsafe(32)
        self.host = host
        self.port = port or free_port(host)
        self.log_path = log_path
        self._directory = directory
        self._process: ManagedProcess | None = None

    @property
    def url(self) -> str:
        """Where the server listens (the dashboard's address)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """Better Auth's base URL: iss and aud of its JWTs unless configured otherwise."""
        return self.config.base_url or self.url

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/api/auth{self.config.jwks_path or '/jwks'}"

    def start(self) -> FrontendServer:
        directory = ensure_built(self._directory)
        env = self.config.environment(self.host, self.port, self._secret)
        self._process = ManagedProcess(
            [_tool("node"), "server.mjs"],
            ready_url=f"{self.url}/config.json",
            name="Better Auth frontend (node server.mjs)",
            env=env,
            cwd=directory,
            log_path=self.log_path,
        )
        self._process.start()
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()
            self._process = None

    def wait(self) -> int:
        """Block until the server exits (for `authcheck frontend serve`); its exit status."""
        assert self._process is not None and self._process.process is not None
        return self._process.process.wait()

    def __enter__(self) -> FrontendServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
