"""What a scenario run produces: values, never prints. Every token in here is already redacted."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    WARNED = "warned"
    SKIPPED = "skipped"  # the run lacks a capability the scenario needs (e.g. no browser)
    NOT_RUN = "not-run"  # a step it relies on is broken on the target (the preflight says which)
    ERROR = "error"


@dataclass(frozen=True)
class RecordedRequest:
    """One request made to the target, as sent and answered (credentials redacted)."""

    method: str
    url: str
    authorization: str | None
    status: int | None
    elapsed_ms: float
    probe: str | None = None
    body_excerpt: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a check decides; the runner adds timing and the recorded requests."""

    status: Status
    reason: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScenarioResult:
    id: str
    title: str
    proves: tuple[str, ...]
    status: Status
    reason: str
    duration_s: float
    requests: tuple[RecordedRequest, ...] = ()
    advice: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Setup:
    """What the run learned before the scenarios: where the task API is, and the preflight."""

    routes_from: str  # "/openapi.json", "probing", "--routes FILE"
    lines: tuple[str, ...]  # what discovery found
    preflight: str  # "create, list, … all worked" or the failure's headline
    failure: str | None = None  # the preflight's failure (the run's headline), if any
    advice: str = ""
    requests: tuple[RecordedRequest, ...] = ()


@dataclass(frozen=True)
class RunReport:
    target: str
    source: str
    started_at: str  # ISO 8601 UTC
    duration_s: float
    results: tuple[ScenarioResult, ...]
    setup: Setup | None = None

    def count(self, status: Status) -> int:
        return sum(1 for result in self.results if result.status is status)

    @property
    def failed(self) -> bool:
        if self.setup is not None and self.setup.failure is not None:
            return True
        return any(r.status in (Status.FAILED, Status.ERROR) for r in self.results)


@dataclass(frozen=True)
class ProgressEvent:
    """``kind`` is ``prepared`` (setup set: routes found, preflight done), ``started`` or
    ``finished`` (result set); ``total`` scenarios in the run."""

    kind: str
    scenario_id: str
    total: int
    result: ScenarioResult | None = None
    setup: Setup | None = None
