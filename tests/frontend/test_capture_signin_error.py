"""A sign-in the page rejects ends the capture at once, in the page's own words, password masked."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from authcheck.cli.app import build_app
from authcheck.errors import ExitStatus
from authcheck.frontend.capture import Credentials
from authcheck.frontend.inspect import Verdict
from authcheck.frontend.selectors import Selectors, load_selectors
from tests.frontend.conftest import SignedIn, Stack, sign_up
from tests.frontend.test_capture import run_capture

pytestmark = [pytest.mark.browser, pytest.mark.node]

# Words and spaces, so it is no token-looking run `redact_text` would hide by itself: only the
# capture's own masking keeps it out of the output.
WRONG_PASSWORD = "not the password 4711"


@pytest.fixture
def wrong_login(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> SignedIn:
    """A real user, with AUTHCHECK_EMAIL theirs and AUTHCHECK_PASSWORD wrong."""
    user = sign_up(stack.frontend, name="Erin")
    monkeypatch.setenv("AUTHCHECK_EMAIL", user.email)
    monkeypatch.setenv("AUTHCHECK_PASSWORD", WRONG_PASSWORD)
    return user


def artifact_bytes(directory: Path) -> bytes:
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    assert files, f"no artifacts in {directory}"
    return b"".join(p.read_bytes() for p in files)


def test_wrong_password_ends_with_the_pages_error_and_exit_3(
    stack: Stack, tmp_path: Path, wrong_login: SignedIn
) -> None:
    artifacts = tmp_path / "artifacts"
    result = CliRunner().invoke(
        build_app("capture"),
        ["capture", "--frontend-url", stack.frontend.url, "--artifacts", str(artifacts)],
    )
    # a capture that cannot finish is exit 3 (docs/frontend.md), a rejected sign-in included
    assert result.exit_code == ExitStatus.UNREACHABLE, result.output
    assert "Traceback" not in result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("capture-failed: the capture did not complete: the page rejected")
    assert (
        "the sign-in" in last and "Sign in failed" in last and "Invalid email or password" in last
    )
    assert "AUTHCHECK_PASSWORD" in last
    assert "waiting for" not in result.output and "Timeout" not in result.output
    assert (artifacts / "capture-failure.png").read_bytes().startswith(b"\x89PNG")
    assert (artifacts / "capture-console.log").is_file()
    assert WRONG_PASSWORD not in result.output
    assert WRONG_PASSWORD.encode() not in artifact_bytes(artifacts)


def test_report_carries_the_rejection_without_the_password(
    stack: Stack, tmp_path: Path, wrong_login: SignedIn
) -> None:
    report = run_capture(stack, tmp_path, credentials=Credentials.from_env())
    assert report.verdict is Verdict.CAPTURE_FAILED
    error = report.capture.error
    assert error is not None and "Sign in failed" in error and "the sign-in" in error
    assert report.capture.requests == ()
    assert report.capture.notes[-1] == f"tried to sign in as {wrong_login.email}"
    assert report.capture.notes[0].startswith("found the sign-in form: email input#signin-email")
    assert report.capture.console_log is not None and report.capture.screenshot is not None
    assert WRONG_PASSWORD not in str(report.to_dict())


def test_custom_error_marker_from_a_selectors_file_is_used(
    stack: Stack, tmp_path: Path, wrong_login: SignedIn
) -> None:
    path = tmp_path / "selectors.toml"
    path.write_text('error_marker = "[role=\'alert\']:not([hidden])"\nsignup_path = ""\n')
    selectors = load_selectors(path)
    assert selectors.error_marker == "[role='alert']:not([hidden])"
    report = run_capture(stack, tmp_path, credentials=Credentials.from_env(), selectors=selectors)
    error = report.capture.error
    assert error is not None and "Sign in failed" in error, error


def test_without_an_error_marker_the_capture_waits_for_the_signed_in_marker_alone(
    stack: Stack, tmp_path: Path, wrong_login: SignedIn
) -> None:
    """The fail-fast above is the marker's doing: with `error_marker = ""` it is a timeout."""
    report = run_capture(
        stack,
        tmp_path,
        credentials=Credentials.from_env(),
        selectors=Selectors(error_marker=""),
        timeout=2.0,
    )
    error = report.capture.error
    assert error is not None and "no sign of success 2 s after the sign-in" in error
    assert "a navigation or a session cookie" in error
    assert "error marker" not in error and "Sign in failed" not in error


def test_unknown_key_is_still_refused_and_the_hint_lists_error_marker(tmp_path: Path) -> None:
    path = tmp_path / "selectors.toml"
    path.write_text('error_marker = ".oops"\nerror_selector = ".oops"\n')
    result = CliRunner().invoke(
        build_app("capture"),
        [
            "capture",
            "--frontend-url",
            "http://127.0.0.1:9",
            "--backend-origin",
            "http://127.0.0.1:9",
            "--selectors",
            str(path),
        ],
    )
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert f"{path}: error_selector" in result.output
    assert "error_marker" in result.output  # among the known keys in the hint
