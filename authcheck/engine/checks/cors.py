"""CORS: may a page at the frontend's origin send ``Authorization`` to the backend at all?

A browser asks first (the preflight: ``OPTIONS`` with ``Origin``,
``Access-Control-Request-Method`` and ``Access-Control-Request-Headers: authorization``) and
sends nothing when the answer does not allow it; the backend then never sees the JWT. Used by
the ``us2.cors-preflight`` scenario, by `authcheck capture` and by `authcheck doctor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from authcheck.core.fetch import http_error_reason
from authcheck.engine.checks._util import failed, not_run, passed
from authcheck.engine.context import Context
from authcheck.engine.results import Outcome

SETTING = (
    "the backend's CORS allowed origins (FastAPI: CORSMiddleware(allow_origins=[…]); the "
    "reference backend: CORS_ORIGINS), written exactly as scheme://host:port, no trailing slash"
)
_SIMPLE = frozenset({"GET", "HEAD", "POST"})


@dataclass(frozen=True)
class Preflight:
    """One preflight and the browser's verdict on it."""

    url: str
    origin: str
    method: str
    status: int | None
    allow_origin: str | None
    allow_headers: str | None
    allowed: bool
    reason: str  # why a browser would block it ("" when allowed)


def _listed(value: str | None, wanted: str) -> bool:
    return wanted.lower() in {part.strip().lower() for part in (value or "").split(",")}


def preflight(client: httpx.Client, url: str, origin: str, method: str = "GET") -> Preflight:
    """Send the preflight a browser at ``origin`` would send before ``method url``."""
    asked = "authorization" + (", content-type" if method not in ("GET", "HEAD") else "")
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": asked,
    }
    try:
        response = client.options(url, headers=headers)
    except httpx.HTTPError as exc:
        return Preflight(url, origin, method, None, None, None, False, http_error_reason(exc))
    got = response.headers
    allow_origin, allow_headers = (
        got.get("access-control-allow-origin"),
        got.get("access-control-allow-headers"),
    )
    reason = ""
    if not 200 <= response.status_code < 300:
        reason = f"the preflight got {response.status_code}, not a 2xx"
    if allow_origin is None:
        reason = reason or "no Access-Control-Allow-Origin in the answer"
        reason += f" (the backend does not allow the origin {origin})"
    elif allow_origin not in ("*", origin):
        reason = f"Access-Control-Allow-Origin is {allow_origin!r}, not the page's {origin!r}"
    elif not _listed(allow_headers, "authorization"):
        # "*" does not cover Authorization (Fetch standard): it must be named
        reason = f"Access-Control-Allow-Headers {allow_headers!r} does not name Authorization"
    elif method not in _SIMPLE and not (
        _listed(got.get("access-control-allow-methods"), method)
        or got.get("access-control-allow-methods") == "*"
    ):
        reason = f"Access-Control-Allow-Methods does not allow {method}"
    status = response.status_code
    return Preflight(url, origin, method, status, allow_origin, allow_headers, not reason, reason)


def _twins(origin: str) -> list[str]:
    """The origins people confuse with this one: localhost ↔ 127.0.0.1, http ↔ https."""
    parts = urlsplit(origin)
    host, port = parts.hostname or "", f":{parts.port}" if parts.port else ""
    swap = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}.get(host)
    other = "https" if parts.scheme == "http" else "http"
    twins = [f"{parts.scheme}://{swap}{port}"] if swap else []
    twins.append(f"{other}://{host}{port}")
    if swap:
        twins.append(f"{other}://{swap}{port}")
    return twins


def origin_difference(page: str, allowed: str) -> str:
    """What differs between two origins, in words: host, port, scheme."""
    a, b = urlsplit(page), urlsplit(allowed)
    said = []
    if a.scheme != b.scheme:
        said.append(f"scheme ({a.scheme} vs {b.scheme})")
    if a.hostname != b.hostname:
        same = {a.hostname, b.hostname} == {"localhost", "127.0.0.1"}
        note = ": the same machine, but different origins to a browser" if same else ""
        said.append(f"host ({a.hostname} vs {b.hostname}{note})")
    if a.port != b.port:
        said.append(f"port ({a.port} vs {b.port})")
    return ", ".join(said) or "nothing visible (check for a trailing slash or a typo)"


@dataclass(frozen=True)
class CorsVerdict:
    """The preflight as the page's origin sends it, and what the backend allows instead."""

    preflight: Preflight
    allowed_instead: str | None  # an origin the backend does allow, when one was found

    @property
    def ok(self) -> bool:
        return self.preflight.allowed

    def message(self) -> str:
        p = self.preflight
        if p.allowed:
            return (
                f"a preflight from {p.origin} for {p.method} with Authorization is allowed "
                f"(Access-Control-Allow-Origin {p.allow_origin})"
            )
        said = (
            f"a browser at {p.origin} cannot send Authorization to {p.url} ({p.method}): {p.reason}"
        )
        if self.allowed_instead:
            said += (
                f"; the backend allows {self.allowed_instead} instead — "
                f"{origin_difference(p.origin, self.allowed_instead)}"
            )
        return said

    def hint(self) -> str:
        return f"add {self.preflight.origin} to {SETTING}"


def diagnose(client: httpx.Client, url: str, origin: str, method: str = "GET") -> CorsVerdict:
    """The preflight from ``origin``; when blocked, which look-alike origin would pass."""
    first = preflight(client, url, origin, method)
    if first.allowed or first.status is None:
        return CorsVerdict(first, None)
    if first.allow_origin not in (None, "*", origin):
        return CorsVerdict(first, first.allow_origin)
    for twin in _twins(origin):
        if preflight(client, url, twin, method).allowed:
            return CorsVerdict(first, twin)
    return CorsVerdict(first, None)


def check_cors_preflight(ctx: Context) -> Outcome:
    """US2-2/FR-002 from a browser: the page's origin may send Authorization to the backend."""
    assert ctx.browser is not None  # the runner skips this scenario without a browser
    captured = ctx.browser.get()
    origin = captured.page_origin
    if origin is None:
        return not_run("the browser capture did not say which origin the page ran at")
    urls = {r.method: r.url for r in captured.requests} or {"GET": ctx.http.target + "/"}
    verdicts = []
    with httpx.Client(timeout=10.0) as client:
        for method, url in sorted(urls.items()):
            verdicts.append(diagnose(client, url, origin, method))
    blocked = [v for v in verdicts if not v.ok]
    if blocked:
        said = blocked[0].message()
        if captured.blocked:
            said += f". Chromium said: {captured.blocked[0]}"
        return failed(said + f". Fix: {blocked[0].hint()}", origin=origin)
    methods = ", ".join(v.preflight.method for v in verdicts)
    return passed(
        f"preflights from {origin} with Access-Control-Request-Headers: authorization are "
        f"allowed for {methods}",
        origin=origin,
    )
