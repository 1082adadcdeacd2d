"""Real Better Auth Node servers (one per key algorithm, shared per session) and full stacks."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest

from authcheck.demo import backend_process
from authcheck.frontend.node import FrontendConfig, FrontendServer
from authcheck.serve import free_port

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class SignedIn:
    user_id: str
    email: str
    session_token: str  # the 32-character session id from the sign-in body
    cookies: httpx.Cookies


def start_frontend(
    tmp_path_factory: pytest.TempPathFactory, config: FrontendConfig, name: str
) -> FrontendServer:
    log = tmp_path_factory.mktemp(f"frontend-{name}") / "node.log"
    return FrontendServer(config, log_path=log).start()


@pytest.fixture(scope="session", params=["EdDSA", "ES256", "RS256", "PS256"])
def frontend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FrontendServer]:
    """A control-enabled frontend for each of the key algorithms the issue asks to prove."""
    server = start_frontend(
        tmp_path_factory, FrontendConfig(alg=request.param, control=True), request.param
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def eddsa_frontend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrontendServer]:
    server = start_frontend(tmp_path_factory, FrontendConfig(control=True), "eddsa")
    yield server
    server.stop()


@pytest.fixture()
def control(eddsa_frontend: FrontendServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{eddsa_frontend.url}/__authcheck", timeout=10) as client:
        yield client


def sign_up(server: FrontendServer, name: str = "Bob") -> SignedIn:
    """Create a fresh user through Better Auth's own endpoint, as the dashboard does."""
    email = f"{name.lower()}-{uuid.uuid4().hex[:10]}@example.test"
    with httpx.Client(base_url=server.url, headers={"Origin": server.base_url}, timeout=10) as c:
        response = c.post(
            "/api/auth/sign-up/email", json={"email": email, "password": PASSWORD, "name": name}
        )
        response.raise_for_status()
        body = response.json()
        return SignedIn(body["user"]["id"], email, body["token"], c.cookies)


def fetch_token(server: FrontendServer, user: SignedIn) -> str:
    """`GET /api/auth/token` with the session cookie: what `authClient.token()` returns."""
    with httpx.Client(base_url=server.url, cookies=user.cookies, timeout=10) as client:
        response = client.get("/api/auth/token")
        response.raise_for_status()
        token = response.json()["token"]
        assert isinstance(token, str)
        return token


@dataclass(frozen=True)
class Stack:
    """The real Better Auth frontend wired to the reference backend, both on loopback ports."""

    frontend: FrontendServer
    backend_url: str


@contextlib.contextmanager
def running_stack(base: Path, config: FrontendConfig) -> Iterator[Stack]:
    backend_port = free_port()
    backend_url = f"http://127.0.0.1:{backend_port}"
    frontend = FrontendServer(replace(config, backend_url=backend_url), log_path=base / "node.log")
    backend = backend_process(
        frontend.base_url, backend_port, config.alg, base / "tasks.db", base / "backend.log"
    )
    with frontend, backend:
        yield Stack(frontend, backend_url)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack"), FrontendConfig(control=True)) as s:
        yield s


@pytest.fixture(scope="module")
def buggy_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The dashboard sends the session token instead of the JWT (test-only switch)."""
    config = FrontendConfig(control=True, dashboard_bug="session-token")
    with running_stack(tmp_path_factory.mktemp("buggy"), config) as s:
        yield s
