"""Edges a new user trips on: each is one line on stderr with the documented exit status."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from authcheck.cli.app import build_app
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
