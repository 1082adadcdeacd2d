"""`authcheck doctor` against the real Better Auth frontend and the reference backend (node)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from authcheck.cli.main import app
from authcheck.frontend.node import FrontendConfig, FrontendServer
from authcheck.serve import ThreadedUvicorn, free_port
from tests.doctor.backends import session_backend
from tests.doctor.conftest import BackendFactory

pytestmark = pytest.mark.node


@pytest.fixture(scope="module")
def plain_frontend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FrontendServer]:
    """A Better Auth without the control API, as a team runs it."""
    log = tmp_path_factory.mktemp("doctor-plain") / "node.log"
    with FrontendServer(FrontendConfig(control=False), log_path=log) as server:
        yield server


def doctor(
    base_url: str, backend_url: str, *extra: str, stdin: str | None = None
) -> tuple[int, str]:
    args = ["doctor", "--better-auth-url", base_url, "--backend-url", backend_url]
    result = CliRunner().invoke(app, [*args, *extra], input=stdin)
    return result.exit_code, result.output


def doctor_json(base_url: str, backend_url: str, *extra: str) -> tuple[int, Any]:
    code, output = doctor(base_url, backend_url, "--json", *extra)
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


def test_good_setup_exits_0_and_says_where_the_token_came_from(
    frontend: FrontendServer, backend: BackendFactory
) -> None:
    with backend() as url:
        code, output = doctor(frontend.base_url, url)
        code_json, report = doctor_json(frontend.base_url, url)
    assert code == 0, output
    words = " ".join(output.split())  # the report wraps at the terminal's width
    assert "accepts the token" in words and "control API of the Better Auth" in words
    assert code_json == 0 and report["accepted"] is True
    assert [d["kind"] for d in report["diagnosis"]] in ([], ["note"])
    assert report["verification"]["valid"] is True
    assert report["seconds"] < 10


def test_localhost_issuer_on_the_reference_backend_names_both_settings(
    frontend: FrontendServer, backend: BackendFactory
) -> None:
    localhost = f"http://localhost:{frontend.port}"
    with backend(JWT_ISSUER=localhost) as url:
        code, output = doctor(frontend.base_url, url)
        _, report = doctor_json(frontend.base_url, url)
    assert code == 1, output
    first = report["diagnosis"][0]
    assert first["code"] == "issuer-mismatch"
    assert localhost in first["title"]
    assert "BETTER_AUTH_URL" in first["frontend"] and "JWT_ISSUER" in first["backend"]
    assert "1. The backend" in output and localhost in output


def test_frontend_sending_the_session_token_is_the_first_cause(frontend: FrontendServer) -> None:
    with ThreadedUvicorn(session_backend(frontend.base_url)) as server:
        code, report = doctor_json(frontend.base_url, server.url)
    assert code == 1
    assert report["diagnosis"][0]["code"] == "session-token-expected", report["diagnosis"]


def test_session_token_given_as_token_is_named_and_never_printed(
    frontend: FrontendServer, backend: BackendFactory
) -> None:
    sid = session_id(frontend)
    with backend() as url:
        code, output = doctor(frontend.base_url, url, "--token", "-", stdin=sid + "\n")
        _, report = doctor_json(frontend.base_url, url, "--token", sid)
    assert code == 1, output
    assert "session token" in output and "authClient.token()" in output
    assert sid not in output and sid not in json.dumps(report)
    assert report["token"]["kind"] == "session_id"
    assert report["diagnosis"][0]["code"] == "session-token"


def test_expired_token_is_a_fact_not_the_backends_word(
    frontend: FrontendServer, backend: BackendFactory
) -> None:
    now = int(time.time())
    claims = {"sub": "doctor-user", "iat": now - 1000, "exp": now - 100}
    minted = httpx.post(f"{frontend.url}/__authcheck/mint", json={"claims": claims}, timeout=10)
    with backend() as url:
        code, report = doctor_json(frontend.base_url, url, "--token", minted.json()["token"])
    assert code == 1
    assert report["diagnosis"][0]["code"] == "token-expired"
    assert "authClient.token()" in report["diagnosis"][0]["frontend"]


def test_real_better_auth_without_control_signs_up_and_says_what_it_could_not_test(
    plain_frontend: FrontendServer, backend: BackendFactory
) -> None:
    with backend(
        BETTER_AUTH_URL=plain_frontend.base_url,
        JWKS_URL=plain_frontend.jwks_url,
        JWT_ISSUER=plain_frontend.base_url,
        JWT_AUDIENCE=plain_frontend.base_url,
    ) as url:
        code, report = doctor_json(plain_frontend.base_url, url)
    assert code == 0, report["diagnosis"]
    assert "fresh sign-up" in report["token"]["origin"]
    assert report["can_mint"] is False
    notes = [d["title"] for d in report["diagnosis"] if d["kind"] == "note"]
    assert any("AUTHCHECK_CONTROL=1" in n for n in notes)
    codes = {e["code"] for e in report["experiments"]}
    assert {"refuse.alg-none", "refuse.tampered", "session-token"} <= codes


def test_unreachable_backend_is_one_line_and_exit_3(frontend: FrontendServer) -> None:
    code, output = doctor(frontend.base_url, f"http://127.0.0.1:{free_port()}")
    assert code == 3
    assert "Traceback" not in output


def test_unreachable_better_auth_without_a_token_is_exit_3(backend: BackendFactory) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    with backend() as url:
        code, output = doctor(nowhere, url)
    assert code == 3
    assert "Better Auth not reachable" in output and "Traceback" not in output


def test_bad_url_is_exit_2() -> None:
    code, output = doctor("localhost:3000", "http://x")
    assert code == 2
    assert "--better-auth-url must be an http(s) URL" in output


def test_a_cors_mixup_is_a_note_naming_the_origin_difference(
    frontend: FrontendServer, backend: BackendFactory
) -> None:
    localhost = f"http://localhost:{frontend.port}"  # the page is at 127.0.0.1
    with backend(CORS_ORIGINS=localhost) as url:
        code, report = doctor_json(frontend.base_url, url)
    assert code == 0  # the backend accepts the token: whether the browser calls it, capture says
    notes = {d["code"]: d for d in report["diagnosis"]}
    assert "cors-blocked" in notes and notes["cors-blocked"]["kind"] == "note"
    assert "localhost" in notes["cors-blocked"]["evidence"]
    assert report["cors"]["origin"] == frontend.base_url.rstrip("/")
