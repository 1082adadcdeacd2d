"""The real Better Auth Node server: sign-up, JWTs that verify per key algorithm, the dashboard."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import httpx
import jwt
import pytest

from authcheck.frontend.node import FrontendConfig, FrontendServer, frontend_dir
from authcheck.serve import free_port
from tests.frontend.conftest import fetch_token, sign_up, start_frontend

pytestmark = pytest.mark.node


def test_token_endpoint_gives_a_jwt_that_verifies_against_the_jwks(
    frontend: FrontendServer,
) -> None:
    user = sign_up(frontend)
    token = fetch_token(frontend, user)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == frontend.config.alg
    assert "typ" not in header  # Better Auth sets no typ
    key_set = jwt.PyJWKSet.from_dict(httpx.get(frontend.jwks_url).json())
    key = next(k for k in key_set.keys if k.key_id == header["kid"])
    claims = jwt.decode(
        token,
        key,
        algorithms=[frontend.config.alg],
        issuer=frontend.base_url,
        audience=frontend.base_url,
    )
    assert claims["sub"] == user.user_id
    assert claims["email"] == user.email
    assert claims["exp"] - claims["iat"] == 900


def test_session_token_is_not_a_jwt_but_gets_one_with_the_bearer_plugin(
    eddsa_frontend: FrontendServer,
) -> None:
    user = sign_up(eddsa_frontend)
    assert "." not in user.session_token and len(user.session_token) == 32
    response = httpx.get(
        f"{eddsa_frontend.url}/api/auth/token",
        headers={"Authorization": f"Bearer {user.session_token}"},
    )
    assert response.status_code == 200
    assert jwt.get_unverified_header(response.json()["token"])["alg"] == "EdDSA"


def test_dashboard_is_served_with_its_selectors_and_bundle(eddsa_frontend: FrontendServer) -> None:
    page = httpx.get(eddsa_frontend.url + "/")
    assert page.status_code == 200
    for selector in ('id="signup-form"', 'id="signin-email"', 'id="task-title"', 'id="signout"'):
        assert selector in page.text
    bundle = httpx.get(eddsa_frontend.url + "/app.js")
    assert bundle.status_code == 200
    assert "javascript" in bundle.headers["content-type"]
    assert httpx.get(eddsa_frontend.url + "/config.json").json()["dashboardBug"] == ""


@pytest.fixture(scope="module")
def plain_frontend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrontendServer]:
    """Control API off, test-only dashboard bug requested: the bug must be ignored."""
    config = FrontendConfig(
        alg="EdDSA",
        dashboard_bug="session-token",
        jwks_path="/keys",
        expiration="2m",
        trusted_origins=("http://localhost:1",),
    )
    server = start_frontend(tmp_path_factory, config, "plain")
    yield server
    server.stop()


def test_without_control_mode_there_is_no_control_api_and_no_dashboard_bug(
    plain_frontend: FrontendServer,
) -> None:
    assert httpx.get(f"{plain_frontend.url}/__authcheck/info").status_code == 404
    assert httpx.get(f"{plain_frontend.url}/config.json").json()["dashboardBug"] == ""


def test_jwks_path_and_lifetime_come_from_the_environment(plain_frontend: FrontendServer) -> None:
    assert plain_frontend.jwks_url.endswith("/api/auth/keys")
    keys = httpx.get(plain_frontend.jwks_url).json()["keys"]
    assert httpx.get(f"{plain_frontend.url}/api/auth/jwks").status_code == 404
    user = sign_up(plain_frontend)
    token = fetch_token(plain_frontend, user)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 120
    assert jwt.get_unverified_header(token)["kid"] == keys[0]["kid"]


def run_node_until_exit(
    env: dict[str, str], *, without: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """Start ``node server.mjs`` with ``env`` over ours (less ``without``) and wait for its exit."""
    base = {k: v for k, v in os.environ.items() if k not in without}
    return subprocess.run(
        ["node", "server.mjs"],
        cwd=frontend_dir(),
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_bad_environment_is_one_line_and_exit_status_2() -> None:
    done = run_node_until_exit({"PORT": "0", "BETTER_AUTH_SECRET": "x" * 40, "JWT_ALG": "HS256"})
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "reference_frontend: JWT_ALG must be one of EdDSA, ES256, RS256, PS256, not HS256"
    ]


def test_missing_secret_is_refused() -> None:
    done = run_node_until_exit({"PORT": "0"}, without=("BETTER_AUTH_SECRET",))
    assert done.returncode == 2
    assert "BETTER_AUTH_SECRET is required" in done.stderr


def test_unreachable_database_is_one_line_and_exit_status_2() -> None:
    no_server = f"postgresql://postgres@127.0.0.1:{free_port()}/auth"
    port = str(free_port())
    env = {"PORT": port, "BETTER_AUTH_SECRET": "x" * 40, "DATABASE_URL": no_server}
    done = run_node_until_exit(env)
    assert done.returncode == 2
    ours = [line for line in done.stderr.splitlines() if "reference_frontend" in line]
    assert len(ours) == 1 and "DATABASE_URL: cannot use the database" in ours[0]
    assert "    at " not in done.stderr  # no stack trace


def test_port_0_without_a_base_url_is_refused() -> None:
    env = {"PORT": "0", "BETTER_AUTH_SECRET": "x" * 40}
    done = run_node_until_exit(env, without=("BETTER_AUTH_URL",))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "reference_frontend: PORT=0 picks a port only once listening: set BETTER_AUTH_URL, "
        "or a fixed PORT"
    ]


def test_better_auth_checks_the_origin_of_a_sign_up(
    eddsa_frontend: FrontendServer, plain_frontend: FrontendServer
) -> None:
    body = {"email": "eve@example.test", "password": "correct horse battery", "name": "Eve"}
    headers = {"Origin": "http://localhost:1"}
    refused = httpx.post(f"{eddsa_frontend.url}/api/auth/sign-up/email", json=body, headers=headers)
    assert refused.status_code == 403
    assert "origin" in refused.text.lower()
    # TRUSTED_ORIGINS lets that origin in
    allowed = httpx.post(f"{plain_frontend.url}/api/auth/sign-up/email", json=body, headers=headers)
    assert allowed.status_code == 200
