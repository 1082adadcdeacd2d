"""The whole catalogue with real parts: Better Auth (Node), Chromium, the reference backend."""

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authcheck.cli.main import app
from authcheck.frontend.node import FrontendConfig, FrontendServer
from authcheck.serve import ManagedProcess, free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.node, pytest.mark.browser]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(frontend URL, backend URL): Better Auth with the control API, backend trusting it."""
    tmp = tmp_path_factory.mktemp("stack")
    backend_port = free_port()
    backend = f"http://127.0.0.1:{backend_port}"
    config = FrontendConfig(control=True, backend_url=backend)
    with FrontendServer(config, log_path=tmp / "frontend.log") as frontend:
        env = {
            "BETTER_AUTH_URL": frontend.base_url,
            "DATABASE_URL": f"sqlite:///{tmp / 'tasks.db'}",
            "CORS_ORIGINS": frontend.url,
        }
        argv = [
            sys.executable,
            "-m",
            "reference_backend",
            "--port",
            str(backend_port),
            "--log-level",
            "warning",
        ]
        with ManagedProcess(
            argv,
            ready_url=backend + "/health",
            name="reference_backend",
            env=env,
            cwd=ROOT,
            log_path=tmp / "backend.log",
        ):
            yield frontend.url, backend


def test_every_scenario_passes_with_real_better_auth_and_chromium(
    stack: tuple[str, str], tmp_path: Path
) -> None:
    frontend, backend = stack
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        app,
        [
            "scenarios",
            "run",
            "--target",
            backend,
            "--better-auth-url",
            frontend,
            "--frontend-url",
            frontend,
            "--report-json",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    statuses = {s["id"]: s["status"] for s in data["scenarios"]}
    assert {k: v for k, v in statuses.items() if v != "passed"} == {"edge.deleted-user": "warned"}
    assert "Better Auth" in data["source"]
    token_format = next(s for s in data["scenarios"] if s["id"] == "us2.token-format")
    assert "browser" in token_format["reason"]
