"""The test issuer's mutable state: its keys, the outage switch and the fetch counters."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from authcheck.issuer.forge import ForgeKeys, Minted, MintRequest, forge
from authcheck.issuer.keys import SigningKey, generate_key

JWKS_PATH = "/api/auth/jwks"
CONTROL_PREFIX = "/__authcheck"


@dataclass(frozen=True)
class IssuerConfig:
    base_url: str
    alg: str = "EdDSA"
    issuer: str | None = None
    audience: str | None = None
    token_lifetime: int = 900
    jwks_path: str = JWKS_PATH

    @property
    def iss(self) -> str:
        return self.issuer or self.base_url

    @property
    def aud(self) -> str:
        return self.audience or self.base_url


class IssuerState:
    """Keys (newest last, all published), foreign bait key, outage flag, counters. Thread-safe."""

    def __init__(self, config: IssuerConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._keys: list[SigningKey] = [generate_key(config.alg)]
        self.foreign = generate_key(config.alg)
        self.outage = False
        self.jwks_fetches = 0
        self.foreign_jwks_fetches = 0
        self.other_requests = 0

    @property
    def current(self) -> SigningKey:
        with self._lock:
            return self._keys[-1]

    def kids(self) -> list[str]:
        with self._lock:
            return [key.kid for key in self._keys]

    def rotate(self) -> SigningKey:
        key = generate_key(self.config.alg)
        with self._lock:
            self._keys.append(key)
        return key

    def jwks(self) -> dict[str, Any]:
        with self._lock:
            return {"keys": [key.public.jwk() for key in self._keys]}

    def foreign_jwks(self) -> dict[str, Any]:
        return {"keys": [self.foreign.public.jwk()]}

    def count_jwks_fetch(self) -> None:
        with self._lock:
            self.jwks_fetches += 1

    def count_foreign_fetch(self) -> None:
        with self._lock:
            self.foreign_jwks_fetches += 1

    def count_other_request(self) -> None:
        with self._lock:
            self.other_requests += 1

    def counters(self) -> dict[str, int]:
        with self._lock:
            return {
                "jwks_fetches": self.jwks_fetches,
                "foreign_jwks_fetches": self.foreign_jwks_fetches,
                "other_requests": self.other_requests,
            }

    def reset_counters(self) -> None:
        with self._lock:
            self.jwks_fetches = 0
            self.foreign_jwks_fetches = 0
            self.other_requests = 0

    @property
    def jwks_url(self) -> str:
        return self.config.base_url + self.config.jwks_path

    @property
    def foreign_jwks_url(self) -> str:
        return f"{self.config.base_url}{CONTROL_PREFIX}/foreign/jwks"

    def info(self) -> dict[str, Any]:
        return {
            "kind": "authcheck-issuer",
            "issuer": self.config.iss,
            "audience": self.config.aud,
            "jwks_url": self.jwks_url,
            "alg": self.config.alg,
            "kid": self.current.kid,
            "kids": self.kids(),
            "foreign_jwks_url": self.foreign_jwks_url,
            "token_lifetime": self.config.token_lifetime,
        }

    def mint(self, request: MintRequest) -> Minted:
        key = self.current
        now = int(time.time())
        defaults = {
            "iat": now,
            "exp": now + self.config.token_lifetime,
            "iss": self.config.iss,
            "aud": self.config.aud,
        }
        keys = ForgeKeys(
            issuer_public=key.public,
            foreign=self.foreign,
            issuer_sign=key.sign,
            foreign_jwks_url=self.foreign_jwks_url,
        )
        return forge(request, keys, defaults)
