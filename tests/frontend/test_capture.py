"""Playwright capture in Debian's Chromium against the real dashboard and reference backend."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from authcheck.cli.app import build_app
from authcheck.core.verify import VerifyPolicy
from authcheck.errors import ExitStatus
from authcheck.frontend.capture import Credentials, PlaywrightCapture
from authcheck.frontend.inspect import CaptureReport, Verdict, inspect_capture
from authcheck.frontend.selectors import Selectors, load_selectors
from tests.frontend.conftest import PASSWORD, Stack, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.node]


def run_capture(
    stack: Stack,
    tmp_path: Path,
    *,
    credentials: Credentials | None = None,
    selectors: Selectors | None = None,
    timeout: float = 15.0,
) -> CaptureReport:
    browser = PlaywrightCapture(
        stack.frontend.url,
        stack.backend_url,
        artifacts_dir=tmp_path / "artifacts",
        credentials=credentials,
        selectors=selectors,
        timeout=timeout,
    )
    result = browser.capture()
    policy = VerifyPolicy.better_auth(stack.frontend.base_url)
    with policy.fetcher() as fetcher:
        return inspect_capture(result, policy, fetcher)


def test_dashboard_sends_a_jwt_that_verifies_on_every_task_call(
    stack: Stack, tmp_path: Path
) -> None:
    report = run_capture(stack, tmp_path)
    capture = report.capture
    assert capture.error is None
    assert report.verdict is Verdict.JWT_VALID, report.message
    calls = [(r.method, r.status) for r in capture.requests]
    assert ("POST", 201) in calls and ("GET", 200) in calls
    for request in capture.requests:
        assert request.authorization is not None
        assert request.authorization.startswith("Bearer eyJ")
        assert request.url.startswith(f"{stack.backend_url}/api/{capture.user_id}/tasks")
    assert capture.token_from_client is not None
    assert jwt.decode(capture.token_from_client, options={"verify_signature": False})["sub"] == (
        capture.user_id
    )
    assert report.client_token is not None and report.client_token.verdict is Verdict.JWT_VALID
    assert capture.screenshot is None and capture.console_log is None
    assert any(note.startswith("created and listed task") for note in capture.notes)


def test_session_token_bug_is_reported_as_such_with_screenshot_and_console(
    buggy_stack: Stack, tmp_path: Path
) -> None:
    report = run_capture(buggy_stack, tmp_path)
    assert report.verdict is Verdict.SESSION_TOKEN
    assert "session id" in report.message and "not a JWT" in report.message
    assert all(r.status == 401 for r in report.capture.requests)
    said = next(n for n in report.capture.notes if n.startswith("the backend answered 401"))
    assert "session token" in said  # the reference backend's own diagnosis, passed on
    # the page did get a JWT from authClient.token(); it just sent the wrong thing
    assert report.client_token is not None and report.client_token.verdict is Verdict.JWT_VALID
    screenshot, console_log = report.capture.screenshot, report.capture.console_log
    assert screenshot is not None and screenshot.read_bytes().startswith(b"\x89PNG")
    assert console_log is not None and "401" in console_log.read_text()


def test_signs_in_with_credentials_from_the_environment(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = sign_up(stack.frontend, name="Carol")
    monkeypatch.setenv("AUTHCHECK_EMAIL", user.email)
    monkeypatch.setenv("AUTHCHECK_PASSWORD", PASSWORD)
    report = run_capture(stack, tmp_path, credentials=Credentials.from_env())
    assert report.capture.user_id == user.user_id
    assert f"signed in as {user.email}" in report.capture.notes
    assert report.verdict is Verdict.JWT_VALID


def test_a_capture_that_cannot_finish_saves_screenshot_and_console(
    stack: Stack, tmp_path: Path
) -> None:
    selectors = Selectors(signed_in="#never-there")
    report = run_capture(stack, tmp_path, selectors=selectors, timeout=2.0)
    assert report.capture.error is not None and "#never-there" in report.capture.error
    assert report.capture.screenshot is not None and report.capture.screenshot.is_file()
    assert report.capture.console_log is not None and report.capture.console_log.is_file()


def test_capture_command_prints_the_verdict_and_json(stack: Stack, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_app("capture"),
        ["capture", "--frontend-url", stack.frontend.url, "--artifacts", str(tmp_path), "--json"],
    )
    assert result.exit_code == ExitStatus.OK, result.output
    body = json.loads(result.stdout)
    assert body["schema_version"] == 1 and body["verdict"] == "jwt-valid"
    assert {r["status"] for r in body["requests"]} >= {200, 201}
    for request in body["requests"]:  # tokens are redacted in reports
        assert "redacted" in request["authorization"]
        assert len(request["authorization"]) < 60


def test_capture_command_exits_1_on_the_session_token_bug(
    buggy_stack: Stack, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        build_app("capture"),
        ["capture", "--frontend-url", buggy_stack.frontend.url, "--artifacts", str(tmp_path)],
    )
    assert result.exit_code == ExitStatus.FINDINGS
    assert "session-token" in result.output
    assert "not a JWT" in result.output


def test_selectors_file_drives_another_login_flow(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = sign_up(stack.frontend, name="Dave")
    monkeypatch.setenv("AUTHCHECK_EMAIL", user.email)
    monkeypatch.setenv("AUTHCHECK_PASSWORD", PASSWORD)
    path = tmp_path / "selectors.toml"
    path.write_text(
        'login_path = "/index.html"\n'
        "signin_email = \"[data-testid='signin-email']\"\n"
        "signin_password = \"[data-testid='signin-password']\"\n"
        "signin_submit = 'button:has-text(\"Sign in\")'\n"
        "signed_in = \"[data-testid='task-list'][data-loaded='true']\"\n"
        'signup_path = ""\n'
        'task_title = ""\n'
        'token_expression = "null"\n'
    )
    report = run_capture(
        stack, tmp_path, credentials=Credentials.from_env(), selectors=load_selectors(path)
    )
    assert report.capture.error is None
    assert [(r.method, r.status) for r in report.capture.requests] == [("GET", 200)]
    assert report.capture.token_from_client is None
    assert report.verdict is Verdict.JWT_VALID
