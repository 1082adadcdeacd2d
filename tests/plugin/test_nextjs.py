"""The proof of issue 14: a Next.js App Router app with Better Auth (custom basePath and
jwks.jwksPath) and the plugin, plus the reference backend: the whole catalogue runs with nothing
skipped for lack of a capability and passes; production refuses the plugin; others get 403."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from authcheck.cli.main import app
from authcheck.demo import backend_process
from authcheck.engine.catalogue import Capability, load_catalogue
from authcheck.serve import LOOPBACK, free_port
from tests.plugin.nextapp import NextApp

pytestmark = [pytest.mark.node, pytest.mark.slow]


def not_passed() -> dict[str, str]:
    """No browser is wired here: scenarios that need one skip (that is not the control API's
    job); edge.deleted-user is a warning by design (docs/scenarios.md). Everything else passes."""
    browser = {s.id: "skipped" for s in load_catalogue() if Capability.BROWSER in s.needs}
    return {**browser, "edge.deleted-user": "warned"}


def test_whole_catalogue_runs_through_the_plugin_and_passes(
    next_app: NextApp, tmp_path: Path
) -> None:
    port = free_port()
    target = f"http://{LOOPBACK}:{port}"
    report = tmp_path / "report.json"
    backend = backend_process(
        next_app.url,
        port,
        "EdDSA",
        tmp_path / "tasks.db",
        tmp_path / "backend.log",
        overrides={"JWKS_URL": next_app.jwks_url},
    )
    with backend:
        args = ["scenarios", "run", "--target", target, "--better-auth-url", next_app.auth_url]
        result = CliRunner().invoke(app, [*args, "--report-json", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert "authcheck plugin" in data["source"] and "own keys" in data["source"]
    statuses = {s["id"]: s["status"] for s in data["scenarios"]}
    assert len(statuses) == len(load_catalogue())
    assert {k: v for k, v in statuses.items() if v != "passed"} == not_passed(), result.output
    skipped = [s for s in data["scenarios"] if s["status"] == "skipped"]
    assert all("browser" in s["reason"] for s in skipped), skipped
    durations = sorted((s["duration_s"], s["id"]) for s in data["scenarios"])
    print("slowest scenarios:", durations[-3:])  # noqa: T201 - shown with -s when timing


def test_non_loopback_clients_get_403(next_app: NextApp) -> None:
    info = f"{next_app.auth_url}/__authcheck/info"
    assert httpx.get(info, timeout=30).status_code == 200
    for header in (
        {"X-Forwarded-For": "203.0.113.9"},
        {"X-Forwarded-For": "203.0.113.9, 127.0.0.1"},
        {"X-Real-IP": "192.168.1.20"},
        {"Forwarded": 'for="[2001:db8::1]"'},
    ):
        response = httpx.post(
            f"{next_app.auth_url}/__authcheck/outage", json={"on": True}, headers=header, timeout=30
        )
        assert response.status_code == 403, header
        assert response.json() == {"error": "loopback only"}
    assert httpx.get(next_app.jwks_url, timeout=30).status_code == 200  # the outage never began


def test_production_refuses_to_enable_the_plugin(tmp_path: Path) -> None:
    with NextApp(tmp_path / "next.log", env={"NODE_ENV": "production"}, dist="prod") as prod:
        response = httpx.get(f"{prod.auth_url}/__authcheck/info", timeout=60)
        assert response.status_code == 500
        assert "refusing to enable the authcheck control API with NODE_ENV=production" in (
            prod.log()
        )
