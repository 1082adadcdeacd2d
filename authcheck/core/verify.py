"""Verification: every check as a value, not only the first failure.

PyJWT checks the signature (keys built with ``jwt.PyJWK``); the policy around it is ours, because
PyJWT alone lets some attacks through (use=enc keys, duplicate kids, string ``exp``, repeated
claim names, unbounded token size). Operational failures of the JWKS are reported as a check and
``VerifyResult.jwks_error`` (the CLI maps it to exit 3), so the claims are still diagnosed.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from authcheck.core import hints
from authcheck.core.classify import TokenKind, classify
from authcheck.core.findings import Finding, Severity, finding
from authcheck.core.jose import MAX_TOKEN_BYTES, DecodedToken, DecodeError, decode_unverified
from authcheck.core.jwks import ALG_KEY, JwkInfo, JwksError, KeyProblem, KeySet, check_binding
from authcheck.core.timefmt import duration, expiry, utc

if TYPE_CHECKING:
    import httpx

    from authcheck.core.fetch import JwksFetcher

DEFAULT_ALGORITHMS: tuple[str, ...] = ("EdDSA", "Ed25519", "ES256", "ES512", "RS256", "PS256")
DEFAULT_REQUIRE: tuple[str, ...] = ("exp", "sub")
_CLEAN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_EMBEDDED = ("jwk", "jku", "x5u", "x5c")
_NUMERIC = ("exp", "nbf", "iat")
_STRINGS = ("iss", "sub", "jti")
_TYPS = ("JWT", "at+jwt", "application/at+jwt", "application/jwt")


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

    def check(self, name: str) -> CheckResult:
        return next(c for c in self.checks if c.name == name)

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


@dataclass
class _Run:
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


ALL_CHECKS = (
    "format",
    "header",
    "algorithm",
    "jwks",
    "kid",
    "key",
    "key-alg",
    "signature",
    "duplicates",
    "claim-types",
    "exp",
    "nbf",
    "iat",
    "iss",
    "aud",
    "sub",
    "required",
)


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
    run = _Run()
    when = time.time() if now is None else now
    decoded = _format(run, token, max_token_bytes, jws_only)
    if decoded is None:
        for name in ALL_CHECKS[1:3]:
            run.skip(name, "the token could not be decoded")
        _, jwks_error, skew = _key_set(run, key_set, fetcher)  # still report the key set
        for name in ALL_CHECKS[4:]:
            run.skip(name, "the token could not be decoded")
        return _result(run, None, None, jwks_error, skew)
    alg = _header_and_alg(run, decoded, algorithms)
    keys, jwks_error, skew = _key_set(run, key_set, fetcher)
    info, keys = _select_key(run, keys, decoded.kid, fetcher)
    prepared = _key(run, keys, info, alg)
    _signature(run, decoded, alg, prepared, info)
    claims = decoded.claims
    if jws_only or claims is None:
        for name in ALL_CHECKS[8:]:
            run.skip(name, "JWS-level check only" if jws_only else "the payload is not claims")
    else:
        _claims(run, decoded, claims, issuer, audience, leeway, require, when, skew)
    return _result(run, decoded, info, jwks_error, skew)


def _result(
    run: _Run,
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


def _format(run: _Run, token: str, max_bytes: int, jws_only: bool) -> DecodedToken | None:
    if not isinstance(token, str):
        run.fail("format", finding("token.not-jwt", f"the token is {type(token).__name__}"))
        return None
    text = token
    clean = len(token) <= max_bytes and _CLEAN.fullmatch(token) is not None
    if not clean:
        shape = classify(token, max_bytes=max_bytes)
        if shape.kind not in (TokenKind.JWS, TokenKind.COOKIE_CACHE_JWT) or shape.token is None:
            main = next(
                (f for f in shape.findings if f.severity is Severity.ERROR), shape.findings[-1]
            )
            run.pre.extend(f for f in shape.findings if f is not main)
            run.fail("format", main)
            return None
        if shape.findings:
            wrapped = [Finding(f.code, Severity.ERROR, f.message, f.hint) for f in shape.findings]
            run.pre.extend(wrapped[1:])
            run.fail(
                "format",
                wrapped[0],
                "the token arrives wrapped ("
                + ", ".join(f.code for f in shape.findings)
                + "): a backend receiving this exact value answers 401",
            )
        text = shape.token
    try:
        decoded = decode_unverified(
            text, max_bytes=max_bytes, require_claims=False, alphabet_checked=clean
        )
    except DecodeError as exc:
        run.fail("format", exc.finding)
        return None
    if decoded.claims is None and not jws_only:
        problem = decoded.payload_problem or "the payload is not a JSON object"
        run.fail("format", finding("token.malformed", f"{problem}: not a JWT claim set"))
    elif text == token:
        run.ok("format", f"compact JWS, {len(token)} bytes, 3 parts")
    return decoded


def _header_and_alg(run: _Run, decoded: DecodedToken, allowed: Sequence[str]) -> str | None:
    header = decoded.header
    problems: list[Finding] = []
    if "crit" in header:
        problems.append(
            finding(
                "header.crit",
                f"crit {header['crit']!r}: no critical extension is understood here",
                "Better Auth never sets crit; a token with crit must be rejected (RFC 7515 "
                "§4.1.11).",
            )
        )
    if header.get("b64") is False:
        problems.append(finding("header.crit", "b64:false (unencoded payload) in a JWT"))
    embedded = [name for name in _EMBEDDED if name in header]
    if embedded:
        problems.append(
            finding(
                "header.embedded-key",
                f"the header carries {', '.join(embedded)}: keys never come from the token",
                "Only keys from the configured JWKS are trusted; jku/x5u are never fetched.",
            )
        )
    if "cty" in header and str(header["cty"]).upper() == "JWT":
        problems.append(finding("header.crit", "cty JWT: a nested JWT is not accepted"))
    typ = header.get("typ")
    if problems:
        run.fail("header", problems[0], "; ".join(p.message for p in problems))
        run.pre.extend(problems[1:])
    elif typ is not None and typ not in _TYPS:
        run.add(
            "header",
            Status.WARN,
            f"typ {typ!r}",
            finding("header.typ", f"typ {typ!r} is unusual for an access token"),
        )
    else:
        run.ok("header", "typ absent (as Better Auth sends)" if typ is None else f"typ {typ}")
    claims = decoded.claims or {}
    if isinstance(claims.get("session"), dict) and "user" in claims and "sub" not in claims:
        run.pre.append(
            finding(
                "token.cookie-cache-jwt",
                "the payload is {session, user}: Better Auth's cookie-cache JWT "
                "(better-auth.session_data), not the JWT plugin's token",
                "Send the JWT from authClient.token() (GET /api/auth/token) instead.",
            )
        )
    return _algorithm(run, header.get("alg"), allowed)


def _algorithm(run: _Run, alg: Any, allowed: Sequence[str]) -> str | None:
    if not isinstance(alg, str):
        what = "missing" if alg is None else f"a {type(alg).__name__}"
        run.fail("algorithm", finding("header.alg-not-allowed", f"alg is {what}"))
        return None
    if alg.strip().lower() == "none":
        run.fail(
            "algorithm",
            finding(
                "header.alg-none",
                f"alg {alg!r}: the token is unsigned",
                "Unsigned tokens are never accepted; Better Auth signs with EdDSA by default.",
            ),
        )
        return None
    if alg not in _permitted(tuple(allowed)) or alg not in ALG_KEY:
        run.fail(
            "algorithm",
            finding("header.alg-not-allowed", _alg_message(alg, allowed), _alg_hint(alg)),
        )
        return None
    run.ok("algorithm", f"{alg} is in the allow-list")
    return alg


@lru_cache(maxsize=64)
def _permitted(allowed: tuple[str, ...]) -> frozenset[str]:
    """The allow-list, with EdDSA and RFC 9864's Ed25519 as two spellings of one algorithm."""
    permitted = set(allowed)
    if permitted & {"EdDSA", "Ed25519"}:
        permitted |= {"EdDSA", "Ed25519"}
    return frozenset(permitted)


def _alg_message(alg: str, allowed: Sequence[str]) -> str:
    return f"alg {alg!r} is not in the allow-list ({', '.join(allowed)})"


def _alg_hint(alg: str) -> str:
    if alg.startswith("HS"):
        return (
            f"{alg} is a shared-secret algorithm: this is likely Better Auth's cookie-cache JWT "
            "(better-auth.session_data) or a backend set up with a shared secret. The contract "
            "(spec FR-010) is an asymmetric JWT from the JWT plugin (EdDSA by default), verified "
            "with the JWKS: take it from authClient.token() or /api/auth/token."
        )
    if alg.upper() in ALG_KEY and alg not in ALG_KEY:
        return f"Algorithm names are case-sensitive: {alg.upper()}, not {alg}."
    if alg in ALG_KEY:
        return (
            f"If Better Auth is configured with {alg} (jwt.jwks.keyPairConfig.alg), allow it: "
            f"--algorithms {alg} (and algorithms=[...] in the backend's jwt.decode)."
        )
    return f"{alg!r} is not a registered JWS signature algorithm."


def _key_set(
    run: _Run, key_set: KeySet | None, fetcher: JwksFetcher | None
) -> tuple[KeySet | None, Finding | None, float | None]:
    skew = None
    if key_set is None and fetcher is not None:
        try:
            result = fetcher.get()
        except JwksError as exc:
            run.fail("jwks", exc.finding)
            return None, exc.finding, None
        key_set = result.key_set
        skew = result.http.clock_skew if result.http else None
    assert key_set is not None
    blocking = key_set.blocking
    if blocking:
        run.fail("jwks", blocking[0], "; ".join(f.message for f in blocking))
    else:
        run.ok("jwks", f"{len(key_set.keys)} key(s): {', '.join(map(str, key_set.kids))}")
    return key_set, None, skew


def _select_key(
    run: _Run, keys: KeySet | None, kid: Any, fetcher: JwksFetcher | None
) -> tuple[JwkInfo | None, KeySet | None]:
    """The key for ``kid`` and the key set it belongs to (a refetch may bring a newer set)."""
    if keys is None:
        run.skip("kid", "no key set")
        return None, None
    if kid is None:
        if len(keys.keys) == 1:
            run.add(
                "kid",
                Status.WARN,
                "no kid; the key set has one key, which is used",
                finding(
                    "header.kid-missing",
                    "the header has no kid (Better Auth always sends one)",
                    severity=Severity.WARNING,
                ),
            )
            return keys.keys[0], keys
        run.fail(
            "kid",
            finding(
                "header.kid-missing",
                f"the header has no kid and the key set has {len(keys.keys)} keys",
                "Better Auth always sets kid; without it there is no safe key choice.",
            ),
        )
        return None, keys
    if not isinstance(kid, str):
        run.fail("kid", finding("header.kid-unknown", f"kid is a {type(kid).__name__}"))
        return None, keys
    matches = keys.by_kid(kid)
    if not matches and fetcher is not None:
        try:
            found = fetcher.key_for(kid)  # refetches once (rate-limited) on an unknown kid
        except JwksError as exc:  # the refetch failed: the kid stays unknown, say why
            run.pre.append(exc.finding)
            found = None
        if found is not None and fetcher.last is not None:
            keys = fetcher.last.key_set
            matches = keys.by_kid(kid)
    if not matches:
        known = ", ".join(repr(k) for k in keys.kids) or "none"
        run.fail(
            "kid",
            finding(
                "header.kid-unknown",
                f"no key with kid {kid!r} (the key set has {known})",
                "The key was rotated out of the JWKS, or the token comes from another "
                "environment's Better Auth (check BETTER_AUTH_URL and the backend's JWKS URL).",
            ),
        )
        return None, keys
    if len(matches) > 1:
        run.fail("kid", finding("jwks.duplicate-kid", f"{len(matches)} keys have kid {kid!r}"))
        return None, keys
    run.ok("kid", f"kid {kid!r} found")
    return matches[0], keys


def _key(run: _Run, keys: KeySet | None, info: JwkInfo | None, alg: str | None) -> Any:
    if info is None or keys is None:
        run.skip("key", "no key selected")
        run.skip("key-alg", "no key selected")
        return None
    errors = [f for f in info.findings if f.severity is Severity.ERROR]
    if errors:
        run.fail("key", errors[0], "; ".join(f.message for f in errors))
        run.pre.extend(errors[1:])
        run.skip("key-alg", "the key is unusable")
        return None
    size = f", {info.size_bits} bits" if info.size_bits else ""
    run.ok("key", f"{info.kty} {info.crv or ''}{size}".replace("  ", " ").strip())
    if alg is None:
        run.skip("key-alg", "no acceptable alg")
        return None
    mismatch = check_binding(info, alg)
    if mismatch is not None:
        run.fail("key-alg", mismatch)
        return None
    try:
        prepared = keys.prepared_key(info, alg)
    except KeyProblem as exc:
        run.fail("key-alg", exc.finding)
        return None
    run.ok("key-alg", f"{alg} fits {info.kty}{' ' + info.crv if info.crv else ''}")
    return prepared


def _signature(
    run: _Run, decoded: DecodedToken, alg: str | None, prepared: Any, info: JwkInfo | None
) -> None:
    if prepared is None or alg is None:
        run.skip("signature", "no usable key for an allowed alg")
        return
    try:
        good = bool(
            prepared.Algorithm.verify(decoded.signing_input, prepared.key, decoded.signature)
        )
    except Exception:  # noqa: BLE001 - any failure inside the crypto means "does not verify"
        good = False
    if good:
        label = info.label if info else "the key"
        run.ok(
            "signature", f"{alg} signature ({decoded.signature_len} bytes) verifies with {label}"
        )
        return
    run.fail(
        "signature",
        finding(
            "signature.invalid",
            f"the {alg} signature ({decoded.signature_len} bytes) does not verify",
            "The token was edited, or signed by a different key with the same kid (another "
            "environment's Better Auth, or a database reset that regenerated the jwks table).",
        ),
    )


def signature_ok(prepared: Any, signing_input: bytes, signature: bytes) -> bool:
    """PyJWT's check of ``signature`` over ``signing_input`` with a ``KeySet.prepared_key``."""
    try:
        return bool(prepared.Algorithm.verify(signing_input, prepared.key, signature))
    except Exception:  # noqa: BLE001 - any failure inside the crypto means "does not verify"
        return False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number(value: Any) -> float | None:
    return float(value) if _is_number(value) else None


def _claims(
    run: _Run,
    decoded: DecodedToken,
    claims: dict[str, Any],
    issuer: str | None,
    audience: str | Sequence[str] | None,
    leeway: float,
    require: Sequence[str],
    now: float,
    skew: float | None,
) -> None:
    dups = decoded.header_duplicates + decoded.claim_duplicates
    if dups:
        run.fail(
            "duplicates",
            finding(
                "claims.duplicate",
                f"repeated member name(s): {', '.join(sorted(set(dups)))}",
                "Parsers disagree on which copy wins (PyJWT: the last); such tokens are forged.",
            ),
        )
    else:
        run.ok("duplicates", "no repeated member names")
    bad = [
        f"{name} is {type(claims[name]).__name__}"
        for name in _NUMERIC
        if name in claims and not _is_number(claims[name])
    ] + [
        f"{name} is {type(claims[name]).__name__}"
        for name in _STRINGS
        if name in claims and not isinstance(claims[name], str)
    ]
    aud = claims.get("aud")
    if "aud" in claims and not (
        isinstance(aud, str) or (isinstance(aud, list) and all(isinstance(a, str) for a in aud))
    ):
        bad.append("aud is neither a string nor a list of strings")
    if bad:
        run.fail(
            "claim-types",
            finding(
                "claims.type",
                "; ".join(bad),
                "NumericDate claims are JSON numbers (seconds), never strings (RFC 7519 §2).",
            ),
        )
    else:
        run.ok("claim-types", "exp/nbf/iat numbers, iss/sub strings, aud string or list")
    _times(run, claims, leeway, now, skew)
    _issuer(run, claims, issuer)
    _audience(run, claims, audience)
    sub = claims.get("sub")
    if isinstance(sub, str) and sub:
        run.ok("sub", f"sub present ({len(sub)} chars)")
    else:
        run.fail(
            "sub",
            finding(
                "claims.sub-missing",
                "sub is missing or empty" if sub in (None, "") else "sub is not a string",
                "The backend takes the user id from sub (spec FR-004); Better Auth's JWT plugin "
                "sets sub to the user id (jwt.definePayload must not drop it).",
            ),
        )
    missing = [name for name in require if name not in claims]
    if missing:
        run.fail(
            "required",
            finding("claims.missing", f"required claim(s) missing: {', '.join(missing)}"),
        )
    else:
        run.ok("required", f"present: {', '.join(require) or '(none required)'}")


def _skew_note(skew: float | None) -> str:
    if skew is None or abs(skew) < 2:
        return "" if skew is None else " Clock skew against the JWKS server's Date: under 2 s."
    side = "ahead of" if skew > 0 else "behind"
    return f" The JWKS server's clock is {duration(skew)} {side} this machine's (Date header)."


def _times(
    run: _Run, claims: dict[str, Any], leeway: float, now: float, skew: float | None
) -> None:
    exp, nbf = _number(claims.get("exp")), _number(claims.get("nbf"))
    iat = _number(claims.get("iat"))
    if exp is None:
        run.skip("exp", "no numeric exp")
    elif exp <= now - leeway:
        run.fail(
            "exp",
            finding(
                "claims.expired",
                f"{expiry(exp, now)} (exp {utc(exp)}, leeway {leeway:g} s)",
                "Better Auth JWTs live 15 minutes (jwt.expirationTime): the frontend must get a "
                "fresh one from authClient.token() before calling the backend." + _skew_note(skew),
            ),
        )
    else:
        run.ok("exp", expiry(exp, now))
    if nbf is None:
        run.skip("nbf", "no nbf")
    elif nbf > now + leeway:
        run.fail(
            "nbf",
            finding(
                "claims.not-yet-valid",
                f"not valid for another {duration(nbf - now)} (nbf {utc(nbf)})",
                "Clocks disagree, or the token was minted with a future nbf." + _skew_note(skew),
            ),
        )
    else:
        run.ok("nbf", f"valid since {utc(nbf)}")
    if iat is None:
        run.skip("iat", "no iat")
    elif iat > now + leeway:
        run.fail(
            "iat",
            finding(
                "claims.iat-future",
                f"issued {duration(iat - now)} in the future (iat {utc(iat)})",
                "The issuer's clock is ahead of this machine's; sync clocks (NTP) or allow a "
                "small --leeway." + _skew_note(skew),
            ),
        )
    else:
        run.ok("iat", f"issued {duration(now - iat)} ago")


def _issuer(run: _Run, claims: dict[str, Any], issuer: str | None) -> None:
    iss = claims.get("iss")
    if issuer is None:
        run.skip("iss", f"no expected issuer given (token iss {iss!r})")
    elif iss == issuer:
        run.ok("iss", f"iss {iss!r}")
    else:
        run.fail(
            "iss",
            finding(
                "claims.iss-mismatch",
                f"iss {iss!r} is not the expected {issuer!r}",
                hints.issuer_hint(issuer, iss),
            ),
        )


def _audience(run: _Run, claims: dict[str, Any], audience: str | Sequence[str] | None) -> None:
    aud = claims.get("aud")
    if audience is None:
        if aud is None:
            run.skip("aud", "no expected audience and no aud")
        else:
            run.fail(
                "aud",
                finding(
                    "claims.aud-mismatch",
                    f"the token has aud {aud!r} but no expected audience was given",
                    hints.no_audience_hint(aud),
                ),
            )
        return
    expected = [audience] if isinstance(audience, str) else list(audience)
    got = aud if isinstance(aud, list) else [aud]
    if any(a in expected for a in got if isinstance(a, str)):
        run.ok("aud", f"aud {aud!r} contains {expected[0]!r}")
        return
    run.fail(
        "aud",
        finding(
            "claims.aud-mismatch",
            f"aud {aud!r} does not contain {expected[0]!r}",
            hints.audience_hint(expected, aud),
        ),
    )
