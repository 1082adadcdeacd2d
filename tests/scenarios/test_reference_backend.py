"""Against the bundled reference backend every scenario passes, through the CLI and the plugin."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authcheck.cli.main import app
from authcheck.demo import backend_process
from authcheck.engine.catalogue import default_catalogue_dir
from authcheck.issuer import TestIssuer
from authcheck.serve import LOOPBACK, free_port

NOT_PASSED = {
    "us2.bearer-header": "skipped",
    "us2.cors-preflight": "skipped",
    "edge.deleted-user": "warned",
}


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as server:
        yield server


@contextmanager
def reference_backend(issuer: TestIssuer, tmp: Path) -> Iterator[str]:
    """A fresh reference backend trusting ``issuer`` (BETTER_AUTH_URL), on SQLite in ``tmp``."""
    port = free_port()
    with backend_process(issuer.url, port, "EdDSA", tmp / "tasks.db", tmp / "backend.log"):
        yield f"http://{LOOPBACK}:{port}"


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
    assert len(statuses) == len(list(default_catalogue_dir().glob("*.toml")))
    assert {k: v for k, v in statuses.items() if v != "passed"} == NOT_PASSED


def test_every_scenario_passes_through_the_plugin(
    issuer: TestIssuer, tmp_path: Path, pytester: pytest.Pytester
) -> None:
    with reference_backend(issuer, tmp_path) as target:
        result = pytester.runpytest_subprocess(
            "--authcheck-target", target, "--authcheck-issuer-url", issuer.url, "-rs"
        )
    browser = [k for k, v in NOT_PASSED.items() if v == "skipped"]  # no --frontend-url here
    total = len(list(default_catalogue_dir().glob("*.toml")))
    # one test per scenario, plus the plugin's preflight test
    result.assert_outcomes(passed=total - len(browser) + 1, skipped=len(browser))
