"""Check results as values: the status and check-name enums, one check's result, the run."""

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


class CheckName(StrEnum):
    """Every check `verify` runs, in the order it reports them (a stable public name each)."""

    FORMAT = "format"
    HEADER = "header"
    ALGORITHM = "algorithm"
    JWKS = "jwks"
    KID = "kid"
    KEY = "key"
    KEY_ALG = "key-alg"
    SIGNATURE = "signature"
    DUPLICATES = "duplicates"
    CLAIM_TYPES = "claim-types"
    EXP = "exp"
    NBF = "nbf"
    IAT = "iat"
    ISS = "iss"
    AUD = "aud"
    SUB = "sub"
    REQUIRED = "required"


# The groups `verify` skips together when an earlier stage cannot run.
HEADER_CHECKS = (CheckName.HEADER, CheckName.ALGORITHM)
KEY_CHECKS = (CheckName.KID, CheckName.KEY, CheckName.KEY_ALG, CheckName.SIGNATURE)
CLAIM_CHECKS = (
    CheckName.DUPLICATES,
    CheckName.CLAIM_TYPES,
    CheckName.EXP,
    CheckName.NBF,
    CheckName.IAT,
    CheckName.ISS,
    CheckName.AUD,
    CheckName.SUB,
    CheckName.REQUIRED,
)


class CheckResult(NamedTuple):
    """One check's outcome (a NamedTuple: immutable and cheap, verify builds ~17 per token)."""

    name: CheckName
    status: Status
    evidence: str
    finding: Finding | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name.value,
            "status": self.status.value,
            "evidence": self.evidence,
            "finding": self.finding.to_dict() if self.finding else None,
        }


@dataclass
class CheckRun:
    """Mutable state of one verification; turned into a frozen VerifyResult at the end."""

    checks: list[CheckResult] = field(default_factory=list)
    pre: list[Finding] = field(default_factory=list)  # findings outside checks (classification)

    def add(
        self, name: CheckName, status: Status, evidence: str, found: Finding | None = None
    ) -> None:
        self.checks.append(CheckResult(name, status, evidence, found))

    def ok(self, name: CheckName, evidence: str) -> None:
        self.checks.append(CheckResult(name, Status.PASS, evidence))

    def fail(self, name: CheckName, found: Finding, evidence: str | None = None) -> None:
        self.checks.append(CheckResult(name, Status.FAIL, evidence or found.message, found))

    def skip(self, name: CheckName, why: str) -> None:
        self.checks.append(CheckResult(name, Status.SKIP, why))
