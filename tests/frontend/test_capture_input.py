"""`authcheck capture` input errors: one line and the documented exit status, no browser needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from authcheck.cli.app import build_app
from authcheck.errors import BadInputError, ExitStatus
from authcheck.frontend.capture import Credentials
from authcheck.frontend.selectors import Selectors, load_selectors


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_app("capture"), ["capture", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_missing_chromium_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AUTHCHECK_CHROMIUM", str(tmp_path / "no-chromium"))
    code, output = invoke(
        "--frontend-url", "http://127.0.0.1:9", "--backend-origin", "http://127.0.0.1:9"
    )
    assert code == ExitStatus.UNREACHABLE
    assert "Chromium not found" in output and "apt-get install -y chromium" in output


def test_bad_selectors_file_names_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "selectors.toml"
    path.write_text('login_path = "/login"\nsignin_emial = "#email"\n')
    code, output = invoke(
        "--frontend-url",
        "http://127.0.0.1:9",
        "--backend-origin",
        "http://127.0.0.1:9",
        "--selectors",
        str(path),
    )
    assert code == ExitStatus.BAD_INPUT
    assert f"{path}: signin_emial" in output


def test_selectors_file_overrides_what_the_capture_finds(tmp_path: Path) -> None:
    path = tmp_path / "selectors.toml"
    path.write_text(
        'login_path = "/login"\nsignin_submit = "text=Let me in"\n'
        'signup_path = ""\ntask_title = ""\n'
    )
    selectors = load_selectors(path)
    assert selectors.login_path == "/login" and selectors.signin_submit == "text=Let me in"
    assert selectors.signin_email is None  # not given: found in the page
    assert not selectors.can_sign_up and not selectors.can_create_task
    assert load_selectors(None) == Selectors()  # no file: everything is found
    assert Selectors().can_sign_up and Selectors().can_create_task


def test_every_selectors_key_is_documented() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "capture.md").read_text(encoding="utf-8")
    for key, field in Selectors.model_fields.items():
        assert field.description, key
        assert f"`{key}`" in docs, f"docs/capture.md does not document {key}"


def test_unparseable_selectors_file_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "selectors.toml"
    path.write_text("login_path = \n")
    with pytest.raises(BadInputError, match="not valid TOML"):
        load_selectors(path)


def test_frontend_url_must_be_http(tmp_path: Path) -> None:
    code, output = invoke("--frontend-url", "localhost:3000", "--backend-origin", "http://x")
    assert code == ExitStatus.BAD_INPUT
    assert "not an http(s) URL" in output


def test_half_set_credentials_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHCHECK_EMAIL", "a@example.test")
    monkeypatch.delenv("AUTHCHECK_PASSWORD", raising=False)
    with pytest.raises(BadInputError, match="both AUTHCHECK_EMAIL and AUTHCHECK_PASSWORD"):
        Credentials.from_env()


def test_credentials_never_show_the_password() -> None:
    assert "hunter2" not in repr(Credentials("a@example.test", "hunter2"))


def test_unreachable_frontend_without_backend_origin_exits_3() -> None:
    code, output = invoke("--frontend-url", "http://127.0.0.1:9")
    assert code == ExitStatus.UNREACHABLE
    assert "frontend not reachable" in output
