"""What a check gets: the scenario, the token source, the routes and a recording HTTP client."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from authcheck.core.fetch import http_error_reason
from authcheck.core.redact import redact_authorization, redact_text
from authcheck.engine.browser import BrowserCapture, CaptureResult
from authcheck.engine.catalogue import Scenario
from authcheck.engine.results import RecordedRequest
from authcheck.engine.routes import Routes
from authcheck.engine.source import TokenSource
from authcheck.errors import UnreachableError

_EXCERPT = 300
# The connection was gone before an answer came: the request was not processed.
_DROPPED = (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError)


class TargetError(UnreachableError):
    """A request to the target did not get an answer (connection refused, reset, timeout)."""


_DROPPED_TRIES = 4  # one live connection among the pool's idle ones, at most


class Recorder:
    """Sends requests to the target and keeps a redacted record of each one."""

    def __init__(
        self, client: httpx.Client, target: str, *, public: frozenset[str] = frozenset()
    ) -> None:
        """``public``: identifiers that are no secret (the run's user ids) and stay readable."""
        self._client = client
        self.target = target.rstrip("/")
        self.public = public
        self.records: list[RecordedRequest] = []

    def send(
        self,
        method: str,
        path: str,
        *,
        authorization: str | None,
        json: Any = None,
        probe: str | None = None,
    ) -> httpx.Response:
        url = self.target + path
        headers = {} if authorization is None else {"Authorization": authorization}
        started = time.perf_counter()
        try:
            for attempt in range(_DROPPED_TRIES):
                try:
                    response = self._client.request(method, url, headers=headers, json=json)
                    break
                except _DROPPED:
                    # A server that crashed on an earlier request (of this or a concurrent
                    # scenario) may close that keep-alive connection without saying so (uvicorn
                    # does when the app raises after starting its 500); the pool may hand it to
                    # this request, which then never reached the app. Try again: the pool drops
                    # each dead connection it handed out, and with several scenarios at once
                    # more than one idle connection may be dead.
                    if attempt == _DROPPED_TRIES - 1:
                        raise
                    started = time.perf_counter()
        except httpx.HTTPError as exc:
            self._record(
                method,
                url,
                authorization,
                probe,
                status=None,
                elapsed_ms=(time.perf_counter() - started) * 1000,
                body_excerpt=f"no answer: {http_error_reason(exc)}",
            )
            raise TargetError(f"{method} {url}: no answer ({http_error_reason(exc)})") from exc
        elapsed = (time.perf_counter() - started) * 1000
        self._record(
            method,
            url,
            authorization,
            probe,
            status=response.status_code,
            elapsed_ms=round(elapsed, 2),
            body_excerpt=redact_text(response.text[:_EXCERPT], self.public),
        )
        return response

    def _record(
        self,
        method: str,
        url: str,
        authorization: str | None,
        probe: str | None,
        *,
        status: int | None,
        elapsed_ms: float,
        body_excerpt: str,
    ) -> None:
        redacted = None if authorization is None else redact_authorization(authorization)
        self.records.append(
            RecordedRequest(
                method=method,
                url=url,
                authorization=redacted,
                status=status,
                elapsed_ms=elapsed_ms,
                probe=probe,
                body_excerpt=body_excerpt,
            )
        )


class SharedCapture:
    """Runs the browser capture once per run, for whichever scenario asks first."""

    def __init__(self, browser: BrowserCapture) -> None:
        self._browser = browser
        self._lock = threading.Lock()
        self._result: CaptureResult | None = None

    def get(self) -> CaptureResult:
        with self._lock:
            if self._result is None:
                self._result = self._browser.capture()
            return self._result


@dataclass(frozen=True)
class RunSettings:
    """How hard a run probes: the quick default, or ``--thorough`` for CI nights."""

    thorough: bool = False
    outage_s: float | None = None  # how long --thorough holds the JWKS outage
    better_auth_secret: str | None = None  # BETTER_AUTH_SECRET, to forge shared-secret tokens


@dataclass
class Context:
    scenario: Scenario
    source: TokenSource
    routes: Routes
    http: Recorder
    browser: SharedCapture | None = None
    notes: list[str] = field(default_factory=list)
    settings: RunSettings = RunSettings()


def bearer(token: str) -> str:
    return f"Bearer {token}"
