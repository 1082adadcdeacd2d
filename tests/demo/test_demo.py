"""`authcheck demo`: real Better Auth + reference backend + Chromium, the whole catalogue."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authcheck.cli.main import app
from authcheck.demo import DemoOptions, DemoResult, Endpoints, run_demo
from authcheck.engine.catalogue import load_catalogue
from authcheck.engine.checks.token import SESSION_MESSAGE
from authcheck.engine.results import Status

pytestmark = [pytest.mark.node, pytest.mark.browser, pytest.mark.slow]

FULL_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+")


def closed(endpoints: Endpoints) -> bool:
    """Nothing listens on either port any more."""
    for port in endpoints.ports:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return False
    return True


def statuses(result: DemoResult) -> dict[str, Status]:
    return {r.id: r.status for r in result.report.results}


# EdDSA (the default) runs in test_cli_writes_json_junit_html_and_exits_0; ES256, ES512 and PS256
# keys sign and verify through the plugin in tests/plugin/test_algorithms.py.
@pytest.mark.parametrize("alg", ["RS256"])
def test_whole_catalogue_passes_against_real_better_auth(alg: str, tmp_path: Path) -> None:
    result = run_demo(DemoOptions(alg=alg, artifacts_dir=tmp_path))
    seen = statuses(result)
    assert set(seen) == {s.id for s in load_catalogue()}
    bad = {
        i: r.reason
        for i, r in ((r.id, r) for r in result.report.results)
        if r.status in (Status.FAILED, Status.ERROR, Status.SKIPPED)
    }
    assert bad == {}
    assert seen["us2.bearer-header"] is Status.PASSED  # the browser really ran
    assert result.capture is not None and result.capture.requests
    assert all(
        r.authorization and r.authorization.startswith("Bearer eyJ")
        for r in result.capture.requests
    )
    assert closed(result.endpoints)


def test_cli_writes_json_junit_html_and_exits_0(tmp_path: Path) -> None:
    paths = {name: tmp_path / name for name in ("r.json", "r.xml", "r.html")}
    result = CliRunner().invoke(
        app,
        [
            "demo",
            "--report-json",
            str(paths["r.json"]),
            "--junit",
            str(paths["r.xml"]),
            "--html",
            str(paths["r.html"]),
            "--artifacts",
            str(tmp_path / "art"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "us2.bearer-header" in result.output and f"HTML report: {paths['r.html']}" in result.output
    )
    report = json.loads(paths["r.json"].read_text())
    counts = report["counts"]
    assert counts["failed"] == counts["error"] == counts["skipped"] == counts["not-run"] == 0
    assert {s["id"]: s["status"] for s in report["scenarios"]}["us2.bearer-header"] == "passed"
    assert len(report["scenarios"]) == len(load_catalogue())
    suite = ET.parse(paths["r.xml"]).getroot()
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
    page = paths["r.html"].read_text()
    assert "Spec requirements × scenarios" in page and "FR-010" in page and "SC-006" in page
    assert "data:image/png;base64," in page  # the dashboard screenshot, embedded
    assert FULL_JWT.search(page) is None
    assert FULL_JWT.search(result.output) is None


def test_dashboard_sending_the_session_token_fails_us2_bearer_header(tmp_path: Path) -> None:
    result = run_demo(DemoOptions(artifacts_dir=tmp_path, dashboard_bug="session-token"))
    bearer = next(r for r in result.report.results if r.id == "us2.bearer-header")
    assert bearer.status is Status.FAILED
    assert bearer.reason == SESSION_MESSAGE
    assert "session token instead of the JWT" in bearer.reason
    assert result.report.failed
    assert result.capture is not None and result.capture.screenshot is not None
    assert result.capture.screenshot.is_file()
    assert closed(result.endpoints)


def test_missing_chromium_is_one_line_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHCHECK_CHROMIUM", str(tmp_path / "no-chromium"))
    result = CliRunner().invoke(app, ["demo", "--html", str(tmp_path / "x.html")])
    assert result.exit_code == 3
    assert "apt-get install -y chromium" in result.output
    assert "Traceback" not in result.output


def test_unknown_alg_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--alg", "HS256", "--html", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "HS256" in result.output


def test_ctrl_c_stops_both_servers_and_exits_130(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "authcheck", "demo", "--artifacts", str(tmp_path / "art")],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert process.stderr is not None
    urls: list[str] = []
    seen: list[str] = []
    try:
        for line in process.stderr:  # progress lines, read as they come
            seen.append(line)
            urls += re.findall(r"at (http://127\.0\.0\.1:\d+)", line)
            if "running" in line and "scenarios" in line:
                break
        assert len(urls) == 2, "".join(seen)
        process.send_signal(signal.SIGINT)
        rest = process.stderr.read()
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert code == 130, rest
    assert "interrupted" in rest and "Traceback" not in rest
    endpoints = Endpoints(urls[0], urls[1])
    deadline = time.monotonic() + 10
    while not closed(endpoints):  # the children were stopped before exit; allow socket teardown
        assert time.monotonic() < deadline, "a server still listens after the demo exited"
        time.sleep(0.05)
