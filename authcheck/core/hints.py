"""Hints in Better Auth terms: the exact difference between two iss/aud values and the fix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

_LOCAL = {"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"}  # noqa: S104 - names, not binds

FRONTEND_ISS = "BETTER_AUTH_URL (or jwt.issuer in the jwt() plugin options)"
FRONTEND_AUD = "BETTER_AUTH_URL (or jwt.audience in the jwt() plugin options)"
BACKEND_ISS = "JWT_ISSUER (or BETTER_AUTH_URL) in the backend's settings"
BACKEND_AUD = "JWT_AUDIENCE (or BETTER_AUTH_URL) in the backend's settings"


def url_differences(expected: str, actual: str) -> list[str]:
    """Name how ``actual`` differs from ``expected`` (JWT compares them as exact strings)."""
    if expected == actual:
        return []
    if expected.strip() == actual.strip():
        return ["whitespace around the value"]
    if expected.lower() == actual.lower():
        return ["letter case (compared exactly, case-sensitively)"]
    try:
        e, a = urlsplit(expected), urlsplit(actual)
        e_port, a_port = e.port, a.port
    except ValueError:
        return [f"{actual!r} vs {expected!r}"]
    out: list[str] = []
    if e.scheme != a.scheme:
        out.append(f"scheme: token has {a.scheme or 'none'}, expected {e.scheme or 'none'}")
    e_host, a_host = e.hostname or "", a.hostname or ""
    if e_host != a_host:
        if {e_host, a_host} <= _LOCAL:
            out.append(
                f"host: token has {a_host}, expected {e_host} — the same machine, but different "
                "strings to a JWT verifier"
            )
        else:
            out.append(f"host: token has {a_host or 'none'}, expected {e_host or 'none'}")
    if e_port != a_port:
        out.append(f"port: token has {a_port or 'default'}, expected {e_port or 'default'}")
    e_path, a_path = e.path, a.path
    if e_path != a_path:
        if e_path.rstrip("/") == a_path.rstrip("/"):
            which = "token has a trailing slash" if a_path.endswith("/") else "expected has one"
            out.append(f"trailing slash: {which}")
        else:
            out.append(f"path: token has {a_path or '(none)'}, expected {e_path or '(none)'}")
    if not out and (e.query != a.query or e.fragment != a.fragment):
        out.append("query or fragment")
    return out or [f"{actual!r} vs {expected!r}"]


def issuer_hint(expected: str, actual: Any) -> str:
    if actual is None:
        return (
            "The token has no iss. Better Auth always sets iss (default: BETTER_AUTH_URL): "
            "this token was not minted by the JWT plugin."
        )
    if not isinstance(actual, str):
        return f"iss must be a string; the token has {type(actual).__name__}."
    diffs = "; ".join(url_differences(expected, actual))
    return (
        f"iss {actual!r} != expected {expected!r} ({diffs}). Make them the same exact string: "
        f"on the frontend {FRONTEND_ISS}; on the backend {BACKEND_ISS}."
    )


def audience_hint(expected: Sequence[str], actual: Any) -> str:
    want = expected[0] if len(expected) == 1 else list(expected)
    fix = f"Set the same string on the frontend ({FRONTEND_AUD}) and the backend ({BACKEND_AUD})."
    if actual is None:
        return f"The token has no aud but {want!r} is expected. {fix}"
    if isinstance(actual, list):
        strings = [a for a in actual if isinstance(a, str)]
        if len(strings) != len(actual):
            return f"aud is a list with non-string members. {fix}"
        if not strings:
            return f"aud is an empty list. {fix}"
        diffs = "; ".join(url_differences(expected[0], strings[0]))
        return (
            f"aud is a list {strings!r} without {want!r} (closest: {diffs}). Note: PyJWT with "
            f"strict_aud=True rejects any list. {fix}"
        )
    if not isinstance(actual, str):
        return f"aud must be a string or a list of strings; the token has {type(actual).__name__}."
    diffs = "; ".join(url_differences(expected[0], actual))
    return f"aud {actual!r} != expected {want!r} ({diffs}). {fix}"


def no_audience_hint(actual: Any) -> str:
    return (
        f"The token has aud {actual!r} but no expected audience was given; PyJWT rejects this "
        "(InvalidAudienceError). Pass --audience or --better-auth BASE_URL (Better Auth's aud "
        "defaults to BETTER_AUTH_URL), and set audience= in the backend's jwt.decode."
    )
