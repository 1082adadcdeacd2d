"""Verification: every check as a value, not only the first failure.

PyJWT checks the signature (keys built with ``jwt.PyJWK``); the policy around it is ours, because
PyJWT alone lets some attacks through (use=enc keys, duplicate kids, string ``exp``, repeated
claim names, unbounded token size). Operational failures of the JWKS are reported as a check and
``VerifyResult.jwks_error`` (the CLI maps it to exit 3), so the claims are still diagnosed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from authcheck.core.checks import (
    CLAIM_CHECKS,
    HEADER_CHECKS,
    KEY_CHECKS,
    CheckName,
    CheckResult,
    CheckRun,
    Status,
)
from authcheck.core.checks_claims import check_claims
from authcheck.core.checks_key import (
    check_key,
    check_key_set,
    check_kid,
    check_signature,
    signature_ok,
)
from authcheck.core.checks_token import check_format, check_header_and_alg
from authcheck.core.findings import Finding, Severity
from authcheck.core.jose import MAX_TOKEN_BYTES, DecodedToken
from authcheck.core.jwks import JwkInfo, KeySet

if TYPE_CHECKING:
    import httpx

    from authcheck.core.fetch import JwksFetcher

__all__ = [
    "ALL_CHECKS",
    "CheckName",
    "DEFAULT_ALGORITHMS",
    "DEFAULT_REQUIRE",
    "CheckResult",
    "Status",
    "VerifyPolicy",
    "VerifyResult",
    "signature_ok",
    "verify",
]

DEFAULT_ALGORITHMS: tuple[str, ...] = ("EdDSA", "Ed25519", "ES256", "ES512", "RS256", "PS256")
DEFAULT_REQUIRE: tuple[str, ...] = ("exp", "sub")


@dataclass(frozen=True)
class VerifyResult:
    valid: bool
    checks: tuple[CheckResult, ...]
    findings: tuple[Finding, ...]
    header: dict[str, Any] | None
    claims: dict[str, Any] | None
    key: JwkInfo | None = None
    jwks_error: Finding | None = None
    clock_skew: float | None = None  # JWKS server Date minus our clock, seconds
    signature_len: int | None = None

    def check(self, name: CheckName | str) -> CheckResult:
        """The result of one check (every check is always reported, passed or skipped)."""
        wanted = CheckName(name)
        return next(c for c in self.checks if c.name is wanted)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)


@dataclass(frozen=True)
class VerifyPolicy:
    """What a backend expects: where the keys are, iss, aud, algorithms, leeway, claims."""

    jwks: str
    issuer: str | None = None
    audience: str | Sequence[str] | None = None
    algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    leeway: float = 0
    require: tuple[str, ...] = DEFAULT_REQUIRE
    max_token_bytes: int = MAX_TOKEN_BYTES

    @classmethod
    def better_auth(cls, base_url: str, **overrides: Any) -> VerifyPolicy:
        """Better Auth's defaults: JWKS at BASE/api/auth/jwks, iss = aud = BASE (exactly)."""
        fields: dict[str, Any] = {
            "jwks": base_url.rstrip("/") + "/api/auth/jwks",
            "issuer": base_url,
            "audience": base_url,
        }
        fields.update(overrides)
        return cls(**fields)

    def fetcher(self, client: httpx.Client | None = None, **kwargs: Any) -> JwksFetcher:
        from authcheck.core.fetch import JwksFetcher

        return JwksFetcher(self.jwks, client, **kwargs)

    def verify(
        self,
        token: str,
        *,
        fetcher: JwksFetcher | None = None,
        key_set: KeySet | None = None,
        now: float | None = None,
    ) -> VerifyResult:
        return verify(
            token,
            key_set=key_set,
            fetcher=fetcher,
            issuer=self.issuer,
            audience=self.audience,
            algorithms=self.algorithms,
            leeway=self.leeway,
            require=self.require,
            now=now,
            max_token_bytes=self.max_token_bytes,
        )


ALL_CHECKS: tuple[CheckName, ...] = tuple(CheckName)


def verify(
    token: str,
    *,
    key_set: KeySet | None = None,
    fetcher: JwksFetcher | None = None,
    issuer: str | None = None,
    audience: str | Sequence[str] | None = None,
    algorithms: Sequence[str] = DEFAULT_ALGORITHMS,
    leeway: float = 0,
    require: Sequence[str] = DEFAULT_REQUIRE,
    now: float | None = None,
    max_token_bytes: int = MAX_TOKEN_BYTES,
    jws_only: bool = False,
) -> VerifyResult:
    """Verify a compact JWS/JWT against a key set (or a fetcher) and a policy.

    ``jws_only`` checks the JWS layer alone (format, header, key, signature) and accepts any
    payload: for test vectors whose payload is not a claim set.
    """
    if key_set is None and fetcher is None:
        raise ValueError("verify() needs key_set= or fetcher=")
    run = CheckRun()
    when = time.time() if now is None else now
    decoded = check_format(run, token, max_token_bytes, jws_only)
    if decoded is None:
        for name in HEADER_CHECKS:
            run.skip(name, "the token could not be decoded")
        _, jwks_error, skew = check_key_set(run, key_set, fetcher)  # still report the key set
        for name in KEY_CHECKS + CLAIM_CHECKS:
            run.skip(name, "the token could not be decoded")
        return _result(run, None, None, jwks_error, skew)
    alg = check_header_and_alg(run, decoded, algorithms)
    keys, jwks_error, skew = check_key_set(run, key_set, fetcher)
    info, keys = check_kid(run, keys, decoded.kid, fetcher)
    prepared = check_key(run, keys, info, alg)
    check_signature(run, decoded, alg, prepared, info)
    claims = decoded.claims
    if jws_only or claims is None:
        for name in CLAIM_CHECKS:
            run.skip(name, "JWS-level check only" if jws_only else "the payload is not claims")
    else:
        check_claims(run, decoded, claims, issuer, audience, leeway, require, when, skew)
    return _result(run, decoded, info, jwks_error, skew)


def _result(
    run: CheckRun,
    decoded: DecodedToken | None,
    info: JwkInfo | None,
    jwks_error: Finding | None,
    skew: float | None = None,
) -> VerifyResult:
    findings = list(run.pre)
    for check in run.checks:
        if check.finding is not None:
            found = check.finding
            if check.status is Status.FAIL and found.severity is not Severity.ERROR:
                found = Finding(found.code, Severity.ERROR, found.message, found.hint)
            findings.append(found)
    valid = jwks_error is None and not any(c.status is Status.FAIL for c in run.checks)
    return VerifyResult(
        valid=valid,
        checks=tuple(run.checks),
        findings=tuple(findings),
        header=decoded.header if decoded else None,
        claims=decoded.claims if decoded else None,
        key=info,
        jwks_error=jwks_error,
        clock_skew=skew,
        signature_len=decoded.signature_len if decoded else None,
    )
