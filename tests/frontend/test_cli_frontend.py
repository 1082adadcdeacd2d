"""`authcheck frontend serve`: bad input and a missing Node are one line and an exit status."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from authcheck.cli.app import build_app
from authcheck.errors import ExitStatus
from authcheck.serve import free_port, wait_until_up


def test_unknown_algorithm_is_bad_input() -> None:
    result = CliRunner().invoke(build_app("frontend"), ["frontend", "serve", "--alg", "HS256"])
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert "unsupported frontend key algorithm 'HS256'" in result.output
    assert "Traceback" not in result.output


def test_missing_node_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    result = CliRunner().invoke(build_app("frontend"), ["frontend", "serve", "--port", "0"])
    assert result.exit_code == ExitStatus.UNREACHABLE
    assert "node is not installed" in result.output
    assert "apt-get install -y nodejs npm" in result.output


@pytest.mark.node
def test_serve_starts_real_better_auth_and_stops_it_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cli = subprocess.Popen(  # the real command, as a user runs it
        [sys.executable, "-m", "authcheck", "frontend", "serve", "--port", str(port), "--control"],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "serve.log").open("wb"),
        start_new_session=True,
    )
    try:
        wait_until_up(f"{url}/config.json", process=cli, name="authcheck frontend serve")
        assert httpx.get(f"{url}/__authcheck/info").json()["kind"] == "better-auth"
        assert httpx.get(f"{url}/api/auth/jwks").json()["keys"][0]["alg"] == "EdDSA"
        cli.send_signal(signal.SIGINT)
        assert cli.wait(timeout=30) == 0
    finally:
        if cli.poll() is None:
            cli.kill()
    with pytest.raises(httpx.TransportError):  # the Node server went with it
        httpx.get(f"{url}/config.json", timeout=2)
    assert "Better Auth frontend at" in (tmp_path / "serve.log").read_text()
