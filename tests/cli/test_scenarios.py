import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from authcheck.cli.main import app
from authcheck.engine.catalogue import load_catalogue
from authcheck.issuer import TestIssuer
from authcheck.serve import ThreadedUvicorn, free_port
from tests.broken_backends.app import build_app

runner = CliRunner()


def run(target: str, issuer_url: str, *extra: str, env: dict[str, str] | None = None) -> Result:
    """``authcheck scenarios run --target TARGET --issuer-url ISSUER_URL EXTRA…`` in process."""
    args = ["scenarios", "run", "--target", target, "--issuer-url", issuer_url, *extra]
    return runner.invoke(app, args, env=env)


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as server:
        yield server


@pytest.fixture(scope="module")
def good(issuer: TestIssuer) -> Iterator[str]:
    with ThreadedUvicorn(build_app(issuer.url)) as server:
        yield server.url


def test_list_shows_every_scenario() -> None:
    result = runner.invoke(app, ["scenarios", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert f"{len(load_catalogue())} scenarios" in result.output
    assert "edge.hs256-confusion" in result.output and "FR-010" in result.output


def test_run_against_a_good_backend_exits_0_with_reports(
    issuer: TestIssuer, good: str, tmp_path: Path
) -> None:
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    result = run(
        good,
        issuer.url,
        "--report-json",
        str(report),
        "--junit",
        str(junit),
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    total = len(load_catalogue())
    assert data["schema_version"] == 2 and len(data["scenarios"]) == total
    assert data["counts"]["failed"] == data["counts"]["not-run"] == 0
    assert data["setup"]["routes_from"] == "/openapi.json" and data["setup"]["failure"] is None
    assert ET.parse(junit).getroot().get("tests") == str(total)
    assert "edge.alg-none" in result.output
    assert "task API from /openapi.json" in result.output  # said before the table


def test_run_exits_1_when_a_scenario_fails(issuer: TestIssuer) -> None:
    with ThreadedUvicorn(build_app(issuer.url, frozenset({"no-aud-check"}))) as bad:
        result = run(
            bad.url,
            issuer.url,
            "--select",
            "edge.wrong-*",
            "--select",
            "us1.create-task",
            env={"COLUMNS": "200"},
        )
    assert result.exit_code == 1, result.output
    assert "edge.wrong-audience" in result.output and "failed" in result.output
    assert "edge.alg-none" not in result.output


def test_skip_leaves_scenarios_out(issuer: TestIssuer, good: str, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    result = run(
        good,
        issuer.url,
        "--select",
        "edge.*",
        "--skip",
        "edge.key-*",
        "--skip",
        "edge.jwks-unavailable",
        "--report-json",
        str(report),
    )
    assert result.exit_code == 0, result.output
    ids = {s["id"] for s in json.loads(report.read_text())["scenarios"]}
    assert ids and all(i.startswith("edge.") for i in ids)
    assert "edge.key-rotation" not in ids and "edge.jwks-unavailable" not in ids


def test_unreachable_target_exits_3_with_one_line(issuer: TestIssuer) -> None:
    target = f"http://127.0.0.1:{free_port()}"
    result = run(target, issuer.url)
    assert result.exit_code == 3
    assert "target not reachable" in result.output
    assert "Traceback" not in result.output and "edge." not in result.output


def test_unreachable_issuer_exits_3(good: str) -> None:
    issuer_url = f"http://127.0.0.1:{free_port()}"
    result = run(good, issuer_url)
    assert result.exit_code == 3
    assert "issuer not reachable" in result.output


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ([], "exactly one of --issuer-url or --better-auth-url"),
        (["--issuer-url", "x", "--better-auth-url", "y"], "exactly one of"),
        (["--issuer-url", "http://127.0.0.1:9", "--select", "nope"], "matches no scenario"),
        (["--issuer-url", "http://127.0.0.1:9", "--routes", "/no/such.toml"], "--routes"),
        (["--better-auth-url", "http://127.0.0.1:9", "--user", "a@b"], "EMAIL:PASSWORD"),
        (["--issuer-url", "http://127.0.0.1:9", "--report-json", "/no/dir/r.json"], "cannot write"),
    ],
)
def test_bad_input_exits_2_with_one_line(good: str, extra: list[str], words: str) -> None:
    result = runner.invoke(app, ["scenarios", "run", "--target", good, *extra])
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output


def test_users_from_the_environment_must_be_two(good: str) -> None:
    result = runner.invoke(
        app,
        ["scenarios", "run", "--target", good, "--better-auth-url", "http://127.0.0.1:9"],
        env={"AUTHCHECK_USERS": "a@example.com:pw1"},
    )
    assert result.exit_code == 2
    assert "exactly two users" in result.output


def test_missing_browser_exits_3_before_running(issuer: TestIssuer, good: str) -> None:
    result = run(
        good,
        issuer.url,
        "--frontend-url",
        "http://127.0.0.1:9",
        env={"AUTHCHECK_CHROMIUM": "/nonexistent/chromium"},
    )
    assert result.exit_code == 3
    assert "Chromium not found" in result.output and "edge." not in result.output


def test_json_report_on_stdout(issuer: TestIssuer, good: str) -> None:
    result = run(good, issuer.url, "--select", "edge.tampered", "--report-json", "-")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["id"] for s in data["scenarios"]] == ["edge.tampered"]


def test_a_backend_refusing_valid_tokens_is_one_headline_not_a_screen_of_failures(
    issuer: TestIssuer, tmp_path: Path
) -> None:
    report = tmp_path / "r.json"
    with TestIssuer() as other, ThreadedUvicorn(build_app(other.url)) as backend:
        result = run(backend.url, issuer.url, "--report-json", str(report), env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert result.output.count("preflight failed: create: POST") == 2  # live, then after the table
    data = json.loads(report.read_text())
    assert data["counts"]["failed"] == 0 and data["counts"]["not-run"] > 0
    statuses = {s["status"] for s in data["scenarios"]}
    assert statuses <= {"not-run", "skipped", "passed"}


def test_a_backend_that_never_fetches_the_jwks_is_told_so() -> None:
    """Valid tokens refused and the issuer's JWKS never fetched: a shared-secret setup or
    another JWKS URL — the advice names both, it cannot tell them apart."""
    with TestIssuer() as fresh, TestIssuer() as other, ThreadedUvicorn(build_app(other.url)) as be:
        result = run(be.url, fresh.url, env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert f"never fetched {fresh.url}/api/auth/jwks" in result.output
    assert "shared secret" in result.output and "another JWKS URL" in result.output


def _shared_secret_only_backend(*, takes_alg_none: bool = False) -> Any:
    """The spec's closing note as code: HS256 with the shared secret, no JWKS at all
    (``takes_alg_none``: and an unsigned token is read as it is, a second hole)."""
    import jwt as pyjwt
    from fastapi import Depends, FastAPI, Header, HTTPException

    secret = "your-secret-key-change-in-production"  # a template's placeholder, left in
    api = FastAPI()

    def user(authorization: str = Header("")) -> str:
        try:
            token = authorization.removeprefix("Bearer ")
            if takes_alg_none and pyjwt.get_unverified_header(token).get("alg") == "none":
                return str(pyjwt.decode(token, options={"verify_signature": False})["sub"])
            claims = pyjwt.decode(
                token, secret, algorithms=["HS256"], options={"verify_aud": False}
            )
        except pyjwt.PyJWTError:
            raise HTTPException(401, "Invalid or expired token") from None
        return str(claims["sub"])

    @api.get("/api/{user_id}/tasks")
    def tasks(user_id: str, sub: str = Depends(user)) -> list[dict[str, Any]]:
        return []

    @api.post("/api/{user_id}/tasks")
    def create(user_id: str, sub: str = Depends(user)) -> dict[str, Any]:
        return {"id": 1, "title": "t", "user_id": sub}

    @api.get("/api/{user_id}/tasks/{task_id}")
    def one(user_id: str, task_id: int, sub: str = Depends(user)) -> dict[str, Any]:
        return {"id": task_id, "title": "t", "user_id": sub}

    return api


def test_a_shared_secret_backend_fails_the_preflight_and_the_secret_scenario_proves_why(
    tmp_path: Path,
) -> None:
    report = tmp_path / "r.json"
    # a fresh issuer: "its JWKS was never fetched" must be this backend's doing alone
    with TestIssuer() as fresh, ThreadedUvicorn(_shared_secret_only_backend()) as backend:
        result = run(backend.url, fresh.url, "--report-json", str(report))
    assert result.exit_code == 1
    data = json.loads(report.read_text())
    statuses = {s["id"]: s for s in data["scenarios"]}
    secret = statuses["edge.shared-secret"]
    assert secret["status"] == "failed" and secret["reason"].startswith("CRITICAL")
    assert statuses["edge.alg-none"]["status"] == "not-run"  # refusals prove nothing here
    assert "shared secret" in data["setup"]["advice"]


def test_a_hole_is_proven_even_when_every_valid_token_is_refused(tmp_path: Path) -> None:
    """The preflight fails (valid tokens refused), yet an unsigned token that is accepted is
    a finding, not a not-run: acceptance proves the hole whatever else is broken."""
    report = tmp_path / "r.json"
    backend_app = _shared_secret_only_backend(takes_alg_none=True)
    with TestIssuer() as fresh, ThreadedUvicorn(backend_app) as backend:
        result = run(backend.url, fresh.url, "--report-json", str(report))
    assert result.exit_code == 1
    statuses = {s["id"]: s for s in json.loads(report.read_text())["scenarios"]}
    alg_none = statuses["edge.alg-none"]
    assert alg_none["status"] == "failed"
    assert "accepted although a valid token gets 401" in alg_none["reason"]
    assert statuses["edge.wrong-issuer"]["status"] == "not-run"  # its refusals prove nothing
