"""Findings: what authcheck found, as stable codes with a severity, a message and a hint.

Codes are a public interface (JSON output, CI greps, docs/findings.md): never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO

# code -> (default severity, what it means). docs/findings.md documents the same table;
# tests/core/test_findings.py keeps them in step.
CATALOGUE: dict[str, tuple[Severity, str]] = {
    # the command could not use its input (usage errors; exit 2)
    "input.invalid": (E, "The input could not be used (empty token, missing file, bad option)."),
    # the Authorization header a request carried (capture, browser scenarios, doctor)
    "authorization.missing": (E, "The request has no Authorization header."),
    "authorization.scheme": (E, "The Authorization header is not 'Bearer <credential>'."),
    # what the pasted input is
    "token.not-jwt": (E, "The input is not a JWT (nor a recognised Better Auth credential)."),
    "token.session-id": (E, "A Better Auth session id (32 characters, no dots), not a JWT."),
    "token.signed-session-cookie": (
        E,
        "The better-auth.session_token cookie value (session id + HMAC), not a JWT.",
    ),
    "token.cookie-cache-jwt": (
        E,
        "Better Auth's HS256 cookie-cache JWT (better-auth.session_data), not the JWT plugin's.",
    ),
    "token.bearer-prefix": (W, "The value starts with 'Bearer ': the scheme was pasted too."),
    "token.quoted": (W, "The value is wrapped in quotes."),
    "token.whitespace": (W, "The value has leading/trailing whitespace or a line break."),
    "token.url-encoded": (W, "The value is URL-encoded (%3D, %2B, ...)."),
    "token.json-body": (W, 'A JSON response body was pasted; its "token" field was taken.'),
    "token.cookie": (W, "A cookie pair or Cookie header was pasted; one cookie's value was taken."),
    "token.jwe": (E, "An encrypted JWT (JWE, 5 parts): a backend cannot verify it as a JWS."),
    "token.malformed": (E, "The value looks like a JWT but a part does not decode."),
    "token.oversized": (E, "The value is larger than the size cap (16 KiB by default)."),
    # header
    "header.alg-none": (E, "The header says alg none: an unsigned token."),
    "header.alg-not-allowed": (E, "The header's alg is not in the allow-list."),
    "header.kid-missing": (E, "The header has no kid and the key set has more than one key."),
    "header.kid-unknown": (E, "No key in the key set has the header's kid."),
    "header.embedded-key": (E, "The header carries a key or key URL (jwk, jku, x5u, x5c)."),
    "header.crit": (E, "The header has a crit parameter this verifier does not understand."),
    "header.typ": (W, "The header's typ is unusual for an access token."),
    # signature and keys
    "signature.invalid": (E, "The signature does not verify with the selected key."),
    "key.alg-mismatch": (E, "The token's alg does not fit the selected key (kty, crv or alg)."),
    # claims
    "claims.expired": (E, "exp is in the past."),
    "claims.not-yet-valid": (E, "nbf is in the future."),
    "claims.iat-future": (E, "iat is in the future."),
    "claims.iss-mismatch": (E, "iss differs from the expected issuer."),
    "claims.aud-mismatch": (E, "aud does not contain the expected audience."),
    "claims.sub-missing": (E, "The token has no usable sub (user id)."),
    "claims.missing": (E, "A required claim is missing."),
    "claims.type": (E, "A claim has the wrong JSON type (e.g. exp as a string)."),
    "claims.duplicate": (E, "The header or payload repeats a member name."),
    "claims.lifetime": (N, "The token's lifetime differs from Better Auth's 15-minute default."),
    # key sets
    "jwks.unreachable": (E, "The JWKS could not be fetched (DNS, connection, timeout, status)."),
    "jwks.invalid": (E, "The JWKS is not a JSON key set (HTML, invalid JSON, no keys, too big)."),
    "jwks.private-key-exposed": (E, "The JWKS publishes private key material (d, p, q, ...)."),
    "jwks.duplicate-kid": (E, "Two keys in the JWKS share a kid."),
    "jwks.kid-missing": (W, "A key in the JWKS has no kid."),
    "jwks.weak-key": (E, "A key is too weak (RSA < 2048 bits, bad exponent, short HMAC key)."),
    "jwks.enc-key": (E, "A key is marked for encryption (use enc, or key_ops without verify)."),
    "jwks.symmetric-key": (W, "The JWKS contains a symmetric (oct) key: the secret is public."),
    "jwks.mixed-key-set": (E, "The JWKS mixes symmetric and asymmetric keys."),
    "jwks.unsupported-key": (E, "A key's kty, crv or alg is unsupported or inconsistent."),
    "jwks.insecure-transport": (W, "The JWKS is served over plain http from a non-loopback host."),
    "jwks.cache-headers": (N, "The JWKS response has no useful Cache-Control."),
    "jwks.content-type": (W, "The JWKS response's content type is not JSON."),
}


def finding(
    code: str, message: str, hint: str | None = None, severity: Severity | None = None
) -> Finding:
    """A finding for a catalogued ``code`` (KeyError for an unknown code: codes are stable)."""
    default, _ = CATALOGUE[code]
    return Finding(code, severity or default, message, hint)


def has_errors(findings: tuple[Finding, ...] | list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
