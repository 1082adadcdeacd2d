"""Fixtures: one test issuer (JWKS server) per session, one reference backend on a real uvicorn
per module, both put back to a clean state before every test; databases.

``backend`` is the shared server after a reset: a fresh verifier (a new, empty key cache, the
default settings) and no tasks. ``backend.use(clock=…, **settings)`` swaps in a verifier with
other settings or a key cache on a fake clock. ``start_backend`` starts a server of its own, for
the tests that need one (another database, a restart).
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session, delete

from authcheck.serve import ThreadedUvicorn
from reference_backend.core.config import Settings
from reference_backend.core.jwks import JWKSCache
from reference_backend.core.security import TokenVerifier
from reference_backend.main import create_app
from reference_backend.models import Task
from tests.reference_backend.jwks_server import JWKS_PATH, TestIssuer
from tests.support.postgres import create_database, running_postgres

_db_names = itertools.count()


@pytest.fixture(scope="session")
def issuer_server() -> Iterator[TestIssuer]:
    with TestIssuer() as running:
        yield running


@pytest.fixture
def issuer(issuer_server: TestIssuer) -> TestIssuer:
    issuer_server.reset()
    return issuer_server


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tasks.db'}"


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_postgres(tmp_path_factory.mktemp("postgres")) as dsn:
        yield dsn


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    return create_database(postgres_server, f"tasks_{next(_db_names)}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Run the test on SQLite and on a real PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


def settings_for(issuer: TestIssuer, database_url: str, **overrides: Any) -> Settings:
    """The settings a user would give: BETTER_AUTH_URL, DATABASE_URL, defaults for the rest."""
    values: dict[str, Any] = {"BETTER_AUTH_URL": issuer.url, "DATABASE_URL": database_url}
    return Settings(**{**values, **overrides}).check()


class Backend:
    """A running reference backend and a client for it."""

    def __init__(self, url: str, app: FastAPI) -> None:
        self.url = url
        self.app = app
        self.client = httpx.Client(base_url=url, timeout=30)
        # For the key caches ``use`` makes, as a cache makes its own (an httpx.Client costs
        # ~0.1 s to build, mostly its TLS context: per test, that was most of the set-up).
        self._jwks_client = httpx.Client(timeout=5.0, follow_redirects=False)

    def call(self, method: str, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return self.client.request(method, path, headers=headers, **kw)

    @property
    def verifier(self) -> TokenVerifier:
        verifier: TokenVerifier = self.app.state.verifier
        return verifier

    def use(self, *, clock: Callable[[], float] = time.monotonic, **overrides: Any) -> None:
        """Verify with a new, empty key cache on ``clock``, and the settings ``overrides``."""
        started_with: Settings = self.app.state.settings
        settings = Settings(**{**started_with.model_dump(), **overrides}).check()
        self.verifier.keys.close()
        max_age = settings.JWKS_CACHE_TTL
        keys = JWKSCache(settings.jwks_url, client=self._jwks_client, max_age=max_age, clock=clock)
        self.app.state.verifier = TokenVerifier.from_settings(settings, keys)

    def close(self) -> None:
        self.client.close()
        self._jwks_client.close()

    def reset(self) -> None:
        """As if just started: an empty key cache, the settings it started with, no tasks."""
        self.use()
        with Session(self.app.state.engine) as session:
            session.exec(delete(Task))
            session.commit()


StartBackend = Callable[..., contextlib.AbstractContextManager[Backend]]


@contextlib.contextmanager
def serve(settings: Settings) -> Iterator[Backend]:
    app = create_app(settings)
    with ThreadedUvicorn(app) as server:
        backend = Backend(server.url, app)
        try:
            yield backend
        finally:
            backend.close()


@pytest.fixture(scope="module")
def shared_backend(
    issuer_server: TestIssuer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    db = tmp_path_factory.mktemp("backend") / "tasks.db"
    with serve(settings_for(issuer_server, f"sqlite:///{db}")) as backend:
        yield backend


@pytest.fixture
def backend(issuer: TestIssuer, shared_backend: Backend) -> Backend:
    shared_backend.reset()
    return shared_backend


@pytest.fixture
def start_backend(issuer: TestIssuer, sqlite_url: str) -> StartBackend:
    """``with start_backend(database_url=…, **settings) as backend:``, a server of its own."""

    def start(
        *, database_url: str | None = None, **overrides: Any
    ) -> contextlib.AbstractContextManager[Backend]:
        return serve(settings_for(issuer, database_url or sqlite_url, **overrides))

    return start


def jwks_url(issuer: TestIssuer) -> str:
    return issuer.url + JWKS_PATH
