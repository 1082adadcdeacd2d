"""The Better Auth key set, fetched once and kept in memory for at most ``max_age`` seconds.

- The first token that needs a key triggers the one fetch; later tokens are verified locally
  (FR-007): no call to Better Auth per request.
- The set has a maximum age (``JWKS_CACHE_TTL``, 300 s by default, like PyJWKClient's
  ``lifespan``; a smaller ``Cache-Control: max-age`` from the JWKS response wins). The first
  request after that refetches it, so a key the issuer removed (revoked) stops being accepted
  within that time. A key missing from a successful fetch is gone from the cache.
- A token whose ``kid`` is not in the set triggers a refetch (key rotation), at most once per
  ``min_refetch_interval`` seconds counted from the last refetch an unknown kid caused (not
  from the first fetch, so a key rotated just after start-up is picked up at once). A stream of
  made-up kids costs Better Auth one fetch per interval.
- If the JWKS is unreachable (or serves no usable key) while keys are cached, they keep working
  and the fetch is retried after ``min_refetch_interval``.
- With no keys at all (started while the JWKS was down), callers get ``KeySetUnavailable``
  (answer 503 with ``Retry-After``), never an acceptance, and the next request retries, at most
  once per ``cold_retry_interval`` (0.25 s): the first request after the JWKS is back succeeds.
- Thread-safe: FastAPI runs sync dependencies in a thread pool. Lookups of known kids in a fresh
  set take no lock; fetches happen under one lock, one at a time, and requests that waited for a
  fetch use its outcome (no fetch is due right after one), so a burst of requests causes one.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx
from jwt import PyJWK
from jwt.exceptions import PyJWTError

log = logging.getLogger(__name__)

DEFAULT_MAX_AGE = 300.0  # seconds; PyJWKClient's default lifespan
_MAX_AGE = re.compile(r'(?:^|,)\s*max-age\s*=\s*(?:"(\d+)"|(\d+))\s*(?:,|$)', re.IGNORECASE)


class KeySetUnavailable(Exception):
    """No verification key is available (JWKS never fetched successfully or empty)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def parse_jwks(document: object) -> dict[str, PyJWK]:
    """Usable signing keys by kid. Unusable keys are dropped with a warning, never trusted.

    Dropped: keys for encryption (``use: enc``) or whose ``key_ops`` lack ``verify``, symmetric
    (``oct``) keys and keys carrying private members, keys without a kid, and every key whose
    kid appears more than once (a kid must name exactly one key).
    """
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError('not a JWK Set (expected a JSON object with a "keys" list)')
    keys: dict[str, PyJWK] = {}
    seen: set[str] = set()
    for jwk in document["keys"]:
        reason = _unusable(jwk)
        kid = jwk.get("kid") if isinstance(jwk, dict) else None
        if reason is None and isinstance(kid, str):
            if kid in seen:
                keys.pop(kid, None)
                log.warning("JWKS: kid %r appears more than once; ignoring all keys with it", kid)
                continue
            seen.add(kid)
            try:
                keys[kid] = PyJWK(jwk)
            except (PyJWTError, ValueError, TypeError, KeyError) as exc:  # malformed members
                log.warning("JWKS: ignoring key %r: %s", kid, exc)
        else:
            log.warning("JWKS: ignoring key %r: %s", kid, reason or "no kid")
    return keys


def _unusable(jwk: object) -> str | None:
    if not isinstance(jwk, dict):
        return "not a JSON object"
    if not isinstance(jwk.get("kid"), str) or not jwk["kid"]:
        return "no kid"
    if jwk.get("use", "sig") != "sig":
        return f"use is {jwk.get('use')!r}, not 'sig'"
    key_ops = jwk.get("key_ops")
    if key_ops is not None and (not isinstance(key_ops, list) or "verify" not in key_ops):
        return "key_ops does not include 'verify'"
    if jwk.get("kty") == "oct":
        return "symmetric key in a public key set"
    if any(member in jwk for member in ("d", "p", "q", "dp", "dq", "qi")):
        return "private key material in a public key set"
    return None


@dataclass(frozen=True)
class _KeySet:
    """The keys and the clock time from which a request must try to refetch them first.

    Replaced as a whole, so a lock-free reader sees keys and time from the same fetch.
    """

    keys: Mapping[str, PyJWK]
    recheck_at: float  # fetch time + max age; a failed refresh moves it to its own time + floor


def cache_max_age(cache_control: str | None) -> int | None:
    """The ``max-age`` of a ``Cache-Control`` header in seconds, or None if absent or malformed."""
    match = _MAX_AGE.search(cache_control or "")
    return None if match is None else int(match.group(1) or match.group(2))


class JWKSCache:
    def __init__(
        self,
        url: str,
        *,
        client: httpx.Client | None = None,
        max_age: float = DEFAULT_MAX_AGE,
        min_refetch_interval: float = 10.0,
        cold_retry_interval: float = 0.25,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.max_age = max_age
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=False)
        self._owns_client = client is None
        self._interval = min_refetch_interval
        self._cold_interval = cold_retry_interval
        self._clock = clock
        self._set = _KeySet({}, -math.inf)
        self._last_attempt = -math.inf  # when the last fetch ended, whatever its cause and outcome
        self._last_kid_refetch = -math.inf  # when the last fetch caused by an unknown kid began
        self._last_error = "not fetched yet"
        self._lock = threading.Lock()

    def get(self, kid: str) -> PyJWK | None:
        """The key for ``kid``, or None if the issuer does not publish it."""
        current = self._set  # fast path: a known kid in a fresh set is a dict read, no lock
        key = current.keys.get(kid)
        if key is not None and self._clock() < current.recheck_at:
            return key
        with self._lock:
            # One fetch at a time. A request that waited for one finds no fetch due (the
            # intervals count from its end) and uses its outcome.
            self._fetch_if_due(kid)
            current = self._set
            key = current.keys.get(kid)
            if key is None and not current.keys:
                raise KeySetUnavailable(
                    f"no signing keys from {self.url} ({self._last_error})", self._retry_after()
                )
            return key  # after a failed refresh: the cached key (outage tolerance)

    def _fetch_if_due(self, kid: str) -> None:
        """Fetch if the rules allow it now: the one place that decides when Better Auth is asked."""
        now, current = self._clock(), self._set
        if not current.keys:  # cold: retry on the next request, at most every cold interval
            if now - self._last_attempt >= self._cold_interval:
                self._refresh()
        elif now >= current.recheck_at:  # the set is older than its max age
            self._refresh()
        elif kid not in current.keys and now - self._last_kid_refetch >= self._interval:
            self._last_kid_refetch = now  # rotation; counted so made-up kids cannot hammer
            self._refresh()

    def _retry_after(self) -> int:
        """Seconds until a request may fetch again with no keys in hand (for ``Retry-After``)."""
        remaining = self._cold_interval - (self._clock() - self._last_attempt)
        return max(1, math.ceil(max(0.0, remaining)))

    def _refresh(self) -> None:
        try:
            self._fetch()
        finally:
            self._last_attempt = self._clock()

    def _fetch(self) -> None:
        started = self._clock()
        try:
            response = self._client.get(self.url)
            response.raise_for_status()
            keys = parse_jwks(response.json())
        except (httpx.HTTPError, ValueError, TypeError, RecursionError) as exc:
            self._last_error = _describe(exc)
            self._keep_cached_keys(started, f"fetch failed: {self._last_error}")
            return
        if not keys:
            self._last_error = "the key set has no usable signing key"
            self._keep_cached_keys(started, self._last_error)
            return
        lifetime = self.max_age
        header_max_age = cache_max_age(response.headers.get("cache-control"))
        if header_max_age is not None:
            lifetime = min(lifetime, header_max_age)
        lifetime = max(lifetime, self._interval)  # even max-age=0 keeps fetches 10 s apart
        removed = sorted(set(self._set.keys) - set(keys))
        self._set = _KeySet(keys, started + lifetime)
        self._last_error = ""
        log.info("JWKS loaded from %s: %d key(s), kept %g s", self.url, len(keys), lifetime)
        if removed:
            log.info("JWKS: key(s) %s no longer published, no longer accepted", removed)

    def _keep_cached_keys(self, started: float, reason: str) -> None:
        """A failed fetch: keep serving the cached keys (stale or not), retry after the floor."""
        current = self._set
        self._set = _KeySet(current.keys, max(current.recheck_at, started + self._interval))
        if current.keys:
            log.warning(
                "JWKS from %s: %s; keeping %d cached key(s), next try in %g s",
                self.url, reason, len(current.keys), self._interval,
            )  # fmt: skip
        else:
            log.warning("JWKS from %s: %s", self.url, reason)

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(self._set.keys)

    def close(self) -> None:
        if self._owns_client:
            self._client.close()


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.HTTPError):
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return f"invalid key set: {exc}"
