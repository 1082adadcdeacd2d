"""Against the bundled reference backend every scenario passes, through the CLI and the plugin."""

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authcheck.cli.main import app
from authcheck.issuer import TestIssuer
from authcheck.serve import ManagedProcess, free_port

ROOT = Path(__file__).resolve().parents[2]
NOT_PASSED = {"us2.bearer-header": "skipped", "edge.deleted-user": "warned"}


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as server:
        yield server


@contextmanager
def reference_backend(issuer: TestIssuer, tmp: Path) -> Iterator[str]:
    """A fresh reference backend trusting ``issuer`` (BETTER_AUTH_URL), on SQLite in ``tmp``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        sys.executable,
        "-m",
        "reference_backend",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    env = {"BETTER_AUTH_URL": issuer.url, "DATABASE_URL": f"sqlite:///{tmp / 'tasks.db'}"}
    with ManagedProcess(
        argv,
        ready_url=url + "/health",
        name="reference_backend",
        env=env,
        cwd=ROOT,
        log_path=tmp / "backend.log",
    ):
        yield url


def test_every_scenario_passes_through_the_cli(issuer: TestIssuer, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    with reference_backend(issuer, tmp_path) as target:
        result = CliRunner().invoke(
            app,
            [
                "scenarios",
                "run",
                "--target",
                target,
                "--issuer-url",
                issuer.url,
                "--report-json",
                str(report),
            ],
        )
    assert result.exit_code == 0, result.output
    statuses = {s["id"]: s["status"] for s in json.loads(report.read_text())["scenarios"]}
    assert len(statuses) == 27
    assert {k: v for k, v in statuses.items() if v != "passed"} == NOT_PASSED


def test_every_scenario_passes_through_the_plugin(
    issuer: TestIssuer, tmp_path: Path, pytester: pytest.Pytester
) -> None:
    with reference_backend(issuer, tmp_path) as target:
        result = pytester.runpytest_subprocess(
            "--authcheck-target", target, "--authcheck-issuer-url", issuer.url, "-rs"
        )
    result.assert_outcomes(passed=26, skipped=1)
