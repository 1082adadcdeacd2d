"""Findings from the token itself and from the backend's words: evidence below experiments.

The token's own facts (its kind, how it verifies under Better Auth's policy) come first; what
the backend *writes* is used only where no experiment decided, and never against a fact: a token
that verifies is not "expired" whatever the answer says.
"""

from __future__ import annotations

import re

from authcheck.core.classify import TokenKind
from authcheck.core.credential import SESSION_KINDS, TAKE_JWT
from authcheck.core.timefmt import utc
from authcheck.core.verify import Status
from authcheck.doctor.model import DoctorReport, Kind
from authcheck.doctor.rules import BACKEND_SETTING, Found, answer

# "issuer (iss) is 'A', not 'B'", "iss is not 'B'", "expected 'B'": the value the backend wants.
_NOT = r"(?:is not|, not|!=|expected|does not match)"
_ISS_SAID = re.compile(rf"\biss(?:uer)?\b.*?{_NOT} '([^']*)'", re.I)
_AUD_SAID = re.compile(rf"\baud(?:ience)?\b.*?{_NOT} '([^']*)'", re.I)
_ALG_SAID = re.compile(r"\balg(?:orithm)?\b.*\b(?:not allowed|not supported|unsupported)", re.I)


def _said(report: DoctorReport) -> str:
    return report.baseline.says


def _failed(report: DoctorReport, check: str) -> bool:
    v = report.verification
    return v is not None and any(str(c.name) == check and c.status is Status.FAIL for c in v.checks)


def token_kind(report: DoctorReport) -> list[Found]:
    kind = next((k for k in SESSION_KINDS if k.value == report.token.kind), None)
    if kind is not None:
        return [
            Found(
                2,
                "session-token",
                Kind.CAUSE,
                f"The token is the session token, not the JWT: {SESSION_KINDS[kind]}",
                f"the credential ({report.token.redacted}) is not a JWT a backend can verify",
                f"frontend: {TAKE_JWT}",
                "backend: nothing — it must keep refusing session tokens and verify JWTs "
                f"against {report.jwks_url}",
            )
        ]
    if report.token.kind != TokenKind.JWS.value:
        message = next((f.message for f in report.token.findings), report.token.kind)
        return [
            Found(2, "not-a-jwt", Kind.CAUSE, "The credential is not a JWT", message,
                  f"frontend: {TAKE_JWT}", None)
        ]  # fmt: skip
    return []


def token_invalid(report: DoctorReport) -> list[Found]:
    """The token fails Better Auth's own policy: a fact about the token, before the backend."""
    v = report.verification
    if v is None or v.valid:
        return []
    if _failed(report, "exp"):
        when = f" at {utc(report.token.exp)}" if report.token.exp is not None else ""
        return [
            Found(
                2,
                "token-expired",
                Kind.CAUSE,
                f"The token expired{when}",
                "exp is in the past (authcheck's own check)",
                "frontend: fetch a fresh JWT with authClient.token() before each call; Better "
                "Auth JWTs live jwt.expirationTime (15m default)",
                "backend: nothing — 401 is the right answer to an expired token",
            )
        ]
    failed = [f"{c.name}: {c.evidence}" for c in v.checks if c.status is Status.FAIL]
    return [
        Found(
            8,
            "token-invalid",
            Kind.CAUSE,
            "The token does not verify under Better Auth's policy",
            "; ".join(failed) or "see the verification",
            f"frontend: {TAKE_JWT}",
            None,
        )
    ]


def words(report: DoctorReport, known: list[Found]) -> list[Found]:
    """What the backend wrote, when no experiment or fact explained the refusal."""
    if report.accepted or known:
        return []
    said = _said(report)
    out: list[Found] = []
    if _ALG_SAID.search(said):
        out.append(
            Found(
                30,
                "algorithm-not-allowed",
                Kind.CAUSE,
                f"The backend says it does not allow {report.token.alg}",
                said,
                None,
                f"backend: add {report.token.alg} to the allowed algorithms (JWT_ALGORITHMS)",
            )
        )
    for claim, pattern in (("iss", _ISS_SAID), ("aud", _AUD_SAID)):
        match = pattern.search(said)
        if match is None:
            continue
        have = report.token.iss if claim == "iss" else report.token.aud
        out.append(
            Found(
                28,
                "issuer-mismatch" if claim == "iss" else "audience-mismatch",
                Kind.CAUSE,
                f"The backend says it expects {claim} {match.group(1)!r}; the token has {have!r}",
                said,
                f"frontend: BETTER_AUTH_URL={match.group(1)}",
                f"backend: or set {BACKEND_SETTING[claim]} to {have!r}: the same exact string "
                "(FR-009)",
            )
        )
    if "expired" in said.lower() and report.verification is not None:
        out.append(
            Found(
                45,
                "misleading-error",
                Kind.NOTE,
                "The backend says 'expired', but the token verifies and has not expired",
                said + (f" — exp {utc(report.token.exp)}" if report.token.exp else ""),
                None,
                "backend: name the real failure in the 401 (WWW-Authenticate error_description)",
            )
        )
    return out


def unexplained(report: DoctorReport, known: list[Found]) -> list[Found]:
    if report.accepted or any(f.kind is not Kind.NOTE for f in known):
        return []
    t = report.token
    tried = len(report.experiments)
    return [
        Found(
            50,
            "refused",
            Kind.CAUSE,
            f"The backend refuses the valid token and none of {tried} variations changed that",
            answer(report),
            None,
            f"backend: check JWKS_URL={report.jwks_url}, issuer {t.iss!r}, audience {t.aud!r}, "
            f"algorithms including {t.alg}; return an error_description to see why",
        )
    ]


def untested(report: DoctorReport) -> list[Found]:
    return [
        Found(60, f"untested-{i}", Kind.NOTE, "Not tested: " + text, "", None, None)
        for i, text in enumerate(report.untested)
    ]
