"""Scenario run as one self-contained HTML page, for people who would rather look than read.

A matrix of spec requirements (FR-001…FR-010, SC-001…SC-006, the user stories' acceptance
scenarios, the edge cases) against the scenarios that prove them, then each scenario with every
request it made (method, path, status, timing) and the browser session with its screenshots
(embedded as ``data:`` URIs). Every text that reaches the page goes through ``html.escape`` and
`authcheck.core.redact`: no full token appears in the file.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from authcheck.core.redact import redact_authorization, redact_text, redact_token
from authcheck.engine import requirements as spec
from authcheck.engine.browser import CaptureResult
from authcheck.engine.results import RecordedRequest, RunReport, ScenarioResult, Setup, Status
from authcheck.report.html_style import CSS

# The spec's numbered requirements, in its order: a row each, covered or not.
REQUIREMENTS: dict[str, str] = spec.spec_requirements()
_MARK = {
    Status.PASSED: "✓",
    Status.FAILED: "✗",
    Status.WARNED: "!",
    Status.SKIPPED: "–",
    Status.NOT_RUN: "·",
    Status.ERROR: "E",
}
_WORST = (
    Status.ERROR,
    Status.FAILED,
    Status.NOT_RUN,
    Status.WARNED,
    Status.PASSED,
    Status.SKIPPED,
)


@dataclass(frozen=True)
class HtmlContext:
    """What the run report does not hold: the browser session and where the stack ran."""

    capture: CaptureResult | None = None
    title: str = "authcheck demo"
    subtitle: str = ""


def _t(text: object) -> str:
    """Escaped and redacted: the only way text enters the page."""
    return escape(redact_text(str(text)))


def requirement_rows(report: RunReport) -> list[tuple[str, str]]:
    """(id, description) for every spec requirement, then the edge cases the run proves."""
    seen = {p for r in report.results for p in r.proves}
    edges = [(p, t) for p, t in spec.REQUIREMENTS.items() if p in seen and p not in REQUIREMENTS]
    unknown = sorted(seen - set(spec.REQUIREMENTS))  # results not from a catalogue
    return [
        *REQUIREMENTS.items(),
        *edges,
        *((p, p.removeprefix(spec.EDGE_PREFIX)) for p in unknown),
    ]


def worst(statuses: Iterable[Status]) -> Status | None:
    pool = set(statuses)
    return next((s for s in _WORST if s in pool), None)


def _badge(status: Status | None) -> str:
    if status is None:
        return '<span class="badge none">not covered</span>'
    return f'<span class="badge {status.value}">{status.value}</span>'


def _matrix(report: RunReport) -> str:
    results = report.results
    head = "".join(
        f'<th class="rot"><a href="#{escape(r.id)}"><span>{escape(r.id)}</span></a></th>'
        for r in results
    )
    rows = []
    for req, text in requirement_rows(report):
        proving = [r for r in results if req in r.proves]
        cells = "".join(
            f'<td class="cell {r.status.value}" title="{escape(r.id)}: {r.status.value}">'
            f"{_MARK[r.status]}</td>"
            if req in r.proves
            else "<td></td>"
            for r in results
        )
        label = "edge case" if spec.kind_of(req) is spec.RequirementKind.EDGE else escape(req)
        rows.append(
            f'<tr><th class="req">{label}</th><td class="desc">{escape(text)}</td>'
            f"<td>{_badge(worst(r.status for r in proving))}</td>{cells}</tr>"
        )
    return (
        '<table class="matrix"><thead><tr><th>requirement</th><th></th><th>verdict</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _requests(records: tuple[RecordedRequest, ...]) -> str:
    if not records:
        return (
            '<p class="muted">authcheck sent no request of its own here; a browser check reads '
            "the requests of the browser session below.</p>"
        )
    rows = "".join(
        f"<tr><td>{escape(r.method)}</td><td class='mono'>{_t(_path(r.url))}</td>"
        f"<td class='code s{(r.status or 0) // 100}'>{r.status if r.status is not None else '—'}"
        f"</td><td class='num'>{r.elapsed_ms:.1f}</td><td>{_t(r.probe or '')}</td>"
        f"<td class='mono'>{_t(r.authorization or '—')}</td>"
        f"<td class='mono small'>{_t(r.body_excerpt[:160])}</td></tr>"
        for r in records
    )
    return (
        "<table class='reqs'><thead><tr><th>method</th><th>path</th><th>status</th><th>ms</th>"
        "<th>probe</th><th>Authorization</th><th>answer</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _scenario(result: ScenarioResult) -> str:
    opened = " open" if result.status in (Status.FAILED, Status.ERROR) else ""
    advice = f"<p class='advice'>What to change: {_t(result.advice)}</p>" if result.advice else ""
    details = ""
    if result.details:
        text = json.dumps(result.details, indent=2, default=str)
        details = f"<pre>{_t(text)}</pre>"
    timing = f"{len(result.requests)} request(s), {result.duration_s * 1000:.0f} ms"
    return (
        f"<details id='{escape(result.id)}' class='scenario {result.status.value}'{opened}>"
        f"<summary>{_badge(result.status)} <b>{escape(result.id)}</b> {escape(result.title)}"
        f"<span class='muted'> · proves {escape(', '.join(result.proves))} · {timing}</span>"
        f"</summary><p>{_t(result.reason)}</p>{advice}{details}{_requests(result.requests)}"
        "</details>"
    )


def _image(path: Path | None, caption: str) -> str:
    if path is None or not path.is_file():
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f"<figure><img alt='{escape(caption)}' src='data:image/png;base64,{data}'>"
        f"<figcaption>{escape(caption)} ({escape(path.name)})</figcaption></figure>"
    )


def _browser(capture: CaptureResult | None) -> str:
    if capture is None:
        return "<p class='muted'>No browser session in this run.</p>"
    rows = "".join(
        f"<tr><td>{escape(r.method)}</td><td class='mono'>{_t(_path(r.url))}</td>"
        f"<td class='code s{(r.status or 0) // 100}'>{r.status if r.status is not None else '—'}"
        f"</td><td class='mono'>{escape(redact_authorization(r.authorization or '—'))}</td></tr>"
        for r in capture.requests
    )
    parts = [
        "<table class='reqs'><thead><tr><th>method</th><th>path</th><th>status</th>"
        f"<th>Authorization (as the page sent it)</th></tr></thead><tbody>{rows}</tbody></table>"
    ]
    if capture.token_from_client:
        parts.append(
            "<p>authClient.token() in the page returned "
            f"<code>{escape(redact_token(capture.token_from_client))}</code></p>"
        )
    parts += [f"<p class='muted'>{_t(note)}</p>" for note in capture.notes]
    if capture.error:
        parts.append(f"<p class='advice'>The browser session failed: {_t(capture.error)}</p>")
    parts.append(_image(capture.screenshot, "the dashboard in Chromium"))
    if capture.console_log is not None:
        parts.append(f"<p class='muted'>Console log: {escape(str(capture.console_log))}</p>")
    return "".join(parts)


def _setup(setup: Setup | None) -> str:
    """The task API the run found and the preflight (the happy path proven first)."""
    if setup is None:
        return ""
    found = "".join(f"<li>{_t(line)}</li>" for line in setup.lines)
    parts = [
        f"<h2>Task API (from {_t(setup.routes_from)})</h2>",
        f"<ul>{found}</ul>" if found else "",
    ]
    if setup.failure is None:
        parts.append(f"<p>Preflight: {_t(setup.preflight)}</p>")
    else:
        parts.append(
            f"<p class='advice'><b>Preflight failed:</b> {_t(setup.failure)}<br>→ "
            f"{_t(setup.advice)}<br>Scenarios that rely on it were not run.</p>"
        )
    parts.append(_requests(setup.requests))
    return "".join(parts)


class HtmlRenderer:
    """`ScenarioRenderer` for HTML; the browser session comes in through an `HtmlContext`."""

    def __init__(self, context: HtmlContext | None = None) -> None:
        self.context = context or HtmlContext()

    def render(self, report: RunReport) -> str:
        ctx = self.context
        counts = " ".join(
            f"{_badge(s)} {report.count(s)}"
            for s in Status
            if report.count(s) or s is Status.FAILED
        )
        verdict = "failed" if report.failed else "passed"
        body = [
            f"<header class='{verdict}'><h1>{escape(ctx.title)}</h1>",
            f"<p>{escape(ctx.subtitle)}</p>" if ctx.subtitle else "",
            f"<p>{counts} · {len(report.results)} scenarios in {report.duration_s:.1f} s · "
            f"started {escape(report.started_at)}</p>",
            f"<p class='muted'>backend {escape(report.target)} · tokens from "
            f"{_t(report.source)}</p></header>",
            _setup(report.setup),
            "<h2>Spec requirements × scenarios</h2>",
            "<p class='muted'>Each column is a scenario; a mark means it proves that row. "
            "Click a column for its requests.</p>",
            _matrix(report),
            "<h2>Scenarios</h2>",
            *(_scenario(r) for r in report.results),
            "<h2>Browser session</h2>",
            _browser(ctx.capture),
        ]
        return (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{escape(ctx.title)}</title><style>{CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>\n"
        )
