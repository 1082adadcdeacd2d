"""Real Better Auth Node servers shared per session: one per key algorithm (control API on)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from authcheck.frontend.node import FrontendConfig, FrontendServer

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


@pytest.fixture(scope="session", params=["EdDSA", "ES256", "RS256"])
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
