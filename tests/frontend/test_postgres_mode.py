"""DATABASE_URL: Better Auth on a real PostgreSQL (pg + its migrations); data survives restarts."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from authcheck.core.verify import VerifyPolicy
from authcheck.frontend.node import FrontendConfig, FrontendServer
from authcheck.serve import free_port
from tests.frontend.conftest import PASSWORD, fetch_token, sign_up
from tests.support.postgres import create_database, running_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.node]


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_postgres(tmp_path_factory.mktemp("postgres")) as dsn:
        yield create_database(dsn, "better_auth")


def test_users_keys_and_rotation_live_in_postgres_and_survive_a_restart(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    config = FrontendConfig(control=True, database_url=database_url)
    secret = secrets.token_urlsafe(32)  # the keys in the database are encrypted with it

    def server() -> FrontendServer:
        return FrontendServer(config, port=port, log_path=tmp_path / "node.log", secret=secret)

    with server() as first:
        user = sign_up(first)
        token = fetch_token(first, user)
        policy = VerifyPolicy.better_auth(first.base_url)
        with policy.fetcher() as fetcher:
            assert policy.verify(token, fetcher=fetcher).valid
        rotated = httpx.post(f"{first.url}/__authcheck/rotate").json()
        assert len(rotated["kids"]) == 2

    with server() as second:  # same database, a new process
        kids = [k["kid"] for k in httpx.get(second.jwks_url).json()["keys"]]
        assert kids == rotated["kids"]
        with httpx.Client(base_url=second.url, headers={"Origin": second.base_url}) as client:
            signed_in = client.post(
                "/api/auth/sign-in/email", json={"email": user.email, "password": PASSWORD}
            )
            assert signed_in.status_code == 200
            new_token = client.get("/api/auth/token").json()["token"]
        assert jwt.get_unverified_header(new_token)["kid"] == rotated["kid"]
        assert jwt.get_unverified_header(token)["kid"] in kids
        policy = VerifyPolicy.better_auth(second.base_url)
        with policy.fetcher() as fetcher:
            assert policy.verify(token, fetcher=fetcher).valid  # old key still published
            assert policy.verify(new_token, fetcher=fetcher).valid
