"""Edges a new user trips on: each is one line on stderr with the documented exit status."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from typer.testing import CliRunner

from authcheck.cli.app import build_app
from authcheck.serve import ThreadedUvicorn
from tests.core.keys import ED_KEY, claims, mint

APP = build_app()
runner = CliRunner()
TOKEN = mint(ED_KEY, claims(iss="http://127.0.0.1:1", aud="http://127.0.0.1:1"))


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("command", [["jwks"], ["verify", TOKEN, "--jwks"]])
def test_a_non_http_scheme_is_named_not_mangled_into_a_file_path(command: list[str]) -> None:
    result = runner.invoke(APP, [*command, "ftp://example.test/jwks"])
    assert result.exit_code == 2
    line = _one_line(result.stderr)
    assert "unsupported URL scheme 'ftp'" in line and "ftp://example.test/jwks" in line


def test_host_port_without_scheme_suggests_the_url() -> None:
    result = runner.invoke(APP, ["jwks", "localhost:3000"])
    assert result.exit_code == 2
    assert "http://localhost:3000/api/auth/jwks" in _one_line(result.stderr)


@pytest.mark.parametrize("source", ["", "   "])
def test_an_empty_jwks_source_is_bad_input_not_the_current_directory(source: str) -> None:
    result = runner.invoke(APP, ["jwks", source])
    assert result.exit_code == 2
    line = _one_line(result.stderr)
    assert "empty" in line and "directory" not in line


@pytest.mark.parametrize("value", ["", " , "])
def test_empty_algorithms_is_refused_not_replaced_by_the_default(value: str) -> None:
    result = runner.invoke(
        APP, ["verify", TOKEN, "--jwks", "http://127.0.0.1:1/jwks", "--algorithms", value]
    )
    assert result.exit_code == 2
    assert "--algorithms is empty" in _one_line(result.stderr)


def test_verify_takes_better_auth_url_like_the_other_commands() -> None:
    result = runner.invoke(APP, ["verify", TOKEN, "--better-auth-url", "localhost:3000"])
    assert result.exit_code == 2
    assert "wants a base URL" in _one_line(result.stderr)


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (
            ["scenarios", "run", "--target", "localhost:8000", "--issuer-url", "http://x"],
            "--target",
        ),
        (["scenarios", "run", "--target", "", "--issuer-url", "http://x"], "--target"),
        (["scenarios", "run", "--target", "http://x", "--issuer-url", "ftp://x"], "--issuer-url"),
        (["mint", "--issuer-url", "localhost:3999"], "--issuer-url"),
    ],
)
def test_a_url_without_http_scheme_is_bad_input_not_unreachable(
    argv: list[str], option: str
) -> None:
    result = runner.invoke(APP, argv)
    assert result.exit_code == 2, result.output
    assert f"{option} wants an http(s) URL" in _one_line(result.stderr)


@pytest.mark.parametrize("flag", ["--report-json", "--junit"])
def test_a_report_path_that_is_a_directory_is_refused_before_the_run(
    flag: str, tmp_path: Path
) -> None:
    argv = ["scenarios", "run", "--target", "http://127.0.0.1:1", "--issuer-url", "http://x"]
    result = runner.invoke(APP, [*argv, flag, str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "is a directory" in _one_line(result.stderr)


def _html_404(request: Request) -> HTMLResponse:
    return HTMLResponse("<!DOCTYPE html>\n<html>\n<body>\nNot Found\n</body>\n</html>\n", 404)


def test_a_server_error_page_is_reported_on_one_line() -> None:
    app = Starlette(routes=[Route("/{path:path}", _html_404, methods=["GET", "POST"])])
    with ThreadedUvicorn(app) as server:
        result = runner.invoke(APP, ["mint", "--issuer-url", server.url])
    assert result.exit_code == 3, result.output
    assert "Not Found" in _one_line(result.stderr)
