"""What a correct backend gets from the whole catalogue, and how a report is compared to it."""

from __future__ import annotations

from collections.abc import Sequence

from authcheck.engine.catalogue import Capability, Scenario
from authcheck.engine.results import RunReport, Status


def by_design(catalogue: Sequence[Scenario]) -> dict[str, Status]:
    """Not passes on any correct backend run without a browser: the browser scenarios are
    skipped (with the reason), and a deleted user's token keeps working until it expires (a
    warning by design)."""
    skipped = {s.id: Status.SKIPPED for s in catalogue if Capability.BROWSER in s.needs}
    return {**skipped, "edge.deleted-user": Status.WARNED}


# Verdicts of the catalogue today that are wrong on these correct backends; when a check stops
# giving one, its test fails: drop the entry then.
KNOWN: dict[str, dict[str, Status]] = {}


def not_passed(report: RunReport) -> dict[str, tuple[Status, str]]:
    """Every scenario that did not pass, with its status and reason (readable in a diff)."""
    return {r.id: (r.status, r.reason) for r in report.results if r.status is not Status.PASSED}
