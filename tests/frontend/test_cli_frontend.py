"""`authcheck frontend serve`: bad input and a missing Node are one line and an exit status."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from authcheck.cli import frontend
from authcheck.errors import ExitStatus


def app() -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def _root() -> None:
        """Test root."""

    frontend.register(root)
    return root


def test_unknown_algorithm_is_bad_input() -> None:
    result = CliRunner().invoke(app(), ["frontend", "serve", "--alg", "HS256"])
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert "unsupported frontend key algorithm 'HS256'" in result.output
    assert "Traceback" not in result.output


def test_missing_node_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    result = CliRunner().invoke(app(), ["frontend", "serve", "--port", "0"])
    assert result.exit_code == ExitStatus.UNREACHABLE
    assert "node is not installed" in result.output
    assert "apt-get install -y nodejs npm" in result.output
