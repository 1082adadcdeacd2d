"""Small verdict helpers shared by the checks."""

from __future__ import annotations

import httpx

from authcheck.core.redact import redact_text
from authcheck.engine.results import Outcome, Status


def passed(reason: str, **details: object) -> Outcome:
    return Outcome(Status.PASSED, reason, dict(details))


def failed(reason: str, **details: object) -> Outcome:
    return Outcome(Status.FAILED, reason, dict(details))


def warned(reason: str, **details: object) -> Outcome:
    return Outcome(Status.WARNED, reason, dict(details))


def not_run(reason: str, **details: object) -> Outcome:
    """The scenario could not be judged: a step it relies on is broken (said once, elsewhere)."""
    return Outcome(Status.NOT_RUN, reason, dict(details))


def excerpt(response: httpx.Response, size: int = 120) -> str:
    text = " ".join(response.text.split())
    return redact_text(text[:size]) or "(empty body)"


def says(response: httpx.Response) -> str:
    return f"{response.status_code} {excerpt(response)}"
