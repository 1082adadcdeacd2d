import json
import re
import xml.etree.ElementTree as ET

import pytest

from authcheck.engine.catalogue import Scenario
from authcheck.engine.results import RunReport, Status
from authcheck.engine.runner import Runner, RunOptions
from authcheck.engine.source import ControlSource
from authcheck.issuer import TestIssuer
from authcheck.report.base import ScenarioFormat
from authcheck.report.scenario_formats import RENDERERS, renderer_for
from authcheck.serve import ThreadedUvicorn
from tests.broken_backends.app import build_app
from tests.engine.conftest import pick

JWT = re.compile(r"eyJ[\w-]{6,}\.[\w-]{10,}\.[\w-]{20,}")


@pytest.fixture(scope="module")
def report(issuer: TestIssuer, source: ControlSource, catalogue: tuple[Scenario, ...]) -> RunReport:
    chosen = pick(
        catalogue, "edge.alg-none", "edge.tampered", "us2.bearer-header", "us1.create-task"
    )
    with ThreadedUvicorn(build_app(issuer.url, frozenset({"alg-none-accepted"}))) as server:
        return Runner(source, RunOptions(target=server.url)).run(chosen)


def test_every_format_has_a_renderer() -> None:
    assert set(RENDERERS) == set(ScenarioFormat)
    for fmt in ScenarioFormat:
        assert hasattr(renderer_for(fmt), "render")


def test_json_report(report: RunReport) -> None:
    data = json.loads(renderer_for(ScenarioFormat.JSON).render(report))
    assert data["schema_version"] == 2
    assert data["target"] == report.target and data["duration_s"] >= 0
    assert data["counts"] == {
        "passed": 2,
        "failed": 1,
        "warned": 0,
        "skipped": 1,
        "not-run": 0,
        "error": 0,
    }
    by_id = {s["id"]: s for s in data["scenarios"]}
    alg_none = by_id["edge.alg-none"]
    assert alg_none["status"] == "failed" and alg_none["proves"] == ["FR-010"]
    assert alg_none["advice"] and "alg none" in alg_none["reason"]
    probes = {r["probe"] for r in alg_none["requests"]}
    assert "alg nOnE" in probes
    assert by_id["us2.bearer-header"]["status"] == "skipped"


def test_junit_report(report: RunReport) -> None:
    suite = ET.fromstring(renderer_for(ScenarioFormat.JUNIT).render(report))
    assert suite.get("tests") == "4" and suite.get("failures") == "1"
    assert suite.get("skipped") == "1"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["edge.alg-none"].find("failure") is not None
    assert cases["us2.bearer-header"].find("skipped") is not None
    assert cases["edge.tampered"].find("failure") is None


def test_table_report(report: RunReport) -> None:
    text = renderer_for(ScenarioFormat.TABLE).render(report)
    for result in report.results:
        assert result.id in text
    assert "failed" in text and "→" in text  # the advice for the failure


def test_no_report_holds_a_full_token(report: RunReport, source: ControlSource) -> None:
    token = source.valid_token(source.users[0])
    signature = token.split(".")[2]
    for fmt in ScenarioFormat:
        text = renderer_for(fmt).render(report)
        assert token not in text
        assert signature not in text
        assert JWT.search(text) is None, JWT.search(text)
    assert any(r.status is Status.FAILED for r in report.results)


def test_one_envelope_versions_every_json_document() -> None:
    from pathlib import Path

    from authcheck.report.envelope import VERSIONS, Document, envelope

    assert set(VERSIONS) == set(Document)
    doc = envelope(Document.DOCTOR, {"ok": True})
    assert list(doc)[:2] == ["schema_version", "document"] and doc["document"] == "doctor"
    package = Path(__file__).resolve().parents[2] / "authcheck"
    writers = {
        p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if '"schema_version"' in p.read_text(encoding="utf-8")
    }
    assert writers == {"report/envelope.py"}  # no document sets its own version
