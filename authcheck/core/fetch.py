"""Fetching a JWKS: injected httpx client, timeouts, size cap, Cache-Control, rate-limited refetch.

Also reads a JWKS from a file. Records what a human needs to debug the endpoint: status, content
type, cache headers, latency, and the server's ``Date`` (to measure clock skew).
"""

from __future__ import annotations

import ipaddress
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from authcheck.core.findings import Finding, finding
from authcheck.core.jwks import MAX_JWKS_BYTES, JwkInfo, JwksError, KeySet, parse_key_set
from authcheck.errors import BadInputError

if TYPE_CHECKING:
    import httpx

DEFAULT_MAX_AGE = 300.0  # seconds, when the server sends no Cache-Control
MIN_REFETCH_INTERVAL = 30.0  # an unknown kid triggers at most one refetch per interval
BETTER_AUTH_JWKS_PATH = "/api/auth/jwks"


@dataclass(frozen=True)
class HttpInfo:
    url: str
    status: int
    content_type: str | None
    cache_control: str | None
    etag: str | None
    expires: str | None
    latency_ms: float
    date: str | None
    clock_skew: float | None  # server Date minus our clock, seconds (positive: server ahead)

    def to_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "status": self.status,
            "content_type": self.content_type,
            "cache_control": self.cache_control,
            "etag": self.etag,
            "expires": self.expires,
            "latency_ms": round(self.latency_ms, 1),
            "date": self.date,
            "clock_skew_seconds": self.clock_skew,
        }


@dataclass(frozen=True)
class FetchResult:
    key_set: KeySet
    source: str
    http: HttpInfo | None
    transport_findings: tuple[Finding, ...]
    fetched_at: float  # monotonic
    max_age: float


_SOURCE_HINT = "Pass a URL (http://…/api/auth/jwks) or a file."
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_HOST_PORT = re.compile(r"^[A-Za-z0-9.\[\]:-]+:\d+(/|$)")


def is_url(source: str) -> bool:
    return source[:8].lower().startswith(("http://", "https://"))


def _with_jwks_path(host_port: str) -> str:
    bare = host_port.rstrip("/")
    return host_port if "/" in bare else bare + BETTER_AUTH_JWKS_PATH


def is_loopback_host(host: str) -> bool:
    if host in ("localhost", "localhost.") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def max_age_from(cache_control: str | None, default: float = DEFAULT_MAX_AGE) -> float:
    if cache_control is None:
        return default
    directives = [d.strip().lower() for d in cache_control.split(",")]
    if "no-store" in directives or "no-cache" in directives:
        return 0.0
    for directive in directives:
        name, _, value = directive.partition("=")
        if name.strip() in ("s-maxage", "max-age"):
            try:
                return max(0.0, float(int(value.strip().strip('"'))))
            except ValueError:
                return default
    return default


class JwksFetcher:
    """A JWKS source (URL or file) with a cache; threads may share one (fetches are serialised)."""

    def __init__(
        self,
        url_or_path: str,
        client: httpx.Client | None = None,
        *,
        timeout: float = 5.0,
        max_bytes: int = MAX_JWKS_BYTES,
        min_refetch_interval: float = MIN_REFETCH_INTERVAL,
        default_max_age: float = DEFAULT_MAX_AGE,
        insecure: bool = False,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.source = url_or_path
        self._client = client
        self._own_client = client is None
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.min_refetch_interval = min_refetch_interval
        self.default_max_age = default_max_age
        self.insecure = insecure
        self._clock = clock
        self._wall = wall_clock
        self._last: FetchResult | None = None
        self._lock = threading.Lock()
        self.fetch_count = 0

    @classmethod
    def better_auth(cls, base_url: str, **kwargs: object) -> JwksFetcher:
        return cls(base_url.rstrip("/") + BETTER_AUTH_JWKS_PATH, **kwargs)  # type: ignore[arg-type]

    @property
    def last(self) -> FetchResult | None:
        return self._last

    def get_key_set(self) -> KeySet:
        return self.get().key_set

    def get(self) -> FetchResult:
        """The cached result while fresh (Cache-Control max-age), else a new fetch."""
        last = self._last
        if last is not None and self._clock() - last.fetched_at < last.max_age:
            return last
        with self._lock:  # one thread refreshes; the others then see its fresh result
            last = self._last
            if last is not None and self._clock() - last.fetched_at < last.max_age:
                return last
            return self._refresh_locked()

    def key_for(self, kid: str) -> JwkInfo | None:
        """The key with ``kid``; on a miss, refetch at most once per ``min_refetch_interval``."""
        keys = self.get().key_set.by_kid(kid)
        if not keys:
            with self._lock:
                result = self._last
                assert result is not None
                if self._clock() - result.fetched_at >= self.min_refetch_interval:
                    result = self._refresh_locked()
                keys = result.key_set.by_kid(kid)
        return keys[0] if keys else None

    def refresh(self) -> FetchResult:
        """Fetch now, whatever the cache says."""
        with self._lock:
            return self._refresh_locked()

    def _refresh_locked(self) -> FetchResult:
        result = self._fetch_url() if is_url(self.source) else self._read_file()
        self._last = result
        self.fetch_count += 1
        return result

    def close(self) -> None:
        if self._own_client and self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> JwksFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_file(self) -> FetchResult:
        source = self.source
        if not source.strip():
            raise BadInputError("the JWKS source is empty", _SOURCE_HINT)
        scheme = _URL_SCHEME.match(source)
        if scheme:
            raise BadInputError(
                f"unsupported URL scheme {scheme.group(1)!r} in JWKS source {source!r}",
                "Use http:// or https:// (e.g. http://localhost:3000/api/auth/jwks) or a file.",
            )
        path = Path(source)
        try:
            with path.open("rb") as handle:
                data = handle.read(self.max_bytes + 1)
        except FileNotFoundError as exc:
            if _HOST_PORT.match(source):
                raise BadInputError(
                    f"no such JWKS file: {source} (it looks like host:port without a scheme)",
                    f"Did you mean http://{_with_jwks_path(source)}?",
                ) from exc
            raise BadInputError(f"no such JWKS file: {source}", _SOURCE_HINT) from exc
        except OSError as exc:
            raise BadInputError(f"cannot read JWKS file {path}: {exc.strerror or exc}") from exc
        if len(data) > self.max_bytes:
            raise JwksError("jwks.invalid", f"JWKS file {path} is over {self.max_bytes} bytes")
        key_set = parse_key_set(data, f"JWKS file {path}")
        return FetchResult(key_set, str(path), None, (), self._clock(), float("inf"))

    def _http(self) -> httpx.Client:
        if self._client is None:
            import httpx

            self._client = httpx.Client(
                timeout=self.timeout, verify=not self.insecure, follow_redirects=True
            )
        return self._client

    def _fetch_url(self) -> FetchResult:
        import httpx

        url = self.source
        started = time.perf_counter()
        try:
            with self._http().stream(
                "GET", url, headers={"Accept": "application/json"}, timeout=self.timeout
            ) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > self.max_bytes:
                        raise JwksError(
                            "jwks.invalid", f"JWKS at {url} is over {self.max_bytes} bytes"
                        )
                received = self._wall()
        except httpx.TimeoutException as exc:
            raise JwksError(
                "jwks.unreachable",
                f"JWKS at {url} timed out after {self.timeout:g} s",
                "Is the Better Auth server up and reachable from here?",
            ) from exc
        except httpx.HTTPError as exc:
            raise JwksError(
                "jwks.unreachable",
                f"cannot reach JWKS at {url}: {http_error_reason(exc)}",
                "Check the host and port (BETTER_AUTH_URL); is the frontend server running?",
            ) from exc
        latency = (time.perf_counter() - started) * 1000
        headers = response.headers
        dates = headers.get_list("date")
        date = dates[-1] if dates else None  # a proxy may add its own; the last is the origin's
        info = HttpInfo(
            url=str(response.url),
            status=response.status_code,
            content_type=headers.get("content-type"),
            cache_control=headers.get("cache-control"),
            etag=headers.get("etag"),
            expires=headers.get("expires"),
            latency_ms=latency,
            date=date,
            clock_skew=_skew(date, received),
        )
        if response.status_code != 200:
            raise JwksError(
                "jwks.unreachable",
                f"JWKS at {url} answered HTTP {response.status_code}",
                "Better Auth serves its keys at <BETTER_AUTH_URL>/api/auth/jwks once the JWT "
                "plugin is enabled (path: jwks.jwksPath).",
            )
        key_set = parse_key_set(bytes(body), f"JWKS at {url}")
        return FetchResult(
            key_set,
            url,
            info,
            _transport_findings(url, info),
            self._clock(),
            max_age_from(info.cache_control, self.default_max_age),
        )


def http_error_reason(exc: Exception) -> str:
    """Why an HTTP call failed, in words ("connection refused", "no answer in time", DNS)."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time (timeout)"
    text = str(exc) or type(exc).__name__
    dns_markers = (
        "Name or service not known",
        "nodename nor servname",
        "name resolution",
        "No address associated with hostname",
        "getaddrinfo failed",
    )
    if any(marker in text for marker in dns_markers):
        return "the host name does not resolve (DNS)"
    return text.splitlines()[0][:200]


def _skew(date_header: str | None, received: float) -> float | None:
    if not date_header:
        return None
    try:
        server = parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    if server.tzinfo is None:  # "-0000": RFC 5322's "UTC, origin unknown", not local time
        server = server.replace(tzinfo=UTC)
    return round(server.timestamp() - received, 1)


def _transport_findings(url: str, info: HttpInfo) -> tuple[Finding, ...]:
    import httpx

    out: list[Finding] = []
    parsed = httpx.URL(url)
    if parsed.scheme == "http" and not is_loopback_host(parsed.host):
        out.append(
            finding(
                "jwks.insecure-transport",
                f"the JWKS is fetched over plain http from {parsed.host}",
                "Serve Better Auth over https outside localhost: a network attacker could "
                "swap the keys.",
            )
        )
    ctype = (info.content_type or "").split(";")[0].strip().lower()
    if ctype not in ("application/json", "application/jwk-set+json"):
        out.append(
            finding("jwks.content-type", f"content type is {info.content_type or 'missing'}")
        )
    if info.cache_control is None:
        out.append(
            finding(
                "jwks.cache-headers",
                "no Cache-Control: clients choose their own cache lifetime",
            )
        )
    return tuple(out)
