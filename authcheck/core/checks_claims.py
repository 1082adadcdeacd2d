"""Verification checks on claims: duplicates, types, exp/nbf/iat, iss, aud, sub, required."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from authcheck.core import hints
from authcheck.core.checks import CheckName, CheckRun
from authcheck.core.findings import finding
from authcheck.core.jose import DecodedToken
from authcheck.core.timefmt import duration, expiry, utc

_NUMERIC = ("exp", "nbf", "iat")
_STRINGS = ("iss", "sub", "jti")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number(value: Any) -> float | None:
    return float(value) if _is_number(value) else None


def check_claims(
    run: CheckRun,
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
            CheckName.DUPLICATES,
            finding(
                "claims.duplicate",
                f"repeated member name(s): {', '.join(sorted(set(dups)))}",
                "Parsers disagree on which copy wins (PyJWT: the last); such tokens are forged.",
            ),
        )
    else:
        run.ok(CheckName.DUPLICATES, "no repeated member names")
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
            CheckName.CLAIM_TYPES,
            finding(
                "claims.type",
                "; ".join(bad),
                "NumericDate claims are JSON numbers (seconds), never strings (RFC 7519 §2).",
            ),
        )
    else:
        run.ok(CheckName.CLAIM_TYPES, "exp/nbf/iat numbers, iss/sub strings, aud string or list")
    _times(run, claims, leeway, now, skew)
    _issuer(run, claims, issuer)
    _audience(run, claims, audience)
    sub = claims.get("sub")
    if isinstance(sub, str) and sub:
        run.ok(CheckName.SUB, f"sub present ({len(sub)} chars)")
    else:
        run.fail(
            CheckName.SUB,
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
            CheckName.REQUIRED,
            finding("claims.missing", f"required claim(s) missing: {', '.join(missing)}"),
        )
    else:
        run.ok(CheckName.REQUIRED, f"present: {', '.join(require) or '(none required)'}")


def _skew_note(skew: float | None) -> str:
    if skew is None or abs(skew) < 2:
        return "" if skew is None else " Clock skew against the JWKS server's Date: under 2 s."
    side = "ahead of" if skew > 0 else "behind"
    return f" The JWKS server's clock is {duration(skew)} {side} this machine's (Date header)."


def _times(
    run: CheckRun, claims: dict[str, Any], leeway: float, now: float, skew: float | None
) -> None:
    exp, nbf = _number(claims.get("exp")), _number(claims.get("nbf"))
    iat = _number(claims.get("iat"))
    if exp is None:
        run.skip(CheckName.EXP, "no numeric exp")
    elif exp <= now - leeway:
        run.fail(
            CheckName.EXP,
            finding(
                "claims.expired",
                f"{expiry(exp, now)} (exp {utc(exp)}, leeway {leeway:g} s)",
                "Better Auth JWTs live 15 minutes (jwt.expirationTime): the frontend must get a "
                "fresh one from authClient.token() before calling the backend." + _skew_note(skew),
            ),
        )
    else:
        run.ok(CheckName.EXP, expiry(exp, now))
    if nbf is None:
        run.skip(CheckName.NBF, "no nbf")
    elif nbf > now + leeway:
        run.fail(
            CheckName.NBF,
            finding(
                "claims.not-yet-valid",
                f"not valid for another {duration(nbf - now)} (nbf {utc(nbf)})",
                "Clocks disagree, or the token was minted with a future nbf." + _skew_note(skew),
            ),
        )
    else:
        run.ok(CheckName.NBF, f"valid since {utc(nbf)}")
    if iat is None:
        run.skip(CheckName.IAT, "no iat")
    elif iat > now + leeway:
        run.fail(
            CheckName.IAT,
            finding(
                "claims.iat-future",
                f"issued {duration(iat - now)} in the future (iat {utc(iat)})",
                "The issuer's clock is ahead of this machine's; sync clocks (NTP) or allow a "
                "small --leeway." + _skew_note(skew),
            ),
        )
    else:
        run.ok(CheckName.IAT, f"issued {duration(now - iat)} ago")


def _issuer(run: CheckRun, claims: dict[str, Any], issuer: str | None) -> None:
    iss = claims.get("iss")
    if issuer is None:
        run.skip(CheckName.ISS, f"no expected issuer given (token iss {iss!r})")
    elif iss == issuer:
        run.ok(CheckName.ISS, f"iss {iss!r}")
    else:
        run.fail(
            CheckName.ISS,
            finding(
                "claims.iss-mismatch",
                f"iss {iss!r} is not the expected {issuer!r}",
                hints.issuer_hint(issuer, iss),
            ),
        )


def _audience(run: CheckRun, claims: dict[str, Any], audience: str | Sequence[str] | None) -> None:
    aud = claims.get("aud")
    if audience is None:
        if aud is None:
            run.skip(CheckName.AUD, "no expected audience and no aud")
        else:
            run.fail(
                CheckName.AUD,
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
        run.ok(CheckName.AUD, f"aud {aud!r} contains {expected[0]!r}")
        return
    run.fail(
        CheckName.AUD,
        finding(
            "claims.aud-mismatch",
            f"aud {aud!r} does not contain {expected[0]!r}",
            hints.audience_hint(expected, aud),
        ),
    )
