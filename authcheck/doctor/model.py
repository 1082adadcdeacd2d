"""What `authcheck doctor` finds: values only (tokens redacted), for rules and renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from authcheck.core.findings import Finding
from authcheck.core.verify import VerifyResult


class Expect(StrEnum):
    """What a backend honouring the contract does with an experiment's token."""

    ACCEPT = "accept"  # a token Better Auth issues (or the contract says to accept)
    REFUSE = "refuse"  # a wrong token: accepting it is a security hole
    PROBE = "probe"  # neither: its answer only tells what the backend expects


class Kind(StrEnum):
    """What a diagnosis is: a hole, a cause of the refusal, or a note (does not fail the run)."""

    HOLE = "hole"
    CAUSE = "cause"
    NOTE = "note"


@dataclass(frozen=True)
class CorsBlock:
    """A browser at the frontend's origin may not send Authorization to the backend."""

    origin: str
    message: str  # what the preflight showed, with the origin difference when one was found
    fix: str  # the backend setting


@dataclass(frozen=True)
class TokenFacts:
    """The credential that was tried, as far as it can be read without the key."""

    origin: str  # "minted through the control API at …", "--token", "/api/auth/token (…)"
    kind: str  # authcheck.core.classify.TokenKind value
    redacted: str
    alg: str | None = None
    kid: str | None = None
    iss: Any = None
    aud: Any = None
    sub: str | None = None
    exp: float | None = None
    findings: tuple[Finding, ...] = ()  # the classifier's (junk around the token, session id …)


@dataclass(frozen=True)
class BackendCall:
    """One request to the backend, and what the answer said."""

    method: str
    path: str
    status: int | None  # None: the connection dropped
    elapsed_ms: float
    error_description: str | None = None  # from WWW-Authenticate
    detail: str | None = None  # the body's "detail" (FastAPI) or an excerpt, redacted

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def crashed(self) -> bool:
        return self.status is None or self.status >= 500

    @property
    def says(self) -> str:
        """What the backend said about the token, whichever way it said it."""
        return self.error_description or self.detail or ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "elapsed_ms": self.elapsed_ms,
            "error_description": self.error_description,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Outcome:
    """One experiment (one thing changed against the valid token) and the backend's answer."""

    code: str  # stable: "iss.host", "aud.list", "typ.jwt", "refuse.alg-none", …
    variable: str  # iss, aud, base-url, alg, header, claims, lifetime, format, signature, …
    change: str  # what differs from the valid token, for people
    value: Any  # the value tried (an iss URL, an alg), for the rules
    expect: Expect
    call: BackendCall

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "variable": self.variable,
            "change": self.change,
            "value": self.value,
            "expect": self.expect.value,
            "accepted": self.call.accepted,
            "answer": self.call.to_dict(),
        }


@dataclass(frozen=True)
class Diagnosis:
    """One finding, with the setting to change on each side (None: nothing there)."""

    rank: int  # 1 = the most important
    code: str  # stable: issuer-mismatch, iss-not-checked, shared-secret, …
    kind: Kind
    title: str
    evidence: str
    frontend: str | None
    backend: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "code": self.code,
            "kind": self.kind.value,
            "title": self.title,
            "evidence": self.evidence,
            "frontend": self.frontend,
            "backend": self.backend,
        }


@dataclass(frozen=True)
class DoctorReport:
    better_auth_url: str
    backend_url: str
    jwks_url: str
    jwks_keys: tuple[str, ...]  # "kid (alg)" for each key served
    jwks_findings: tuple[Finding, ...]
    token: TokenFacts
    verification: VerifyResult | None
    baseline: BackendCall
    experiments: tuple[Outcome, ...] = ()
    routes: tuple[str, ...] = ()  # how the task routes were found, for people
    can_mint: bool = False
    jwks_fetches: int | None = (
        None  # JWKS fetches the issuer ever saw, not doctor's (None: unknown)
    )
    other_requests: int | None = None  # other requests to the issuer (get-session …)
    untested: tuple[str, ...] = ()  # what could not be tried, and how to enable it
    cors: CorsBlock | None = None  # the browser's preflight from the frontend's origin, blocked
    seconds: float = 0.0
    diagnoses: tuple[Diagnosis, ...] = field(default=())

    @property
    def accepted(self) -> bool:
        return self.baseline.accepted

    @property
    def ok(self) -> bool:
        """Exit 0: the valid token is accepted and nothing but notes was found."""
        return self.accepted and all(d.kind is Kind.NOTE for d in self.diagnoses)

    def outcome(self, code: str) -> Outcome | None:
        return next((o for o in self.experiments if o.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        v, t = self.verification, self.token
        return {
            "tool": "authcheck doctor",
            "better_auth_url": self.better_auth_url,
            "backend_url": self.backend_url,
            "ok": self.ok,
            "accepted": self.accepted,
            "seconds": round(self.seconds, 2),
            "routes": list(self.routes),
            "cors": None
            if self.cors is None
            else {"origin": self.cors.origin, "blocked": self.cors.message, "fix": self.cors.fix},
            "jwks": {
                "url": self.jwks_url,
                "keys": list(self.jwks_keys),
                "findings": [f.to_dict() for f in self.jwks_findings],
                "fetches_by_others": self.jwks_fetches,
                "other_issuer_requests": self.other_requests,
            },
            "token": {
                "origin": t.origin,
                "kind": t.kind,
                "token": t.redacted,
                "alg": t.alg,
                "kid": t.kid,
                "iss": t.iss,
                "aud": t.aud,
                "sub": t.sub,
                "exp": t.exp,
                "findings": [f.to_dict() for f in t.findings],
            },
            "verification": None
            if v is None
            else {"valid": v.valid, "checks": [c.to_dict() for c in v.checks]},
            "baseline": self.baseline.to_dict(),
            "can_mint": self.can_mint,
            "experiments": [o.to_dict() for o in self.experiments],
            "untested": list(self.untested),
            "diagnosis": [d.to_dict() for d in self.diagnoses],
        }
