"""Fixtures: a test issuer (JWKS server), the reference backend on a real uvicorn, databases."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from authcheck.serve import ThreadedUvicorn
from reference_backend.core.config import Settings
from reference_backend.core.jwks import JWKSCache
from reference_backend.main import create_app
from tests.reference_backend.jwks_server import TestIssuer
from tests.support.postgres import create_database, running_postgres

ALGORITHMS = ("EdDSA", "ES256", "RS256")
_db_names = itertools.count()


@pytest.fixture
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as running:
        yield running


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
    values: dict[str, Any] = {
        "BETTER_AUTH_URL": issuer.url,
        "DATABASE_URL": database_url,
        "JWT_ALGORITHMS": ALGORITHMS,
        **overrides,
    }
    return Settings(**values).check()


class Backend:
    """A running reference backend and a client for it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = httpx.Client(base_url=url, timeout=30)

    def call(self, method: str, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return self.client.request(method, path, headers=headers, **kw)


StartBackend = Callable[..., contextlib.AbstractContextManager[Backend]]


@pytest.fixture
def start_backend(issuer: TestIssuer, sqlite_url: str) -> StartBackend:
    """``with start_backend(database_url=…, jwks=…, **settings) as backend:``"""

    @contextlib.contextmanager
    def start(
        *, database_url: str | None = None, jwks: JWKSCache | None = None, **overrides: Any
    ) -> Iterator[Backend]:
        settings = settings_for(issuer, database_url or sqlite_url, **overrides)
        with ThreadedUvicorn(create_app(settings, jwks=jwks)) as server:
            backend = Backend(server.url)
            try:
                yield backend
            finally:
                backend.client.close()

    return start


@pytest.fixture
def backend(start_backend: StartBackend) -> Iterator[Backend]:
    with start_backend() as running:
        yield running
