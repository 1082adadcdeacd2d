"""The HTML report on a hand-made run: matrix, requests, escaping and redaction."""

from __future__ import annotations

import re

from authcheck.engine.browser import CapturedRequest, CaptureResult
from authcheck.engine.results import RecordedRequest, RunReport, ScenarioResult, Status
from authcheck.report.html import REQUIREMENTS, HtmlContext, HtmlRenderer, worst

JWT = (
    "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLWEiLCJleHAiOjE5MDAwMDAwMDB9."
    "c2lnbmF0dXJlLWJ5dGVzLWFyZS1oZXJlLWFuZC1sb25nLWVub3VnaA"
)


def result(
    id_: str, status: Status, proves: tuple[str, ...], reason: str = "why", **kw: object
) -> ScenarioResult:
    return ScenarioResult(
        id=id_,
        title=f"title of {id_}",
        proves=proves,
        status=status,
        reason=reason,
        duration_s=0.1,
        **kw,  # type: ignore[arg-type]
    )


def report(*results: ScenarioResult) -> RunReport:
    return RunReport("http://127.0.0.1:1", "test", "2026-01-01T00:00:00+00:00", 1.0, results)


def test_matrix_has_every_spec_requirement_and_the_edge_cases_seen() -> None:
    page = HtmlRenderer().render(
        report(
            result("us1.list", Status.PASSED, ("US1-1", "SC-001")),
            result("edge.x", Status.WARNED, ("edge: deleted user",)),
        )
    )
    for requirement in REQUIREMENTS:
        assert f'<th class="req">{requirement}</th>' in page
    assert "deleted user" in page
    assert page.count("not covered") == len(REQUIREMENTS) - 2  # US1-1 and SC-001 are covered


def test_requirement_verdict_is_the_worst_of_its_scenarios() -> None:
    assert worst([Status.PASSED, Status.FAILED, Status.WARNED]) is Status.FAILED
    assert worst([Status.SKIPPED, Status.PASSED]) is Status.PASSED
    assert worst([]) is None


def test_requests_show_method_path_status_timing() -> None:
    request = RecordedRequest("GET", "http://127.0.0.1:1/api/u/tasks", "Bearer eyJhbG…", 401, 3.25)
    page = HtmlRenderer().render(
        report(result("us1.a", Status.FAILED, ("FR-006",), requests=(request,)))
    )
    assert "<td>GET</td>" in page and "/api/u/tasks" in page
    assert "s4'>401</td>" in page and ">3.2<" in page


def test_text_is_escaped_and_tokens_redacted() -> None:
    evil = result("us2.a", Status.FAILED, ("US2-2",), advice=f"<script>alert(1)</script> {JWT}")
    capture = CaptureResult(
        requests=(CapturedRequest("POST", "http://127.0.0.1:1/api/u/tasks", f"Bearer {JWT}", 201),),
        token_from_client=JWT,
    )
    page = HtmlRenderer(HtmlContext(capture=capture, title="<b>t</b>")).render(report(evil))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in page
    assert JWT not in page
    assert re.search(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.", page) is None
    assert "Bearer eyJhbG…[redacted" in page


def test_a_failed_preflight_is_the_headline_of_every_format() -> None:
    from authcheck.engine.results import Setup
    from authcheck.report.scenario_json import report_dict
    from authcheck.report.scenario_junit import JunitRenderer
    from authcheck.report.scenario_table import TableRenderer

    setup = Setup(
        "/openapi.json",
        ("resource 'todos': list/create /todos",),
        "valid token refused at create (nothing worked before it)",
        failure="create: POST /todos answered 401 <Invalid issuer>",
        advice="compare the issuer",
    )
    blocked = result("edge.x", Status.NOT_RUN, ("FR-009",))
    run = RunReport(
        "http://127.0.0.1:1", "test", "2026-01-01T00:00:00+00:00", 1.0, (blocked,), setup
    )
    assert run.failed  # the preflight alone fails the run, though no scenario failed
    page = HtmlRenderer().render(run)
    assert "Preflight failed:" in page and "&lt;Invalid issuer&gt;" in page
    assert report_dict(run)["setup"]["failure"] == setup.failure
    assert report_dict(run)["counts"]["not-run"] == 1
    table = TableRenderer().render(run)
    assert table.index("preflight failed: create: POST /todos") < table.index("edge.x")
    assert '<skipped message="why"' in JunitRenderer().render(run)


def test_the_summary_says_what_was_not_tested_and_how_to_test_it() -> None:
    from authcheck.report.scenario_table import TableRenderer

    mint, browser = "skipped: mint needs the control API", "skipped: browser needs a browser"
    skipped = (
        result("edge.expired", Status.SKIPPED, ("FR-006",), reason=mint),
        result("us2.bearer-header", Status.SKIPPED, ("FR-002",), reason=browser),
        result("us1.list", Status.PASSED, ("US1-1",)),
    )
    text = " ".join(TableRenderer().render(report(*skipped)).split())
    assert "not tested in this run: 2 scenario(s)" in text
    assert "edge.expired: they sign tokens" in text and "authcheck issuer serve" in text
    assert "@authcheck/better-auth plugin" in text and "--frontend-url" in text
    assert "not tested" not in TableRenderer().render(report(skipped[2]))
