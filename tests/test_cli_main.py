import subprocess
import sys

from typer.testing import CliRunner

from authcheck import __version__
from authcheck.cli.app import COMMAND_MODULES
from authcheck.cli.main import app
from authcheck.errors import ExitStatus


def test_version_prints_package_version() -> None:
    result = CliRunner().invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.output.strip() == __version__


def test_exit_statuses_are_the_documented_ones() -> None:
    assert [int(s) for s in ExitStatus] == [0, 1, 2, 3, 130, 143]  # 130/143: Ctrl-C, SIGTERM


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMAND_MODULES:
        assert name in result.output


def _console(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from authcheck.cli.main import main; sys.argv[0] = 'authcheck'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )


def test_console_entry_runs_only_the_invoked_command() -> None:
    result = _console("jwks", "--help")
    assert result.returncode == 0
    assert "Usage: authcheck jwks" in result.stdout


def test_console_entry_decode_without_typer_still_reports_usage_errors() -> None:
    result = _console("decode")
    assert result.returncode == ExitStatus.BAD_INPUT
    assert "Traceback" not in result.stderr
