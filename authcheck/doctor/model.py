"""What `authcheck doctor` finds: values only (tokens redacted), ready for the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from authcheck.core.findings import Finding
from authcheck.core.verify import VerifyResult

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class TokenFacts:
    """The credential that was tried, as far as it can be read without the key."""

    origin: str  # "given", "signed in as …", "a fresh sign-up"
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
    """One request to the backend with the token, and what the answer said."""

    method: str
    path: str
    status: int | None
    elapsed_ms: float
    error_description: str | None = None  # from WWW-Authenticate
    detail: str | None = None  # the body's "detail" (FastAPI) or an excerpt, redacted

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def says(self) -> str:
        """What the backend said about the token, whichever way it said it."""
        return self.error_description or self.detail or ""


@dataclass(frozen=True)
class Diagnosis:
    """One likely cause, with the setting to change on each side (None: nothing there)."""

    rank: int  # 1 = the most likely reason for the refusal
    code: str  # stable: session-token, issuer-mismatch, algorithm-not-allowed, …
    title: str
    evidence: str
    frontend: str | None
    backend: str | None


@dataclass(frozen=True)
class DoctorReport:
    better_auth_url: str
    backend_url: str
    jwks_url: str
    jwks_keys: tuple[str, ...]  # "kid (alg)" for each key served
    jwks_findings: tuple[Finding, ...]
    token: TokenFacts
    verification: VerifyResult | None
    calls: tuple[BackendCall, ...]
    diagnoses: tuple[Diagnosis, ...] = field(default=())

    @property
    def accepted(self) -> bool:
        """The backend accepted the token on every call that reached an endpoint it has."""
        tried = [c for c in self.calls if c.status != 404]
        return bool(tried) and all(c.accepted for c in tried)

    def to_dict(self) -> dict[str, Any]:
        v = self.verification
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": "authcheck doctor",
            "better_auth_url": self.better_auth_url,
            "backend_url": self.backend_url,
            "accepted": self.accepted,
            "jwks": {
                "url": self.jwks_url,
                "keys": list(self.jwks_keys),
                "findings": [f.to_dict() for f in self.jwks_findings],
            },
            "token": {
                "origin": self.token.origin,
                "kind": self.token.kind,
                "token": self.token.redacted,
                "alg": self.token.alg,
                "kid": self.token.kid,
                "iss": self.token.iss,
                "aud": self.token.aud,
                "sub": self.token.sub,
                "exp": self.token.exp,
                "findings": [f.to_dict() for f in self.token.findings],
            },
            "verification": None
            if v is None
            else {"valid": v.valid, "checks": [c.to_dict() for c in v.checks]},
            "backend_calls": [
                {
                    "method": c.method,
                    "path": c.path,
                    "status": c.status,
                    "elapsed_ms": c.elapsed_ms,
                    "error_description": c.error_description,
                    "detail": c.detail,
                }
                for c in self.calls
            ],
            "diagnosis": [
                {
                    "rank": d.rank,
                    "code": d.code,
                    "title": d.title,
                    "evidence": d.evidence,
                    "frontend": d.frontend,
                    "backend": d.backend,
                }
                for d in self.diagnoses
            ],
        }
