"""What the scenario engine needs from a browser, and what a browser capture gives back.

The engine depends only on this protocol; `authcheck/frontend/capture.py` implements it with
Playwright and Chromium. A run without a browser passes ``None`` and the browser scenarios skip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class CapturedRequest:
    """One request the page sent to the backend origin, as the browser really sent it."""

    method: str
    url: str
    authorization: str | None  # the full header value; redact before reporting
    status: int | None  # response status, None when no response arrived


@dataclass(frozen=True)
class CaptureResult:
    """What a browser session against the frontend produced."""

    requests: tuple[CapturedRequest, ...]
    token_from_client: str | None  # what ``authClient.token()`` returned in the page, if known
    user_id: str | None = None
    screenshot: Path | None = None
    console_log: Path | None = None
    error: str | None = None  # why the capture could not complete (login failed, page crashed…)
    notes: tuple[str, ...] = field(default=())
    page_origin: str | None = None  # the origin the page ran at (what its requests sent as Origin)
    blocked: tuple[str, ...] = field(default=())  # the browser's own CORS messages, redacted


class BrowserCapture(Protocol):
    """Signs in through the frontend, exercises the dashboard, records backend requests."""

    def capture(self) -> CaptureResult: ...
