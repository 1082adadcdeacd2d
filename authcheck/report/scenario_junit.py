"""Scenario run as JUnit XML (``--junit``): one testcase per scenario; warnings pass."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from authcheck.engine.results import RunReport, Status


class JunitRenderer:
    def render(self, report: RunReport) -> str:
        suite = ET.Element(
            "testsuite",
            name="authcheck scenarios",
            tests=str(len(report.results)),
            failures=str(report.count(Status.FAILED)),
            errors=str(report.count(Status.ERROR)),
            skipped=str(report.count(Status.SKIPPED) + report.count(Status.NOT_RUN)),
            time=f"{report.duration_s:.3f}",
            timestamp=report.started_at,
        )
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="target", value=report.target)
        ET.SubElement(props, "property", name="source", value=report.source)
        for r in report.results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname="authcheck.scenarios",
                name=r.id,
                time=f"{r.duration_s:.3f}",
            )
            text = f"{r.title}\nproves: {', '.join(r.proves)}\n{r.reason}"
            if r.advice:
                text += f"\nwhat to change: {r.advice}"
            if r.status is Status.FAILED:
                ET.SubElement(case, "failure", message=r.reason).text = text
            elif r.status is Status.ERROR:
                ET.SubElement(case, "error", message=r.reason).text = text
            elif r.status in (Status.SKIPPED, Status.NOT_RUN):
                ET.SubElement(case, "skipped", message=r.reason)
            else:
                ET.SubElement(case, "system-out").text = f"{r.status.value}: {text}"
        ET.indent(suite)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, "unicode") + "\n"
