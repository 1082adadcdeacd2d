"""Scenario run as JSON (``--report-json``), versioned by ``schema_version``."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from authcheck.engine.results import RunReport, Status
from authcheck.report.envelope import Document, envelope


def report_dict(report: RunReport) -> dict[str, Any]:
    return envelope(
        Document.SCENARIOS,
        {
            "tool": "authcheck",
            "target": report.target,
            "source": report.source,
            "started_at": report.started_at,
            "duration_s": report.duration_s,
            "counts": {status.value: report.count(status) for status in Status},
            "setup": None if report.setup is None else asdict(report.setup),
            "scenarios": [
                {
                    "id": r.id,
                    "title": r.title,
                    "proves": list(r.proves),
                    "status": r.status.value,
                    "reason": r.reason,
                    "advice": r.advice,
                    "duration_s": r.duration_s,
                    "details": r.details,
                    "requests": [asdict(request) for request in r.requests],
                }
                for r in report.results
            ],
        },
    )


class JsonRenderer:
    def render(self, report: RunReport) -> str:
        return json.dumps(report_dict(report), indent=2) + "\n"
