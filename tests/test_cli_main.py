from typer.testing import CliRunner

from authcheck import __version__
from authcheck.cli.main import app
from authcheck.errors import ExitStatus


def test_version_prints_package_version() -> None:
    result = CliRunner().invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.output.strip() == __version__


def test_exit_statuses_are_the_documented_ones() -> None:
    assert [int(s) for s in ExitStatus] == [0, 1, 2, 3]
