"""Verification checks on the token itself: format, header, algorithm allow-list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from authcheck.core.checks import CheckName, CheckRun, Status
from authcheck.core.classify import TokenKind, classify
from authcheck.core.findings import Finding, Severity, finding
from authcheck.core.jose import DecodedToken, DecodeError, decode_unverified
from authcheck.core.jwks import ALG_KEY

_CLEAN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_EMBEDDED = ("jwk", "jku", "x5u", "x5c")
_TYPS = ("JWT", "at+jwt", "application/at+jwt", "application/jwt")


WRAPPER_CODES = frozenset(
    {
        "token.whitespace",
        "token.bearer-prefix",
        "token.quoted",
        "token.url-encoded",
        "token.json-body",
    }
)


def check_format(run: CheckRun, token: str, max_bytes: int, jws_only: bool) -> DecodedToken | None:
    """Exactly one ``format`` check: the compact JWS as it arrives, junk around it included."""
    if not isinstance(token, str):
        run.fail(CheckName.FORMAT, finding("token.not-jwt", f"the token is {type(token).__name__}"))
        return None
    text = token
    wrapped: list[Finding] = []
    clean = len(token) <= max_bytes and _CLEAN.fullmatch(token) is not None
    if not clean:
        shape = classify(token, max_bytes=max_bytes)
        if shape.kind not in (TokenKind.JWS, TokenKind.COOKIE_CACHE_JWT) or shape.token is None:
            main = next(
                (f for f in shape.findings if f.severity is Severity.ERROR), shape.findings[-1]
            )
            run.pre.extend(f for f in shape.findings if f is not main)
            run.fail(CheckName.FORMAT, main)
            return None
        # A backend receives the value exactly as sent: junk around a JWT is an error here.
        wrapped = [
            Finding(f.code, Severity.ERROR, f.message, f.hint)
            for f in shape.findings
            if f.code in WRAPPER_CODES
        ]
        text = shape.token
    try:
        decoded = decode_unverified(
            text, max_bytes=max_bytes, require_claims=False, alphabet_checked=clean
        )
    except DecodeError as exc:
        run.pre.extend(wrapped)
        run.fail(CheckName.FORMAT, exc.finding)
        return None
    if decoded.claims is None and not jws_only:
        problem = decoded.payload_problem or "the payload is not a JSON object"
        run.pre.extend(wrapped)
        run.fail(CheckName.FORMAT, finding("token.malformed", f"{problem}: not a JWT claim set"))
    elif wrapped:
        run.pre.extend(wrapped[1:])
        codes = ", ".join(f.code for f in wrapped)
        run.fail(
            CheckName.FORMAT,
            wrapped[0],
            f"the token arrives wrapped ({codes}): a backend receiving this exact value "
            "answers 401",
        )
    else:
        run.ok(CheckName.FORMAT, f"compact JWS, {len(text)} bytes, 3 parts")
    return decoded


def check_header_and_alg(
    run: CheckRun, decoded: DecodedToken, allowed: Sequence[str]
) -> str | None:
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
        run.fail(CheckName.HEADER, problems[0], "; ".join(p.message for p in problems))
        run.pre.extend(problems[1:])
    elif typ is not None and typ not in _TYPS:
        run.add(
            CheckName.HEADER,
            Status.WARN,
            f"typ {typ!r}",
            finding("header.typ", f"typ {typ!r} is unusual for an access token"),
        )
    else:
        run.ok(
            CheckName.HEADER, "typ absent (as Better Auth sends)" if typ is None else f"typ {typ}"
        )
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


def _algorithm(run: CheckRun, alg: Any, allowed: Sequence[str]) -> str | None:
    if not isinstance(alg, str):
        what = "missing" if alg is None else f"a {type(alg).__name__}"
        run.fail(CheckName.ALGORITHM, finding("header.alg-not-allowed", f"alg is {what}"))
        return None
    if alg.strip().lower() == "none":
        run.fail(
            CheckName.ALGORITHM,
            finding(
                "header.alg-none",
                f"alg {alg!r}: the token is unsigned",
                "Unsigned tokens are never accepted; Better Auth signs with EdDSA by default.",
            ),
        )
        return None
    if alg not in _permitted(tuple(allowed)) or alg not in ALG_KEY:
        run.fail(
            CheckName.ALGORITHM,
            finding("header.alg-not-allowed", _alg_message(alg, allowed), _alg_hint(alg)),
        )
        return None
    run.ok(CheckName.ALGORITHM, f"{alg} is in the allow-list")
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
