"""The test issuer's mutable state: its keys, the outage switch and the fetch counters."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from authcheck.issuer.forge import (
    ForgeKeys,
    Minted,
    MintRequest,
    MintUnavailable,
    RotateRequest,
    forge,
)
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


class RotateRefused(ValueError):
    """A rotation the issuer cannot make as asked (answered 400)."""


class IssuerState:
    """Keys (all published, oldest first): the current one signs, staged ones are published but
    sign only when a mint names their kid. Foreign bait keys per algorithm, outage flag,
    counters. Thread-safe."""

    def __init__(self, config: IssuerConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._current = generate_key(config.alg)
        self._keys: list[SigningKey] = [self._current]
        self._staged: list[SigningKey] = []
        self._foreign: dict[str, SigningKey] = {}
        self.outage = False
        self.jwks_fetches = 0
        self.foreign_jwks_fetches = 0
        self.other_requests = 0

    @property
    def current(self) -> SigningKey:
        with self._lock:
            return self._current

    @property
    def foreign(self) -> SigningKey:
        """The bait key pair of the current key's algorithm (the issuer never publishes it)."""
        alg = self.current.alg
        with self._lock:
            if alg not in self._foreign:
                self._foreign[alg] = generate_key(alg)
            return self._foreign[alg]

    def kids(self) -> list[str]:
        with self._lock:
            return [key.kid for key in self._keys]

    def staged(self) -> list[str]:
        with self._lock:
            return [key.kid for key in self._staged]

    def rotate(self, request: RotateRequest | None = None) -> SigningKey:
        """Stage a new key, or make a new current key: the staged one (of ``alg``, else the
        newest) when one is staged, the others dropped; else a fresh key of ``alg``."""
        request = request or RotateRequest()
        with self._lock:
            alg = request.alg or self._current.alg
            if request.stage:
                key = generate_key(alg)
                self._keys.append(key)
                self._staged.append(key)
                return key
            if self._staged:
                fits = [k for k in self._staged if request.alg in (None, k.alg)]
                if not fits:
                    raise RotateRefused(
                        f"alg: no {request.alg} key is staged (staged: "
                        f"{', '.join(k.alg for k in self._staged)}): POST /unstage first"
                    )
                key = fits[-1]
                self._drop(k for k in self._staged if k is not key)
                self._staged = []
            else:
                key = generate_key(alg)
                self._keys.append(key)
            self._current = key
            return key

    def unstage(self) -> list[str]:
        """Drop every staged key from the key set; their kids."""
        with self._lock:
            dropped = [key.kid for key in self._staged]
            self._drop(self._staged)
            self._staged = []
            return dropped

    def _drop(self, keys: Iterable[SigningKey]) -> None:
        gone = {key.kid for key in keys}
        self._keys = [key for key in self._keys if key.kid not in gone]

    def signing_key(self, kid: str | None) -> SigningKey:
        """The key a mint signs with: the current one, or the current or staged key ``kid``."""
        with self._lock:
            if kid is None or kid == self._current.kid:
                return self._current
            for key in self._staged:
                if key.kid == kid:
                    return key
        raise MintUnavailable(f"kid: {kid!r} is neither the current key nor a staged one")

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
            "alg": self.current.alg,
            "kid": self.current.kid,
            "kids": self.kids(),
            "staged": self.staged(),
            "foreign_jwks_url": self.foreign_jwks_url,
            "token_lifetime": self.config.token_lifetime,
        }

    def mint(self, request: MintRequest) -> Minted:
        key = self.signing_key(request.kid)
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
