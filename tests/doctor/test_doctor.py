"""`authcheck doctor` against the real Better Auth frontend and the reference backend."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from typer.testing import CliRunner

from authcheck.cli.main import app
from authcheck.frontend.node import FrontendServer
from authcheck.serve import ThreadedUvicorn, free_port
from tests.doctor.conftest import BackendFactory

pytestmark = pytest.mark.node


def doctor(frontend: FrontendServer, backend_url: str, *extra: str) -> tuple[int, str]:
    args = ["doctor", "--better-auth-url", frontend.base_url, "--backend-url", backend_url]
    result = CliRunner().invoke(app, [*args, *extra])
    return result.exit_code, result.output


def doctor_json(frontend: FrontendServer, backend_url: str, *extra: str) -> tuple[int, Any]:
    code, output = doctor(frontend, backend_url, "--json", *extra)
    return code, json.loads(output)


def session_id(frontend: FrontendServer) -> str:
    email = f"doctor-{uuid.uuid4().hex[:10]}@example.test"
    body = {"email": email, "password": "correct horse battery staple", "name": "Doc"}
    response = httpx.post(
        f"{frontend.url}/api/auth/sign-up/email",
        json=body,
        headers={"Origin": frontend.base_url},
        timeout=10,
    )
    response.raise_for_status()
    token = response.json()["token"]
    assert isinstance(token, str)
    return token


def test_good_setup_exits_0_and_says_the_token_is_accepted(
    frontend: FrontendServer, backend: BackendFactory
) -> None:
    with backend() as url:
        code, output = doctor(frontend, url)
        code_json, report = doctor_json(frontend, url)
    assert code == 0, output
    assert "accepts the token" in output
    assert "GET /api/me → 200" in output
    assert code_json == 0
    assert report["accepted"] is True and report["diagnosis"] == []
    assert report["token"]["kind"] == "jws" and report["verification"]["valid"] is True
    assert [c["status"] for c in report["backend_calls"]] == [200, 200]


def test_localhost_issuer_on_the_backend_names_both_hosts_and_both_settings(
    frontend: FrontendServer, backend: BackendFactory
) -> None:
    localhost = f"http://localhost:{frontend.port}"
    with backend(JWT_ISSUER=localhost) as url:
        code, output = doctor(frontend, url)
        _, report = doctor_json(frontend, url)
    assert code == 1, output
    first = report["diagnosis"][0]
    assert first["code"] == "issuer-mismatch"
    assert "localhost" in first["evidence"] and "127.0.0.1" in first["evidence"]
    assert "BETTER_AUTH_URL" in first["frontend"]
    assert "JWT_ISSUER" in first["backend"] and frontend.base_url in first["backend"]
    assert "1. iss mismatch" in output and "JWT_ISSUER" in output


def test_session_token_passed_as_token_is_named_the_session_token(
    frontend: FrontendServer, backend: BackendFactory
) -> None:
    with backend() as url:
        code, output = doctor(frontend, url, "--token", session_id(frontend))
        _, report = doctor_json(frontend, url, "--token", session_id(frontend))
    assert code == 1, output
    assert "session token" in output and "authClient.token()" in output
    assert report["token"]["kind"] == "session_id"
    assert report["diagnosis"][0]["code"] == "session-token"
    assert [c["status"] for c in report["backend_calls"]] == [401]


def test_backend_without_eddsa_says_eddsa_is_missing_from_jwt_algorithms(
    frontend: FrontendServer, backend: BackendFactory
) -> None:
    with backend(JWT_ALGORITHMS="RS256") as url:
        code, output = doctor(frontend, url)
        _, report = doctor_json(frontend, url)
    assert code == 1, output
    first = report["diagnosis"][0]
    assert first["code"] == "algorithm-not-allowed"
    assert "EdDSA" in first["title"] and "RS256" in first["title"]
    assert "JWT_ALGORITHMS=RS256,EdDSA" in first["backend"]
    assert "does not accept EdDSA" in output


def test_expired_token_says_fetch_a_fresh_one(
    frontend: FrontendServer, backend: BackendFactory
) -> None:
    now = int(time.time())
    claims = {"sub": "doctor-user", "iat": now - 1000, "exp": now - 100}
    minted = httpx.post(f"{frontend.url}/__authcheck/mint", json={"claims": claims}, timeout=10)
    token = minted.json()["token"]
    with backend() as url:
        code, report = doctor_json(frontend, url, "--token", token)
    assert code == 1
    assert report["diagnosis"][0]["code"] == "token-expired"
    assert "authClient.token()" in report["diagnosis"][0]["frontend"]


def test_token_never_appears_in_full(frontend: FrontendServer, backend: BackendFactory) -> None:
    sid = session_id(frontend)
    with backend() as url:
        _, output = doctor(frontend, url, "--token", sid)
        _, json_output = doctor(frontend, url, "--token", sid, "--json")
    assert sid not in output and sid not in json_output


def test_unreachable_backend_is_one_line_and_exit_3(frontend: FrontendServer) -> None:
    code, output = doctor(frontend, f"http://127.0.0.1:{free_port()}")
    assert code == 3
    assert "backend did not answer" in output and "Traceback" not in output


def test_bad_url_is_exit_2() -> None:
    result = CliRunner().invoke(
        app, ["doctor", "--better-auth-url", "localhost:3000", "--backend-url", "http://x"]
    )
    assert result.exit_code == 2
    assert "--better-auth-url must be an http(s) URL" in result.output


def crashing_backend(frontend: FrontendServer) -> Starlette:
    """The classic bug: jwt.decode's ExpiredSignatureError is not caught, so expiry is a 500."""
    keys = jwt.PyJWKClient(frontend.jwks_url)

    def me(request: Request) -> JSONResponse:
        token = request.headers["authorization"].removeprefix("Bearer ")
        key = keys.get_signing_key_from_jwt(token).key
        claims = jwt.decode(
            token, key, algorithms=["EdDSA"], issuer=frontend.base_url, audience=frontend.base_url
        )
        return JSONResponse({"user_id": claims["sub"]})

    return Starlette(routes=[Route("/api/me", me), Route("/api/{user}/tasks", me)])


def test_backend_crashing_on_an_expired_token_is_ranked_first(frontend: FrontendServer) -> None:
    now = int(time.time())
    claims = {"sub": "doctor-user", "iat": now - 1000, "exp": now - 100}
    minted = httpx.post(f"{frontend.url}/__authcheck/mint", json={"claims": claims}, timeout=10)
    with ThreadedUvicorn(crashing_backend(frontend)) as server:
        code, report = doctor_json(frontend, server.url, "--token", minted.json()["token"])
    assert code == 1
    first, second = report["diagnosis"][:2]
    assert first["code"] == "backend-500" and "expired token" in first["title"]
    assert "ExpiredSignatureError" in first["backend"] and "401" in first["backend"]
    assert second["code"] == "token-expired"


def test_token_from_stdin(frontend: FrontendServer, backend: BackendFactory) -> None:
    sid = session_id(frontend)
    with backend() as url:
        args = ["doctor", "--better-auth-url", frontend.base_url, "--backend-url", url]
        result = CliRunner().invoke(app, [*args, "--token", "-", "--json"], input=sid + "\n")
    assert result.exit_code == 1
    assert json.loads(result.output)["diagnosis"][0]["code"] == "session-token"


def test_unreachable_better_auth_without_a_token_is_exit_3(backend: BackendFactory) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    with backend() as url:
        args = ["doctor", "--better-auth-url", nowhere, "--backend-url", url]
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 3
    assert "Better Auth not reachable" in result.output and "Traceback" not in result.output


def test_backend_without_the_routes_says_so(frontend: FrontendServer) -> None:
    with ThreadedUvicorn(Starlette(routes=[])) as server:
        code, report = doctor_json(frontend, server.url)
    assert code == 1 and report["accepted"] is False
    assert [d["code"] for d in report["diagnosis"]] == ["routes-not-found"]
