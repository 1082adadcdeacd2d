"""The ranked diagnosis: each rule reads the evidence and names the setting on each side.

Rules look at what the backend said (the reference backend's messages, RFC 6750
``error_description``, or a status alone), what the token is, and how it verifies under Better
Auth's own policy. Lower priority = more likely the reason for the refusal; ties keep rule order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from authcheck.core.classify import TokenKind
from authcheck.core.findings import Severity
from authcheck.core.hints import url_differences
from authcheck.core.timefmt import utc
from authcheck.core.verify import Status
from authcheck.doctor.model import Diagnosis, DoctorReport

TAKE_JWT = (
    "send `(await authClient.token()).data.token` (jwtClient plugin) as "
    "'Authorization: Bearer <JWT>' — not the session token"
)
# What a backend says, in the reference backend's words and the usual variants of them:
# "issuer (iss) is 'A', not 'B'", "iss is not 'B'", "allowed: RS256, ES256".
_NOT = r"(?:is not|, not|!=|expected|does not match)"
_ISS_SAID = re.compile(rf"\biss(?:uer)?\b.*?{_NOT} '([^']*)'", re.I)
_AUD_SAID = re.compile(rf"\baud(?:ience)?\b.*?{_NOT} '([^']*)'", re.I)
_ALG_SAID = re.compile(r"\balg\b.*?not allowed", re.I)
_ALLOWED = re.compile(r"allowed:\s*([A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)")
_KEYSET_SAID = re.compile(r"not in the key set at (\S+?):")
_SESSION_KINDS = {
    TokenKind.SESSION_ID.value: "the Better Auth session id (sign-in body 'token', 32 chars)",
    TokenKind.SIGNED_SESSION_COOKIE.value: "the signed better-auth.session_token cookie",
    TokenKind.COOKIE_CACHE_JWT.value: "the HS256 better-auth.session_data cookie-cache JWT",
}


@dataclass(frozen=True)
class _Found:
    priority: int
    code: str
    title: str
    evidence: str
    frontend: str | None
    backend: str | None


Rule = Callable[[DoctorReport], list[_Found]]


def _said(report: DoctorReport) -> str:
    said = dict.fromkeys(c.says for c in report.calls if not c.accepted and c.says)
    return " | ".join(said)


def _failed(report: DoctorReport, check: str) -> bool:
    v = report.verification
    return v is not None and any(c.name == check and c.status is Status.FAIL for c in v.checks)


def session_token(report: DoctorReport) -> list[_Found]:
    what = _SESSION_KINDS.get(report.token.kind)
    if what is None:
        return []
    return [
        _Found(
            10,
            "session-token",
            f"The token is the session token, not the JWT: {what}",
            f"the credential ({report.token.redacted}) has no JWT shape a backend can verify",
            f"frontend: {TAKE_JWT}",
            "backend: nothing to change — it must keep refusing session tokens and verify "
            f"JWTs against {report.jwks_url}",
        )
    ]


def not_a_jwt(report: DoctorReport) -> list[_Found]:
    if report.token.kind in _SESSION_KINDS or report.token.kind == TokenKind.JWS.value:
        return []
    message = next((f.message for f in report.token.findings), report.token.kind)
    return [
        _Found(
            10, "not-a-jwt", "The credential is not a JWT", message, f"frontend: {TAKE_JWT}", None
        )
    ]


def server_error(report: DoctorReport) -> list[_Found]:
    out = []
    for c in report.calls:
        if c.status == 503:
            out.append(
                _Found(
                    8,
                    "backend-jwks-unavailable",
                    f"The backend answered 503 to {c.path}: it cannot get the signing keys",
                    c.says or "503 Service Unavailable",
                    f"frontend: serve the keys at {report.jwks_url} (jwt() plugin enabled)",
                    f"backend: JWKS_URL={report.jwks_url}, reachable from the backend's host",
                )
            )
        elif c.status is None:
            out.append(
                _Found(
                    6,
                    "backend-no-answer",
                    f"The backend dropped the connection on {c.method} {c.path}",
                    c.says,
                    None,
                    "backend: an unhandled exception while checking the token? Its log says; "
                    "answer 401 with WWW-Authenticate instead",
                )
            )
        elif c.status >= 500:
            expired = _failed(report, "exp")
            title = "The backend crashes (500) on " + (
                "an expired token" if expired else "this token"
            )
            out.append(
                _Found(
                    5,
                    "backend-500",
                    f"{title} ({c.method} {c.path} → {c.status})",
                    c.says or f"HTTP {c.status} with no explanation",
                    None,
                    "backend: catch jwt.ExpiredSignatureError and every jwt.InvalidTokenError "
                    'and answer 401 with WWW-Authenticate: Bearer error="invalid_token"',
                )
            )
    return out


def expired(report: DoctorReport) -> list[_Found]:
    said = "expired" in _said(report).lower()
    if not (_failed(report, "exp") or said):
        return []
    when = f" at {utc(report.token.exp)}" if report.token.exp is not None else ""
    return [
        _Found(
            15,
            "token-expired",
            f"The token expired{when}",
            _said(report) or "exp is in the past",
            "frontend: fetch a fresh JWT with authClient.token() before each call (or when exp "
            "is under a minute away); Better Auth JWTs live jwt.expirationTime (15m default)",
            "backend: nothing — 401 is the right answer to an expired token",
        )
    ]


def algorithm(report: DoctorReport) -> list[_Found]:
    said = _said(report)
    if _ALG_SAID.search(said) is None:
        return []
    alg = report.token.alg or "EdDSA"
    listed = _ALLOWED.search(said)
    allowed = listed.group(1).replace(" ", "") if listed else "?"
    wanted = [a for a in dict.fromkeys([*allowed.split(","), alg]) if a and a != "?"]
    spelled = f"{alg} (RFC 9864 also calls it Ed25519)" if alg == "EdDSA" else alg
    return [
        _Found(
            12,
            "algorithm-not-allowed",
            f"The backend does not accept {alg}: its allow-list is {allowed}",
            said,
            f"frontend: or switch Better Auth's key to one of {allowed} "
            "(jwt({ jwks: { keyPairConfig: { alg } } })) — existing tokens stop working",
            f"backend: add {spelled} to JWT_ALGORITHMS (JWT_ALGORITHMS={','.join(wanted)})",
        )
    ]


def _claim_rule(
    report: DoctorReport, claim: str, pattern: re.Pattern[str], setting: str
) -> list[_Found]:
    said = _said(report)
    match = pattern.search(said)
    value = report.token.iss if claim == "iss" else report.token.aud
    if match is None and not (claim in said.lower() and "not" in said.lower()):
        return []
    expected = match.group(1) if match else None
    if expected is not None and isinstance(value, str):
        diffs = "; ".join(url_differences(expected, value))
        title = f"{claim} mismatch: the token says {value!r}, the backend expects {expected!r}"
        evidence = diffs
    else:
        title, evidence = f"The backend refuses the token's {claim} ({value!r})", said
    now = f" (now {expected})" if expected else ""
    return [
        _Found(
            20,
            "issuer-mismatch" if claim == "iss" else "audience-mismatch",
            title,
            evidence,
            f"frontend: BETTER_AUTH_URL={value} (Better Auth's {claim}) — keep it if that is "
            "the URL users reach Better Auth at, else change it and the backend together",
            f"backend: {setting}{now} must be exactly {value!r} — set {setting}={value} (or "
            f"BETTER_AUTH_URL={value})",
        )
    ]


def issuer(report: DoctorReport) -> list[_Found]:
    return _claim_rule(report, "iss", _ISS_SAID, "JWT_ISSUER")


def audience(report: DoctorReport) -> list[_Found]:
    return _claim_rule(report, "aud", _AUD_SAID, "JWT_AUDIENCE")


def unknown_key(report: DoctorReport) -> list[_Found]:
    match = _KEYSET_SAID.search(_said(report))
    if match is None:
        return []
    theirs = match.group(1)
    if theirs != report.jwks_url:
        fix = f"backend: JWKS_URL={report.jwks_url} (now {theirs}), or BETTER_AUTH_URL to match"
        title = "The backend reads keys from another JWKS than the one that signed the token"
    else:
        fix = "backend: nothing — keys are refetched on an unknown kid (rate-limited)"
        title = "The token's kid is not in Better Auth's key set: another instance or a lost key"
    return [
        _Found(
            20,
            "unknown-key",
            title,
            _said(report),
            f"frontend: one Better Auth (one database, one BETTER_AUTH_SECRET) serving "
            f"{report.jwks_url}",
            fix,
        )
    ]


def better_auth_url(report: DoctorReport) -> list[_Found]:
    """The token's iss/aud are not the --better-auth-url: the two sides may disagree already."""
    out = []
    for check, claim in (("iss", report.token.iss), ("aud", report.token.aud)):
        if _failed(report, check) and isinstance(claim, str):
            diffs = "; ".join(url_differences(report.better_auth_url, claim))
            out.append(
                _Found(
                    25 if not report.accepted else 40,
                    f"better-auth-url-{check}",
                    f"The token's {check} {claim!r} is not the Better Auth URL given "
                    f"({report.better_auth_url!r})",
                    diffs,
                    f"frontend: BETTER_AUTH_URL={claim} today; make it the URL users reach",
                    f"backend: JWT_ISSUER / JWT_AUDIENCE / BETTER_AUTH_URL must equal {claim!r}",
                )
            )
    return out


def signature(report: DoctorReport) -> list[_Found]:
    said = _said(report).lower()
    if not (_failed(report, "signature") or "signature" in said):
        return []
    return [
        _Found(
            20,
            "signature-invalid",
            "The signature does not verify with Better Auth's published key",
            _said(report) or "signature check failed against the JWKS",
            "frontend: send the JWT exactly as authClient.token() returned it",
            f"backend: verify with the keys at {report.jwks_url}",
        )
    ]


def jwks_problems(report: DoctorReport) -> list[_Found]:
    errors = [f for f in report.jwks_findings if f.severity is Severity.ERROR]
    if not errors:
        return []
    return [
        _Found(
            18 if not report.jwks_keys else 30,
            errors[0].code,
            f"Better Auth's JWKS has a problem: {errors[0].message}",
            "; ".join(f.message for f in errors[1:]) or report.jwks_url,
            f"frontend: {errors[0].hint or 'fix the key set Better Auth serves'}",
            None,
        )
    ]


def wrong_user_path(report: DoctorReport) -> list[_Found]:
    me = next((c for c in report.calls if c.path == "/api/me"), None)
    tasks = next((c for c in report.calls if c.path.endswith("/tasks")), None)
    if tasks is None or tasks.status != 403 or (me is not None and not me.accepted):
        return []
    return [
        _Found(
            22,
            "path-not-sub",
            "The token is accepted but the task path is refused (403)",
            tasks.says,
            "frontend: build task URLs from the signed-in user's id (the JWT's sub)",
            "backend: compare the path's user id with sub exactly",
        )
    ]


def no_routes(report: DoctorReport) -> list[_Found]:
    if not report.calls or any(c.status != 404 for c in report.calls):
        return []
    paths = ", ".join(c.path for c in report.calls)
    return [
        _Found(
            30,
            "routes-not-found",
            f"The backend has none of the routes doctor calls ({paths}: 404)",
            "doctor needs an authenticated GET route to see how the backend treats the token",
            None,
            f"backend: check --backend-url ({report.backend_url}); doctor calls GET /api/me "
            "and GET /api/{user_id}/tasks",
        )
    ]


def junk(report: DoctorReport) -> list[_Found]:
    codes = {"token.bearer-prefix", "token.quoted", "token.whitespace", "token.url-encoded"}
    found = [f for f in report.token.findings if f.code in codes]
    if not found:
        return []
    return [
        _Found(
            35,
            "token-wrapped",
            "The value around the JWT is damaged: " + "; ".join(f.message for f in found),
            "authcheck unwrapped it before calling the backend",
            "frontend: put the bare JWT after 'Bearer ' (no quotes, no newline, not URL-encoded)",
            None,
        )
    ]


def unexplained(report: DoctorReport, known: list[_Found]) -> list[_Found]:
    if report.accepted or known:
        return []
    said = _said(report) or "no WWW-Authenticate error_description and no body"
    t = report.token
    return [
        _Found(
            50,
            "refused",
            "The backend refuses the token and authcheck finds nothing wrong with it",
            said,
            None,
            f"backend: JWKS_URL={report.jwks_url}, JWT_ISSUER={t.iss}, JWT_AUDIENCE={t.aud}, "
            f"JWT_ALGORITHMS including {t.alg}; return an error_description to see why",
        )
    ]


RULES: tuple[Rule, ...] = (
    session_token,
    not_a_jwt,
    server_error,
    expired,
    algorithm,
    issuer,
    audience,
    unknown_key,
    signature,
    jwks_problems,
    wrong_user_path,
    better_auth_url,
    no_routes,
    junk,
)


def diagnose(report: DoctorReport) -> DoctorReport:
    """The report with its ranked diagnoses filled in."""
    found = [item for rule in RULES for item in rule(report)]
    found += unexplained(report, found)
    first = {item.code: item for item in reversed(found)}  # one diagnosis per code
    found = [item for item in found if first[item.code] is item]
    ordered = sorted(enumerate(found), key=lambda pair: (pair[1].priority, pair[0]))
    diagnoses = tuple(
        Diagnosis(rank, f.code, f.title, f.evidence, f.frontend, f.backend)
        for rank, (_, f) in enumerate(ordered, start=1)
    )
    return replace(report, diagnoses=diagnoses)
