"""The exit status of a capture (browser or proxy), decided once, with the reason in words.

No false green: a JWT that never reached the backend (blocked by CORS, sent by nobody) is not a
pass, and a valid JWT the backend refuses is a finding about the backend, not the frontend.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from authcheck.engine.checks.cors import CorsVerdict
from authcheck.errors import ExitStatus
from authcheck.frontend.inspect import CaptureReport, Verdict

_REFUSED = (401, 403)


@dataclass(frozen=True)
class CaptureOutcome:
    status: ExitStatus
    headline: str  # one line: what happened and what to do
    doctor: str | None = None  # the doctor command, flags filled in, when the backend refuses

    def to_dict(self) -> dict[str, Any]:
        return {"exit": int(self.status), "headline": self.headline, "doctor": self.doctor}


def doctor_command(better_auth_url: str, backend_url: str) -> str:
    return (
        f"authcheck doctor --better-auth-url {shlex.quote(better_auth_url)} "
        f"--backend-url {shlex.quote(backend_url)}"
    )


def judge(
    report: CaptureReport,
    *,
    backend: str,
    better_auth_url: str,
    cors: CorsVerdict | None = None,
    via_proxy: bool = False,
) -> CaptureOutcome:
    """0 every request reached the backend with a valid JWT and was served; 1 findings (the
    frontend sends the wrong thing, or the backend refuses a valid JWT, or CORS blocks some);
    3 nothing reached the backend (or the capture could not finish), with the reason."""
    capture, sent = report.capture, report.sent
    if report.verdict is Verdict.CAPTURE_FAILED:
        return CaptureOutcome(ExitStatus.UNREACHABLE, report.message)
    answered = [s for s in sent if s.request.status is not None]
    blocked = cors is not None and not cors.ok
    if not answered:
        if blocked:
            assert cors is not None
            why = f"the browser blocked every request: {cors.message()}. Fix: {cors.hint()}"
            if capture.blocked:
                why += f". Chromium said: {capture.blocked[0]}"
        elif sent:
            why = f"{len(sent)} request(s) got no answer (the backend is down or the browser "
            why += "blocked them)"
            if capture.blocked:
                why += f"; Chromium said: {capture.blocked[0]}"
        elif via_proxy:
            why = (
                f"nothing passed the proxy: point the frontend's backend URL (browser and "
                f"server) at it instead of {backend} and use the app"
            )
        else:
            why = (
                f"the page sent no request to {backend}; if the frontend calls the backend from "
                "its server (route handlers, server actions), run `authcheck capture --proxy` "
                "and point the frontend's backend URL at the proxy"
            )
        return CaptureOutcome(ExitStatus.UNREACHABLE, f"no request reached the backend: {why}")
    if report.verdict is not Verdict.JWT_VALID:
        return CaptureOutcome(ExitStatus.FINDINGS, report.message)
    refused = [s for s in answered if s.request.status in _REFUSED]
    if refused:
        command = doctor_command(better_auth_url, backend)
        return CaptureOutcome(
            ExitStatus.FINDINGS,
            f"the frontend is fine; the backend refuses it ({len(refused)} of {len(answered)} "
            f"requests with a valid JWT answered {refused[0].request.status}) — run `{command}`",
            command,
        )
    if blocked:
        assert cors is not None
        return CaptureOutcome(ExitStatus.FINDINGS, f"{cors.message()}. Fix: {cors.hint()}")
    return CaptureOutcome(ExitStatus.OK, report.message)
