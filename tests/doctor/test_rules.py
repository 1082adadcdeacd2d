"""Doctor's ranking from tables of evidence: no servers, milliseconds."""

from __future__ import annotations

from typing import Any

import pytest

from authcheck.doctor.diagnose import diagnose
from authcheck.doctor.model import BackendCall, DoctorReport, Expect, Kind, Outcome, TokenFacts

ISS = "http://127.0.0.1:3999"
# code: (variable, expect, value)
EXPERIMENTS: dict[str, tuple[str, Expect, Any]] = {
    "iss.0": ("iss", Expect.PROBE, "http://localhost:3999"),
    "aud.0": ("aud", Expect.PROBE, "http://localhost:3999"),
    "base-url.0": ("base-url", Expect.PROBE, ISS + "/"),
    "typ.jwt": ("header", Expect.PROBE, "JWT"),
    "claims.sub-only": ("claims", Expect.ACCEPT, "sub"),
    "claims.sub+id": ("claims", Expect.PROBE, "id"),
    "claims.sub+email": ("claims", Expect.PROBE, "email"),
    "claims.user_id": ("claims", Expect.PROBE, "user_id"),
    "claims.email-is-sub": ("claims", Expect.PROBE, "email"),
    "session-token": ("credential", Expect.PROBE, "session"),
    "lifetime.iat-past": ("lifetime", Expect.ACCEPT, -300),
    "hs256.secret": ("alg", Expect.PROBE, "HS256"),
    "refuse.iss": ("iss", Expect.REFUSE, "https://issuer.authcheck.invalid"),
    "refuse.aud": ("aud", Expect.REFUSE, "https://audience.authcheck.invalid"),
    "refuse.alg-none": ("signature", Expect.REFUSE, "none"),
    "refuse.expired": ("lifetime", Expect.REFUSE, 0),
    "refuse.no-header": ("format", Expect.REFUSE, None),
}


def answer(status: int | None, says: str = "") -> BackendCall:
    return BackendCall("GET", "/api/u/tasks", status, 1.0, detail=says or None)


def report(
    baseline: int | None,
    accepted: tuple[str, ...] = (),
    *,
    says: str = "",
    fetches: int | None = 1,
    other: int = 401,
) -> DoctorReport:
    outcomes = tuple(
        Outcome(
            code, var, f"change {code}", value, expect, answer(200 if code in accepted else other)
        )
        for code, (var, expect, value) in EXPERIMENTS.items()
    )
    token = TokenFacts("test", "jws", "eyJ…", alg="EdDSA", iss=ISS, aud=ISS, sub="u", exp=None)
    return DoctorReport(
        better_auth_url=ISS,
        backend_url="http://127.0.0.1:8000",
        jwks_url=ISS + "/api/auth/jwks",
        jwks_keys=("k (EdDSA)",),
        jwks_findings=(),
        token=token,
        verification=None,
        baseline=answer(baseline, says),
        experiments=outcomes,
        can_mint=True,
        jwks_fetches=fetches,
    )


ALL_RIGHT = ("claims.sub-only", "claims.sub+id", "claims.sub+email", "claims.user_id",
             "claims.email-is-sub", "typ.jwt", "lifetime.iat-past")  # fmt: skip

TABLE = [
    # (name, report, first code, exit ok)
    ("issuer localhost", report(401, ("iss.0",)), "issuer-mismatch", False),
    ("audience", report(401, ("aud.0",)), "audience-mismatch", False),
    ("base url with slash", report(401, ("base-url.0",)), "base-url-mismatch", False),
    ("typ required", report(401, ("typ.jwt",)), "typ-required", False),
    ("user_id claim", report(500, ("claims.user_id",), other=500), "user-from-user_id", False),
    ("email claim", report(403, ("claims.email-is-sub",), other=403), "user-from-email", False),
    ("session token", report(401, ("session-token",)), "session-token-expected", False),
    ("clock behind", report(401, ("lifetime.iat-past",)), "clock-skew", False),
    ("shared secret", report(401, fetches=0), "shared-secret", False),
    ("shared secret proven", report(401, ("hs256.secret",), fetches=0), "shared-secret", False),
    ("jwks unreachable", report(500, fetches=0, other=500), "backend-jwks-unreachable", False),
    ("jwks 503", report(503, fetches=None, other=503), "backend-jwks-unreachable", False),
    ("crash", report(500, other=500), "backend-500", False),
    ("alg in words", report(401, says="The specified alg value is not allowed"),
     "algorithm-not-allowed", False),
    ("wrong iss taken", report(200, (*ALL_RIGHT, "refuse.iss")), "iss-not-checked", False),
    ("alg none taken", report(200, (*ALL_RIGHT, "refuse.alg-none")), "alg-none-accepted", False),
    ("no header taken", report(200, (*ALL_RIGHT, "refuse.no-header")), "no-auth-required", False),
    ("user from id", report(200, ("claims.sub+id", "lifetime.iat-past")), "user-from-id", False),
    ("good", report(200, ALL_RIGHT), None, True),
    ("nothing flips", report(401), "refused", False),
]  # fmt: skip


@pytest.mark.parametrize(("name", "evidence", "code", "ok"), TABLE, ids=[row[0] for row in TABLE])
def test_first_cause_from_evidence(
    name: str, evidence: DoctorReport, code: str | None, ok: bool
) -> None:
    result = diagnose(evidence)
    assert (result.diagnoses[0].code if result.diagnoses else None) == code, result.diagnoses
    assert result.ok is ok


def test_a_hole_is_never_advice_to_match_the_wrong_value() -> None:
    result = diagnose(report(200, (*ALL_RIGHT, "refuse.iss", "iss.0")))
    first = result.diagnoses[0]
    assert first.kind is Kind.HOLE
    assert "authcheck.invalid" not in (first.frontend or "") + (first.backend or "")
    assert all(d.code != "issuer-mismatch" for d in result.diagnoses)


def test_backend_saying_expired_is_not_ranked_above_experiments() -> None:
    result = diagnose(report(401, ("iss.0",), says="Invalid or expired token"))
    assert result.diagnoses[0].code == "issuer-mismatch"
    assert all(d.code != "token-expired" for d in result.diagnoses)


def test_untested_notes_do_not_fail_the_run() -> None:
    from dataclasses import replace

    evidence = replace(report(200, ALL_RIGHT), untested=("iss variations: enable minting",))
    result = diagnose(evidence)
    assert result.ok
    assert [d.kind for d in result.diagnoses] == [Kind.NOTE]


def test_backend_words_name_the_issuer_when_nothing_could_be_minted() -> None:
    from dataclasses import replace

    says = f"The token's issuer (iss) is '{ISS}', not 'http://localhost:3999'"
    evidence = replace(report(401, says=says), experiments=(), can_mint=False, jwks_fetches=None)
    first = diagnose(evidence).diagnoses[0]
    assert first.code == "issuer-mismatch"
    assert "http://localhost:3999" in (first.frontend or "")
