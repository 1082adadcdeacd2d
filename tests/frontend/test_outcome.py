"""The capture's exit status from evidence tables: no false green, the reason in words."""

from __future__ import annotations

import pytest

from authcheck.engine.browser import CapturedRequest, CaptureResult
from authcheck.engine.checks.cors import CorsVerdict, Preflight
from authcheck.errors import ExitStatus
from authcheck.frontend.inspect import CaptureReport, SentCredential, Verdict
from authcheck.frontend.outcome import judge

BACKEND, ISSUER = "http://127.0.0.1:8000", "http://127.0.0.1:3000"
BLOCKED = CorsVerdict(
    Preflight(BACKEND + "/api/t", ISSUER, "GET", 400, None, None, False, "no ACAO"),
    "http://localhost:3000",
)
ALLOWED = CorsVerdict(
    Preflight(BACKEND + "/api/t", ISSUER, "GET", 200, ISSUER, "authorization", True, ""), None
)


def report(
    statuses: list[int | None], verdict: Verdict = Verdict.JWT_VALID, *, error: str | None = None
) -> CaptureReport:
    sent = tuple(
        SentCredential(
            CapturedRequest("GET", BACKEND + "/api/t", "Bearer x", s), verdict, None, "…"
        )
        for s in statuses
    )
    capture = CaptureResult(tuple(s.request for s in sent), None, error=error)
    overall = verdict if sent else (Verdict.CAPTURE_FAILED if error else Verdict.NO_REQUESTS)
    return CaptureReport(capture, sent, overall, error or "the page's message")


CASES = [
    # statuses, verdict, cors, proxy → exit, headline start
    ([200, 201], Verdict.JWT_VALID, ALLOWED, False, ExitStatus.OK, "the page's message"),
    (
        [None, None],
        Verdict.JWT_VALID,
        BLOCKED,
        False,
        ExitStatus.UNREACHABLE,
        "no request reached the backend: the browser blocked",
    ),
    (
        [None],
        Verdict.JWT_VALID,
        None,
        False,
        ExitStatus.UNREACHABLE,
        "no request reached the backend: 1 request(s) got no answer",
    ),
    (
        [],
        Verdict.JWT_VALID,
        None,
        False,
        ExitStatus.UNREACHABLE,
        "no request reached the backend: the page sent no request",
    ),
    (
        [],
        Verdict.JWT_VALID,
        None,
        True,
        ExitStatus.UNREACHABLE,
        "no request reached the backend: nothing passed the proxy",
    ),
    (
        [401, 401],
        Verdict.JWT_VALID,
        ALLOWED,
        False,
        ExitStatus.FINDINGS,
        "the frontend is fine; the backend refuses it",
    ),
    ([401], Verdict.SESSION_TOKEN, ALLOWED, False, ExitStatus.FINDINGS, "the page's message"),
    ([200, None], Verdict.JWT_VALID, BLOCKED, False, ExitStatus.FINDINGS, "a browser at"),
]


@pytest.mark.parametrize(("statuses", "verdict", "cors", "proxy", "status", "start"), CASES)
def test_exit_status_from_evidence(
    statuses: list[int | None],
    verdict: Verdict,
    cors: CorsVerdict | None,
    proxy: bool,
    status: ExitStatus,
    start: str,
) -> None:
    outcome = judge(
        report(statuses, verdict),
        backend=BACKEND,
        better_auth_url=ISSUER,
        cors=cors,
        via_proxy=proxy,
    )
    assert outcome.status is status
    assert outcome.headline.startswith(start), outcome.headline


def test_refused_valid_jwt_fills_in_the_doctor_command() -> None:
    outcome = judge(report([403]), backend=BACKEND, better_auth_url=ISSUER)
    assert outcome.doctor == f"authcheck doctor --better-auth-url {ISSUER} --backend-url {BACKEND}"
    assert f"run `{outcome.doctor}`" in outcome.headline


def test_a_capture_that_could_not_finish_is_exit_3_in_its_own_words() -> None:
    outcome = judge(
        report([], error="no sign-up form found"), backend=BACKEND, better_auth_url=ISSUER
    )
    assert outcome.status is ExitStatus.UNREACHABLE and outcome.headline == "no sign-up form found"
