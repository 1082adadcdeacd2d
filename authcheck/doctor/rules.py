"""The ranked diagnosis from experiments: what flipped the backend's answer, and what must not have.

Each rule reads a `DoctorReport` (the valid token's answer, the experiments and their answers,
the issuer's fetch counters) and returns findings. Facts from experiments rank above the
backend's own words (`authcheck.doctor.words`); lower priority = more important.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from authcheck.core.hints import url_differences
from authcheck.doctor.model import DoctorReport, Expect, Kind, Outcome

SPEC_JWKS = "FR-003, FR-010"
BACKEND_SETTING = {
    "iss": "JWT_ISSUER (or BETTER_AUTH_URL)",
    "aud": "JWT_AUDIENCE (or BETTER_AUTH_URL)",
    "base-url": "issuer and audience (BETTER_AUTH_URL)",
}
FETCH_SAID = re.compile(r"jwks|fetch|connect|unreachable|urlopen|signing key", re.I)


@dataclass(frozen=True)
class Found:
    priority: float
    code: str
    kind: Kind
    title: str
    evidence: str
    frontend: str | None
    backend: str | None


Rule = Callable[[DoctorReport], list[Found]]


def answer(report: DoctorReport) -> str:
    """The valid token's answer, as evidence."""
    b = report.baseline
    status = "no answer" if b.status is None else str(b.status)
    return f"the valid token → {status}" + (f" ({b.says})" if b.says else "")


def _flipped(report: DoctorReport, variable: str) -> list[Outcome]:
    """Experiments on ``variable`` the backend accepted while it refused the valid token."""
    if report.accepted:
        return []
    return [
        o
        for o in report.experiments
        if o.variable == variable and o.expect is not Expect.REFUSE and o.call.accepted
    ]


def _values(outcomes: list[Outcome]) -> str:
    return " or ".join(repr(o.value) for o in outcomes)


_HOLES = {
    "refuse.iss": ("iss-not-checked", "iss", "verify iss exactly (PyJWT: issuer=BETTER_AUTH_URL)"),
    "refuse.aud": ("aud-not-checked", "aud", "verify aud (PyJWT: audience=BETTER_AUTH_URL)"),
    "refuse.expired": ("exp-not-checked", "exp", "verify exp and require it"),
    "refuse.alg-none": (
        "alg-none-accepted",
        "the signature (alg none)",
        "pass algorithms=['EdDSA'] (the JWKS key's alg) to jwt.decode, never 'none'",
    ),
    "refuse.tampered": (
        "signature-not-checked",
        "the signature",
        "verify the signature with the JWKS key (never verify_signature=False)",
    ),
    "refuse.foreign-key": (
        "signature-not-checked",
        "which key signed it",
        "take the key from the JWKS by kid and verify with it",
    ),
    "refuse.no-header": (
        "no-auth-required",
        "that there is a token at all",
        "require 'Authorization: Bearer <JWT>' on every task route (401 without)",
    ),
}


def holes(report: DoctorReport) -> list[Found]:
    out = []
    for o in report.experiments:
        if o.expect is not Expect.REFUSE or not o.call.accepted or o.code not in _HOLES:
            continue
        code, what, fix = _HOLES[o.code]
        out.append(
            Found(
                1,
                code,
                Kind.HOLE,
                f"Security: the backend does not check {what}",
                f"a token with {o.change} → {o.call.status} (must be refused)",
                None,
                f"backend: {fix}; answer 401 otherwise",
            )
        )
    return out


def _url_flip(report: DoctorReport, variable: str, code: str, side: str) -> list[Found]:
    flipped = _flipped(report, variable)
    if not flipped:
        return []
    wanted = flipped[0].value
    had = report.token.iss if variable == "iss" else report.token.aud
    diffs = "; ".join(url_differences(str(wanted), str(had)))
    names = {"iss": "the issuer", "aud": "the audience", "base-url": "issuer and audience"}
    plugin = {"iss": " (or jwt.issuer)", "aud": " (or jwt.audience)"}
    return [
        Found(
            3 if variable != "base-url" else 3.5,
            code,
            Kind.CAUSE,
            f"The backend accepts {side} {_values(flipped)} only, the token has {had!r}",
            f"{answer(report)}; with {flipped[0].change} → {flipped[0].call.status} ({diffs})",
            f"frontend: BETTER_AUTH_URL={wanted}{plugin.get(variable, '')}",
            f"backend: or set {names[variable]} — {BACKEND_SETTING[variable]} — to {had!r}: "
            "the same exact string on both sides (FR-009)",
        )
    ]


def issuer(report: DoctorReport) -> list[Found]:
    return _url_flip(report, "iss", "issuer-mismatch", "iss")


def audience(report: DoctorReport) -> list[Found]:
    return _url_flip(report, "aud", "audience-mismatch", "aud")


def base_url(report: DoctorReport) -> list[Found]:
    return _url_flip(report, "base-url", "base-url-mismatch", "iss = aud")


def _flip(
    report: DoctorReport, code: str, name: str, title: str, frontend: str | None, backend: str
) -> list[Found]:
    o = report.outcome(code)
    if o is None or report.accepted or not o.call.accepted:
        return []
    evidence = f"{answer(report)}; with {o.change} → {o.call.status}"
    return [Found(3, name, Kind.CAUSE, title, evidence, frontend, backend)]


def one_offs(report: DoctorReport) -> list[Found]:
    """Single experiments whose acceptance names the cause outright."""
    return [
        *_flip(
            report,
            "typ.jwt",
            "typ-required",
            "The backend requires the header typ 'JWT'; Better Auth sends no typ",
            "frontend: nothing — Better Auth's jwt() plugin cannot add typ",
            "backend: do not require typ (Better Auth JWTs have none)",
        ),
        *_flip(
            report,
            "claims.user_id",
            "user-from-user_id",
            "The backend reads the user from a user_id claim; Better Auth puts it in sub",
            None,
            "backend: take the user id from sub (FR-004), e.g. payload['sub']",
        ),
        *_flip(
            report,
            "claims.email-is-sub",
            "user-from-email",
            "The backend takes the user from email, not sub",
            None,
            "backend: take the user id from sub (FR-004); email is not the user id",
        ),
        *_flip(
            report,
            "session-token",
            "session-token-expected",
            "The backend takes the Better Auth session token, not the JWT",
            "frontend: send the JWT from authClient.token() as 'Authorization: Bearer <JWT>'",
            "backend: verify the JWT locally against the JWKS (FR-003, FR-007) instead of "
            "asking Better Auth about a session",
        ),
        *_flip(
            report,
            "format.no-scheme",
            "bearer-scheme-refused",
            "The backend wants the bare JWT without the 'Bearer ' scheme",
            None,
            "backend: read 'Authorization: Bearer <JWT>' (FR-002), e.g. FastAPI HTTPBearer",
        ),
        *_flip(
            report,
            "lifetime.iat-past",
            "clock-skew",
            "The backend refuses fresh tokens but takes one issued 5 minutes ago: its clock is "
            "behind the issuer's",
            "frontend: sync the clock (NTP)",
            "backend: sync the clock (NTP) or allow a leeway of a minute (PyJWT leeway=60)",
        ),
    ]


def algorithm(report: DoctorReport) -> list[Found]:
    flipped = _flipped(report, "alg")
    rotated = [o for o in flipped if o.code.startswith("alg.")]
    if not rotated:
        return []
    algs = ", ".join(str(o.value) for o in rotated)
    have = report.token.alg or "EdDSA"
    spelled = f"{have} (RFC 9864 also calls it Ed25519)" if have == "EdDSA" else have
    return [
        Found(
            3,
            "algorithm-not-allowed",
            Kind.CAUSE,
            f"The backend accepts {algs} but not {have}",
            f"{answer(report)}; signed by the issuer's staged {rotated[0].value} key → "
            f"{rotated[0].call.status}",
            f"frontend: or switch Better Auth's key to {rotated[0].value} "
            "(jwt({ jwks: { keyPairConfig: { alg } } })) — existing tokens stop working",
            f"backend: add {spelled} to the allowed algorithms (JWT_ALGORITHMS)",
        )
    ]


def shared_secret(report: DoctorReport) -> list[Found]:
    proof = report.outcome("hs256.secret")
    if proof is not None and proof.call.accepted:
        evidence = f"an HS256 token signed with --better-auth-secret → {proof.call.status}"
        return [_secret(2.5 if not report.accepted else 6, report, evidence, proven=True)]
    b = report.baseline
    if report.accepted or report.jwks_fetches != 0 or b.crashed or FETCH_SAID.search(b.says):
        return []
    evidence = f"{answer(report)}; every variation refused; the issuer saw no JWKS fetch"
    if proof is not None:
        evidence += "; an HS256 token with --better-auth-secret was refused too"
    return [_secret(6, report, evidence, proven=False)]


def _secret(priority: float, report: DoctorReport, evidence: str, *, proven: bool) -> Found:
    verb = "verifies" if proven else "likely verifies"
    return Found(
        priority,
        "shared-secret",
        Kind.CAUSE,
        f"This backend does not use the JWKS: it {verb} HS256 with BETTER_AUTH_SECRET "
        f"({SPEC_JWKS})",
        evidence,
        "frontend: nothing — Better Auth's jwt() plugin signs with its JWKS key "
        f"({report.token.alg or 'EdDSA'}), never with the secret",
        f"backend: verify with the public keys at {report.jwks_url} (PyJWKClient, "
        f"algorithms=[{report.token.alg or 'EdDSA'!r}]) and drop the shared secret",
    )


def claim_shape(report: DoctorReport) -> list[Found]:
    """The valid token passes, but a token with only sub does not: the user comes from elsewhere."""
    only = report.outcome("claims.sub-only")
    if not report.accepted or only is None or only.call.accepted:
        return []
    by: dict[str, str] = {"claims.sub+id": "id", "claims.sub+email": "email"}
    for code, claim in by.items():
        o = report.outcome(code)
        if o is not None and o.call.accepted:
            return [
                Found(
                    4,
                    f"user-from-{claim}",
                    Kind.CAUSE,
                    f"The backend takes the user from {claim}, not sub (FR-004)",
                    f"a token with {only.change} → {only.call.status}; with {o.change} → "
                    f"{o.call.status}",
                    None,
                    "backend: take the user id from sub (FR-004)",
                )
            ]
    return [
        Found(
            7,
            "sub-only-refused",
            Kind.CAUSE,
            "The backend refuses a token whose user is in sub alone (FR-004)",
            f"a token with {only.change} → {only.call.status} ({only.call.says})",
            None,
            "backend: need nothing but sub for the user id",
        )
    ]


def refused_right_tokens(report: DoctorReport) -> list[Found]:
    """Variants the contract says to accept, refused while the valid token passes: notes."""
    if not report.accepted:
        return []
    return [
        Found(
            40,
            f"refuses-{o.code}",
            Kind.NOTE,
            f"The backend refuses a token with {o.change}",
            f"→ {o.call.status} {o.call.says}".strip(),
            None,
            "backend: accept it if your Better Auth may issue it",
        )
        for o in report.experiments
        if o.expect is Expect.ACCEPT and not o.call.accepted and o.code != "claims.sub-only"
    ]


def no_keys(report: DoctorReport) -> bool:
    """No JWKS fetch seen, and the backend fails or says it cannot get keys."""
    b = report.baseline
    if report.accepted or report.jwks_fetches not in (0, None):
        return False
    if any(o.call.accepted and o.expect is not Expect.REFUSE for o in report.experiments):
        return False
    failed = b.status == 503 or (b.crashed and report.jwks_fetches == 0)
    return failed or FETCH_SAID.search(b.says) is not None


def jwks_unreachable(report: DoctorReport) -> list[Found]:
    if not no_keys(report):
        return []
    seen = "the issuer saw no JWKS fetch" if report.jwks_fetches == 0 else "fetches not countable"
    return [
        Found(
            4,
            "backend-jwks-unreachable",
            Kind.CAUSE,
            f"The backend cannot get the signing keys from {report.jwks_url}",
            f"{answer(report)}; {seen}",
            f"frontend: serve the keys at {report.jwks_url} (jwt() plugin enabled)",
            f"backend: JWKS_URL={report.jwks_url}, reachable from the backend's host "
            "(a container's localhost is not the host's)",
        )
    ]


def crashes(report: DoctorReport) -> list[Found]:
    out = []
    if report.baseline.crashed and not no_keys(report):
        out.append(
            Found(
                5,
                "backend-500",
                Kind.CAUSE,
                "The backend crashes on the valid token "
                f"({'no answer' if report.baseline.status is None else report.baseline.status})",
                report.baseline.says or "no explanation in the answer",
                None,
                "backend: its log has the exception; catch jwt.InvalidTokenError and answer 401 "
                'with WWW-Authenticate: Bearer error="invalid_token"',
            )
        )
    bad = [o for o in report.experiments if o.call.crashed and o.expect is Expect.REFUSE]
    if bad and not report.baseline.crashed:
        out.append(
            Found(
                20,
                "backend-500-on-bad-token",
                Kind.CAUSE,
                f"The backend crashes ({bad[0].call.status}) on a bad token instead of 401 "
                "(FR-006)",
                "; ".join(f"{o.change} → {o.call.status}" for o in bad),
                None,
                "backend: catch every jwt.InvalidTokenError (ExpiredSignatureError, "
                "DecodeError…) and answer 401",
            )
        )
    return out


def cors(report: DoctorReport) -> list[Found]:
    """The preflight is blocked: a note, since doctor cannot see whether the frontend calls the
    backend from the browser (capture can: there it fails) or from its server (no CORS then)."""
    block = report.cors
    if block is None:
        return []
    return [
        Found(
            6,
            "cors-blocked",
            Kind.NOTE,
            f"A page at {block.origin} cannot call the backend with Authorization (CORS)",
            block.message + ". It matters when the browser calls the backend directly; "
            "`authcheck capture` shows whether it does",
            None,
            f"backend: {block.fix}",
        )
    ]


RULES: tuple[Rule, ...] = (
    holes,
    issuer,
    audience,
    base_url,
    one_offs,
    algorithm,
    shared_secret,
    jwks_unreachable,
    claim_shape,
    crashes,
    refused_right_tokens,
    cors,
)
