"""Scenario run as a rich table for people: status, id, what it proves, why, what to change."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from authcheck.engine.results import RunReport, Setup, Status

STYLE = {
    Status.PASSED: "green",
    Status.FAILED: "bold red",
    Status.WARNED: "yellow",
    Status.SKIPPED: "dim",
    Status.NOT_RUN: "dim yellow",
    Status.ERROR: "bold magenta",
}


def scenario_table(report: RunReport) -> Table:
    counts = ", ".join(f"{report.count(s)} {s.value}" for s in Status if report.count(s))
    table = Table(
        title=f"authcheck scenarios against {report.target}",
        caption=f"{counts} in {report.duration_s:.1f} s · tokens from {report.source}",
        expand=False,
        box=box.SIMPLE_HEAD,
        padding=(0, 1, 0, 0),
        pad_edge=False,
        show_edge=False,
    )
    # At 80 columns the reason must keep most of the width: status and id never wrap, the
    # spec ids get a narrow column, and the result column takes whatever is left.
    table.add_column("status", no_wrap=True)
    table.add_column("scenario", no_wrap=True)
    table.add_column("proves", max_width=14)
    table.add_column("result", ratio=1)
    for r in report.results:
        result = r.reason
        if r.advice:
            result += f"\n→ {r.advice}"
        table.add_row(f"[{STYLE[r.status]}]{r.status.value}[/]", r.id, ", ".join(r.proves), result)
    return table


def setup_text(setup: Setup) -> Text:
    """What the run learned first: the task API it found and how the happy path went."""
    text = Text(f"task API from {setup.routes_from}", style="bold")
    for line in setup.lines:
        text.append(f"\n  {line}")
    if setup.failure is None:
        text.append(f"\npreflight: {setup.preflight}")
        return text
    text.append("\npreflight failed: ", style="bold red")
    text.append(setup.failure)
    text.append(f"\n  → {setup.advice}")
    text.append("\n  scenarios that rely on it are not run; fix this first")
    return text


def coverage_text(report: RunReport) -> Text | None:
    """What this run could not test, and the commands that would test it (None: all tested)."""
    skipped = [r for r in report.results if r.status is Status.SKIPPED]
    if not skipped:
        return None
    browser = [r.id for r in skipped if "browser" in r.reason]
    keys = [r.id for r in skipped if r.id not in browser]
    text = Text(f"not tested in this run: {len(skipped)} scenario(s)", style="bold")
    if keys:
        text.append(
            f"\n  {', '.join(keys)}: they sign tokens with the issuer's key or steer its JWKS."
            "\n  → point the backend at `authcheck issuer serve` and pass --issuer-url, or add the"
            "\n    @authcheck/better-auth plugin to your Better Auth and pass --better-auth-url"
        )
    if browser:
        text.append(
            f"\n  {', '.join(browser)}: they need a browser on your frontend."
            "\n  → pass --frontend-url (and --backend-origin), or run `authcheck demo`"
        )
    return text


class TableRenderer:
    def __init__(self, width: int = 160) -> None:
        self.width = width

    def render(self, report: RunReport) -> str:
        out = io.StringIO()
        console = Console(file=out, width=self.width, color_system=None)
        if report.setup is not None:
            console.print(setup_text(report.setup))
        console.print(scenario_table(report))
        coverage = coverage_text(report)
        if coverage is not None:
            console.print(coverage)
        return out.getvalue()
