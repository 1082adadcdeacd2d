"""JSON documents for ``decode``, ``verify`` and ``jwks --json``: one `envelope` each.

Tokens are redacted (first characters and length); signatures appear as a length only.
"""

from __future__ import annotations

import json
from typing import Any

from authcheck.core.classify import Classification, TokenKind
from authcheck.core.findings import Finding, Severity
from authcheck.core.redact import redact_token
from authcheck.core.timefmt import BETTER_AUTH_DEFAULT_LIFETIME, utc
from authcheck.report.envelope import Document
from authcheck.report.envelope import envelope as wrap

_SECRET_NAMES = frozenset(
    {
        "token",
        "sessiontoken",
        "session_token",
        "accesstoken",
        "access_token",
        "refreshtoken",
        "refresh_token",
        "idtoken",
        "id_token",
        "password",
        "secret",
        "client_secret",
    }
)


def redact_claims(value: Any) -> Any:
    """Claims with credentials inside redacted (the cookie cache carries the session token)."""
    if isinstance(value, dict):
        return {
            k: redact_token(v)
            if k.lower() in _SECRET_NAMES and isinstance(v, str)
            else redact_claims(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_claims(v) for v in value]
    return value


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str)


def envelope(command: str, valid: bool, **body: Any) -> dict[str, Any]:
    """Every token document: the envelope, ``command``, ``valid``, then its own fields."""
    return wrap(Document.TOKEN, {"command": command, "valid": valid, **body})


def _findings(findings: tuple[Finding, ...] | list[Finding]) -> list[dict[str, Any]]:
    return [f.to_dict() for f in findings]


def times(claims: dict[str, Any] | None, now: float) -> dict[str, Any]:
    """exp/nbf/iat as NumericDate, UTC text and seconds from now, plus lifetime."""
    out: dict[str, Any] = {}
    if not claims:
        return out
    for name in ("iat", "nbf", "exp"):
        value = claims.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = {"value": value, "utc": utc(value), "seconds_from_now": value - now}
    iat, exp = out.get("iat"), out.get("exp")
    if iat and exp:
        life = exp["value"] - iat["value"]
        out["lifetime_seconds"] = life
        out["better_auth_default_lifetime_seconds"] = BETTER_AUTH_DEFAULT_LIFETIME
    return out


def decode_document(shape: Classification, now: float) -> dict[str, Any]:
    decoded = shape.decoded
    return envelope(
        "decode",
        shape.kind is TokenKind.JWS,
        kind=shape.kind.value,
        token=redact_token(shape.token) if shape.token else None,
        header=decoded.header if decoded else None,
        claims=redact_claims(decoded.claims) if decoded else None,
        signature_len=decoded.signature_len if decoded else None,
        times=times(decoded.claims if decoded else None, now),
        findings=_findings(shape.findings),
    )


def verify_document(result: Any, token: str, jwks: dict[str, Any] | None) -> dict[str, Any]:
    """``result`` is a VerifyResult (typed loosely to keep this module import-light)."""
    return envelope(
        "verify",
        result.valid,
        token=redact_token(token.strip()),
        header=result.header,
        claims=redact_claims(result.claims),
        signature_len=result.signature_len,
        key=result.key.to_dict() if result.key else None,
        jwks=jwks,
        clock_skew_seconds=result.clock_skew,
        checks=[c.to_dict() for c in result.checks],
        findings=_findings(result.findings),
    )


def jwks_document(
    source: str, key_set: Any, http: dict[str, Any] | None, findings: tuple[Finding, ...]
) -> dict[str, Any]:
    return envelope(
        "jwks",
        not any(f.severity is Severity.ERROR for f in findings),
        source=source,
        http=http,
        keys=[k.to_dict() for k in key_set.keys] if key_set is not None else [],
        findings=_findings(findings),
    )


def error_document(command: str, found: Finding) -> dict[str, Any]:
    """What ``--json`` prints when the command could not run (bad input, unreachable JWKS)."""
    return envelope(command, False, findings=_findings([found]))
