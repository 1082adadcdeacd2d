"""Check results as values: the status enum, one check's result, the run that collects them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from authcheck.core.findings import Finding


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"


class CheckResult(NamedTuple):
    """One check's outcome (a NamedTuple: immutable and cheap, verify builds ~17 per token)."""

    name: str
    status: Status
    evidence: str
    finding: Finding | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "evidence": self.evidence,
            "finding": self.finding.to_dict() if self.finding else None,
        }


@dataclass
class CheckRun:
    """Mutable state of one verification; turned into a frozen VerifyResult at the end."""

    checks: list[CheckResult] = field(default_factory=list)
    pre: list[Finding] = field(default_factory=list)  # findings outside checks (classification)

    def add(self, name: str, status: Status, evidence: str, found: Finding | None = None) -> None:
        self.checks.append(CheckResult(name, status, evidence, found))

    def ok(self, name: str, evidence: str) -> None:
        self.checks.append(CheckResult(name, Status.PASS, evidence))

    def fail(self, name: str, found: Finding, evidence: str | None = None) -> None:
        self.checks.append(CheckResult(name, Status.FAIL, evidence or found.message, found))

    def skip(self, name: str, why: str) -> None:
        self.checks.append(CheckResult(name, Status.SKIP, why))
