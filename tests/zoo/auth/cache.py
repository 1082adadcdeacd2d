"""Keys the way teams write it by hand: an httpx fetch cached in memory.

Fetched on first use; a token with an unknown kid refetches at most once per
``REFETCH_INTERVAL_S``; a failed fetch keeps the keys already held; the set is refreshed after
``MAX_AGE_S`` so removed keys stop working.
"""

from __future__ import annotations

import threading
import time

import httpx
import jwt

from tests.zoo.auth.claims import InvalidToken, KeysUnavailable, verified_sub

REFETCH_INTERVAL_S = 2.0  # short for the zoo's speed; the reference backend uses 10 s
MAX_AGE_S = 300.0


class JwksCache:
    def __init__(self, url: str) -> None:
        self.url = url
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._last_refetch: float | None = None
        self._lock = threading.Lock()

    def _fetch(self) -> None:
        try:
            response = httpx.get(self.url, timeout=5)
            response.raise_for_status()
            keys = {
                jwk["kid"]: jwt.PyJWK(jwk)
                for jwk in response.json()["keys"]
                if jwk.get("kid") and jwk.get("use", "sig") == "sig"
            }
        except (httpx.HTTPError, ValueError, KeyError, TypeError, jwt.PyJWTError):
            return  # keep what we have; the next due fetch retries
        self._keys = keys
        self._fetched_at = time.monotonic()

    def get(self, kid: str) -> jwt.PyJWK | None:
        with self._lock:
            now = time.monotonic()
            if self._fetched_at is None or now - self._fetched_at > MAX_AGE_S:
                self._fetch()
            elif kid not in self._keys and (
                self._last_refetch is None or now - self._last_refetch > REFETCH_INTERVAL_S
            ):
                self._last_refetch = now
                self._fetch()
            if not self._keys:
                raise KeysUnavailable
            return self._keys.get(kid)


class CachedJwksVerifier:
    def __init__(self, base_url: str, jwks_path: str = "/api/auth/jwks") -> None:
        self.issuer = base_url
        self.keys = JwksCache(base_url + jwks_path)

    def user_id(self, token: str) -> str:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("not a JWT") from None
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("the token has no kid")
        key = self.keys.get(kid)
        if key is None:
            raise InvalidToken("unknown signing key")
        return verified_sub(token, key, self.issuer)
