"""What the frontend really sent: each captured Authorization header classified and verified.

Turns a `CaptureResult` into a `CaptureReport` with one verdict: the page sends a valid JWT, or
the session token, or nothing, or a JWT that does not verify against the frontend's own JWKS.
Each value is judged by `authcheck.core.credential` (the engine's browser scenarios ask the
same function); nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from authcheck.core.classify import TokenKind
from authcheck.core.credential import (
    CredentialCheck,
    CredentialVerdict,
    check_authorization,
    check_credential,
)
from authcheck.core.fetch import JwksFetcher
from authcheck.core.redact import redact_authorization
from authcheck.core.verify import VerifyPolicy, VerifyResult
from authcheck.engine.browser import CapturedRequest, CaptureResult


class Verdict(StrEnum):
    """Worst first: the report's verdict is the worst seen over every request.

    The run-level verdicts, then every `CredentialVerdict` under the same value.
    """

    CAPTURE_FAILED = "capture-failed"
    NO_REQUESTS = "no-requests"
    MISSING_HEADER = "missing-header"
    WRONG_SCHEME = "wrong-scheme"
    SESSION_TOKEN = "session-token"
    NOT_JWT = "not-jwt"
    JWT_INVALID = "jwt-invalid"
    JWT_VALID = "jwt-valid"


_ORDER = list(Verdict)
# A credential's verdict (core decides it) as one of the run's verdicts.
_VERDICTS = {verdict: Verdict(verdict.value) for verdict in CredentialVerdict}


@dataclass(frozen=True)
class SentCredential:
    """One captured request and what its Authorization header carried."""

    request: CapturedRequest
    verdict: Verdict
    kind: TokenKind | None
    summary: str  # what it is, short: "JWT (EdDSA, kid abc…) valid for sub u1"
    verification: VerifyResult | None = None
    advice: str | None = None  # what to change, when it is wrong

    def to_dict(self) -> dict[str, Any]:
        auth = self.request.authorization
        return {
            "method": self.request.method,
            "url": self.request.url,
            "status": self.request.status,
            "authorization": redact_authorization(auth) if auth else None,
            "verdict": self.verdict.value,
            "kind": self.kind.value if self.kind else None,
            "summary": self.summary,
            "advice": self.advice,
            "findings": [f.to_dict() for f in self.verification.findings]
            if self.verification
            else [],
        }


@dataclass(frozen=True)
class CaptureReport:
    capture: CaptureResult
    sent: tuple[SentCredential, ...]
    verdict: Verdict
    message: str
    client_token: SentCredential | None = None  # what authClient.token() returned in the page

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.JWT_VALID

    def to_dict(self) -> dict[str, Any]:
        capture = self.capture
        return {
            "ok": self.ok,
            "verdict": self.verdict.value,
            "message": self.message,
            "requests": [s.to_dict() for s in self.sent],
            "client_token": self.client_token.to_dict() if self.client_token else None,
            "user_id": capture.user_id,
            "error": capture.error,
            "notes": list(capture.notes),
            "screenshot": str(capture.screenshot) if capture.screenshot else None,
            "console_log": str(capture.console_log) if capture.console_log else None,
        }


class _Inspector:
    """Asks `authcheck.core.credential` about each value once (the page repeats its header)."""

    def __init__(self, policy: VerifyPolicy, fetcher: JwksFetcher) -> None:
        self.policy = policy
        self.fetcher = fetcher
        self._headers: dict[str | None, CredentialCheck] = {}
        self._tokens: dict[str, CredentialCheck] = {}

    def credential(self, request: CapturedRequest) -> SentCredential:
        header = request.authorization
        if header not in self._headers:
            self._headers[header] = check_authorization(header, self.policy, fetcher=self.fetcher)
        return _sent(request, self._headers[header])

    def token(self, request: CapturedRequest, value: str) -> SentCredential:
        if value not in self._tokens:
            self._tokens[value] = check_credential(value, self.policy, fetcher=self.fetcher)
        return _sent(request, self._tokens[value])


def _sent(request: CapturedRequest, check: CredentialCheck) -> SentCredential:
    return SentCredential(
        request,
        _VERDICTS[check.verdict],
        check.kind,
        check.summary,
        check.verification,
        check.advice,
    )


def inspect_capture(
    capture: CaptureResult, policy: VerifyPolicy, fetcher: JwksFetcher
) -> CaptureReport:
    """Classify and verify what every captured request carried; one verdict for the run."""
    inspector = _Inspector(policy, fetcher)
    sent = tuple(inspector.credential(r) for r in capture.requests)
    client = None
    if capture.token_from_client:
        pseudo = CapturedRequest("(page)", "authClient.token()", None, None)
        client = inspector.token(pseudo, capture.token_from_client)
    if not sent:
        verdict = Verdict.CAPTURE_FAILED if capture.error else Verdict.NO_REQUESTS
        message = (
            f"the capture did not complete: {capture.error}"
            if capture.error
            else "the page sent no request to the backend origin"
        )
        return CaptureReport(capture, sent, verdict, message, client)
    worst = min(sent, key=lambda s: _ORDER.index(s.verdict))
    counted = sum(1 for s in sent if s.verdict is worst.verdict)
    if worst.verdict is Verdict.JWT_VALID:
        message = f"the frontend sends a valid Better Auth JWT on all {len(sent)} backend requests"
    else:
        message = f"{counted} of {len(sent)} backend requests carry {worst.summary}"
        if worst.advice:
            message += f": {worst.advice}"
    return CaptureReport(capture, sent, worst.verdict, message, client)
