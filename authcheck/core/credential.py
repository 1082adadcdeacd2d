"""Is this Authorization value an acceptable Better Auth JWT? The one answer every command uses.

`check_authorization` takes the header value exactly as a backend receives it, a `VerifyPolicy`
and the keys (a `KeySet` or a `JwksFetcher`) and returns a `CredentialCheck`: one
`CredentialVerdict`, the findings behind it and, for anything JWT-shaped, the full
`VerifyResult`. `check_credential` does the same for a bare token (what ``authClient.token()``
returned, a pasted ``--token``). The engine's browser checks, ``authcheck capture`` and the
doctor all ask here, so a rule fixed in `authcheck.core` reaches every command.

The rules, in order:
- the scheme is ``Bearer``, compared case-insensitively (RFC 9110 §11.1, RFC 6750 §2.1), followed
  by one space; everything after that space is the credential, exactly as sent;
- a Better Auth session id, signed session cookie or cookie-cache JWT is never the JWT (the
  cookie-cache JWT is still verified, for the diagnosis);
- anything else must be a compact JWS that passes `authcheck.core.verify` under the policy:
  junk around it (quotes, a second ``Bearer``, whitespace) fails like it does at a backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from authcheck.core.classify import TokenKind, classify
from authcheck.core.findings import Finding, finding
from authcheck.core.redact import redact_authorization
from authcheck.core.verify import VerifyPolicy, VerifyResult

if TYPE_CHECKING:
    from authcheck.core.fetch import JwksFetcher
    from authcheck.core.jwks import KeySet

__all__ = [
    "SESSION_KINDS",
    "TAKE_JWT",
    "CredentialCheck",
    "CredentialVerdict",
    "check_authorization",
    "check_credential",
]

TAKE_JWT = (
    "send the JWT from authClient.token() (Better Auth's jwtClient plugin) as "
    "'Authorization: Bearer <JWT>'"
)

# The Better Auth credentials that are not the JWT plugin's token, in words.
SESSION_KINDS: dict[TokenKind, str] = {
    TokenKind.SESSION_ID: "the Better Auth session id (sign-in body 'token', 32 chars)",
    TokenKind.SIGNED_SESSION_COOKIE: "the signed better-auth.session_token cookie",
    TokenKind.COOKIE_CACHE_JWT: "the HS256 better-auth.session_data cookie-cache JWT",
}


class CredentialVerdict(StrEnum):
    """What an Authorization value is, worst first (a run's verdict is its worst one)."""

    MISSING_HEADER = "missing-header"
    WRONG_SCHEME = "wrong-scheme"
    SESSION_TOKEN = "session-token"
    NOT_JWT = "not-jwt"
    JWT_INVALID = "jwt-invalid"
    JWT_VALID = "jwt-valid"


@dataclass(frozen=True)
class CredentialCheck:
    """The verdict on one credential, with what it is and why (no token in any text)."""

    verdict: CredentialVerdict
    summary: str  # short: "JWT (EdDSA, kid abc12345…) valid for sub u1"
    findings: tuple[Finding, ...] = ()
    kind: TokenKind | None = None  # what the credential is, when there was one
    verification: VerifyResult | None = None  # for JWT-shaped credentials
    advice: str | None = None  # what to change, when it is wrong

    @property
    def ok(self) -> bool:
        return self.verdict is CredentialVerdict.JWT_VALID


def check_authorization(
    header: str | None,
    policy: VerifyPolicy,
    *,
    key_set: KeySet | None = None,
    fetcher: JwksFetcher | None = None,
    now: float | None = None,
) -> CredentialCheck:
    """Is this Authorization header value an acceptable Better Auth JWT under ``policy``?

    ``header`` is the field value as received (``None`` when the request had none); surrounding
    whitespace is HTTP's and ignored, the credential after ``Bearer `` is judged exactly as sent.
    Keys come from ``key_set`` or ``fetcher`` (one is required). Never raises for a bad value:
    every problem is in the verdict and its findings; a JWKS that cannot be used is
    ``verification.jwks_error``.
    """
    value = (header or "").strip()
    if not value:
        missing = finding("authorization.missing", "the request has no Authorization header")
        return CredentialCheck(
            CredentialVerdict.MISSING_HEADER,
            "no Authorization header",
            (missing,),
            advice=TAKE_JWT,
        )
    scheme, _, credential = value.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        shown = redact_authorization(value)
        wrong = finding("authorization.scheme", f"Authorization is {shown!r}, not 'Bearer <JWT>'")
        return CredentialCheck(
            CredentialVerdict.WRONG_SCHEME, wrong.message, (wrong,), advice=TAKE_JWT
        )
    return check_credential(credential, policy, key_set=key_set, fetcher=fetcher, now=now)


def check_credential(
    credential: str,
    policy: VerifyPolicy,
    *,
    key_set: KeySet | None = None,
    fetcher: JwksFetcher | None = None,
    now: float | None = None,
) -> CredentialCheck:
    """Is this bare credential (no scheme) an acceptable Better Auth JWT under ``policy``?

    Judged exactly as given: a token with quotes or a newline around it fails ``format`` the way
    it fails at a backend (the verification still diagnoses the token inside).
    """
    shape = classify(credential, max_bytes=policy.max_token_bytes)
    if shape.kind in SESSION_KINDS:
        verification = None
        if shape.kind is TokenKind.COOKIE_CACHE_JWT:
            verification = policy.verify(credential, key_set=key_set, fetcher=fetcher, now=now)
        return CredentialCheck(
            CredentialVerdict.SESSION_TOKEN,
            f"{SESSION_KINDS[shape.kind]}, not a JWT",
            shape.findings,
            shape.kind,
            verification,
            advice=TAKE_JWT,
        )
    if shape.kind is not TokenKind.JWS:
        return CredentialCheck(
            CredentialVerdict.NOT_JWT,
            f"not a JWT ({shape.kind.value})",
            shape.findings,
            shape.kind,
            advice=TAKE_JWT,
        )
    result = policy.verify(credential, key_set=key_set, fetcher=fetcher, now=now)
    header = result.header or {}
    described = f"JWT ({header.get('alg')}, kid {str(header.get('kid'))[:8]}…)"
    if result.valid:
        sub = (result.claims or {}).get("sub")
        return CredentialCheck(
            CredentialVerdict.JWT_VALID,
            f"{described} valid for sub {sub}",
            result.findings,
            shape.kind,
            result,
        )
    first = result.jwks_error or next(iter(result.findings), None)
    why = f"{first.code}: {first.message}" if first else "does not verify"
    return CredentialCheck(
        CredentialVerdict.JWT_INVALID,
        f"{described} invalid — {why}",
        result.findings,
        shape.kind,
        result,
        advice=first.hint if first else None,
    )
