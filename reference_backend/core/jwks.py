"""The Better Auth key set, fetched once and kept in memory.

- The first token that needs a key triggers the one fetch; later tokens are verified locally
  (FR-007): no call to Better Auth per request.
- A token whose ``kid`` is not in the set triggers one refetch (key rotation), at most once per
  ``min_refetch_interval`` seconds, so a stream of random kids cannot hammer Better Auth.
- If the JWKS is unreachable, the keys already cached keep working. With no keys at all, callers
  get ``KeySetUnavailable`` (answer 503 with ``Retry-After``), never an acceptance.
- Thread-safe: FastAPI runs sync dependencies in a thread pool. Lookups of known kids take no
  lock; fetches happen under one lock, so concurrent first requests cause exactly one fetch.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping

import httpx
from jwt import PyJWK
from jwt.exceptions import PyJWTError

log = logging.getLogger(__name__)


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


class JWKSCache:
    def __init__(
        self,
        url: str,
        *,
        client: httpx.Client | None = None,
        min_refetch_interval: float = 10.0,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=False)
        self._owns_client = client is None
        self._interval = min_refetch_interval
        self._clock = clock
        self._keys: Mapping[str, PyJWK] = {}
        self._last_attempt: float | None = None
        self._last_error = "not fetched yet"
        self._lock = threading.Lock()

    def get(self, kid: str) -> PyJWK | None:
        """The key for ``kid``, or None if the issuer does not publish it."""
        key = self._keys.get(kid)  # fast path: a dict read, no lock
        if key is not None:
            return key
        with self._lock:
            key = self._keys.get(kid)  # another thread may have fetched while we waited
            if key is None and self._may_fetch():
                self._refresh()
                key = self._keys.get(kid)
            if key is None and not self._keys:
                raise KeySetUnavailable(
                    f"no signing keys from {self.url} ({self._last_error})", self._retry_after()
                )
            return key

    def _may_fetch(self) -> bool:
        return self._last_attempt is None or self._clock() - self._last_attempt >= self._interval

    def _retry_after(self) -> int:
        if self._last_attempt is None:
            return 1
        remaining = self._interval - (self._clock() - self._last_attempt)
        return max(1, math.ceil(remaining))

    def _refresh(self) -> None:
        self._last_attempt = self._clock()
        try:
            response = self._client.get(self.url)
            response.raise_for_status()
            keys = parse_jwks(response.json())
        except (httpx.HTTPError, ValueError, TypeError, RecursionError) as exc:
            self._last_error = _describe(exc)
            log.warning("JWKS fetch from %s failed: %s", self.url, self._last_error)
            return  # keep whatever we had
        if not keys:
            self._last_error = "the key set has no usable signing key"
            log.warning("JWKS from %s has no usable signing key; keeping cached keys", self.url)
            return
        self._keys = keys
        self._last_error = ""
        log.info("JWKS loaded from %s: %d key(s)", self.url, len(keys))

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def close(self) -> None:
        if self._owns_client:
            self._client.close()


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.HTTPError):
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return f"invalid key set: {exc}"
