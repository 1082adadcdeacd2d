"""A small test issuer: a JWKS endpoint with a key for every algorithm Better Auth can sign with
(EdDSA, ES256, ES512, RS256, PS256) plus token minting.

It can rotate and retire keys, go down (503), hold its answer, serve any raw key set or a
``Cache-Control`` header, and counts JWKS hits. Control is in-process (it runs under
``ThreadedUvicorn`` in the test process); ``reset()`` puts it back as it started, so one issuer
serves a whole test session.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import anyio.to_thread
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from authcheck.issuer.keys import SigningKey, generate_key
from authcheck.serve import ThreadedUvicorn

JWKS_PATH = "/api/auth/jwks"
BETTER_AUTH_ALGORITHMS = ("EdDSA", "ES256", "ES512", "RS256", "PS256")


class TestIssuer:
    __test__ = False  # not a pytest class

    def __init__(self, algorithms: tuple[str, ...] = BETTER_AUTH_ALGORITHMS) -> None:
        self._lock = threading.Lock()
        self._serial = 0
        self._initial = {alg: self._make(alg) for alg in algorithms}
        self.server = ThreadedUvicorn(
            Starlette(routes=[Route(JWKS_PATH, self._jwks), Route("/evil/jwks", self._evil)])
        )
        self.url = self.server.url
        self.reset()

    def reset(self) -> None:
        """Back to the state it started in: the first keys, all published, up, no hits."""
        self.current = dict(self._initial)
        self.published: list[SigningKey] = list(self._initial.values())
        self.hits = 0
        self.evil_hits = 0
        self.outage = False
        self.raw_jwks: Any = None  # when set, served instead of the real key set
        self.hold: threading.Event | None = None  # when set, the JWKS waits for it
        self.cache_control: str | None = None  # when set, sent as the JWKS's Cache-Control

    def serve_only(self, alg: str) -> None:
        """Publish only the ``alg`` key, as a Better Auth configured for that algorithm does."""
        self.published = [self.current[alg]]

    def _make(self, alg: str) -> SigningKey:
        self._serial += 1
        kid = f"{alg.lower()}-key-{self._serial}"
        if alg == "ES512":  # P-521; authcheck's issuer does not generate it
            return SigningKey(alg=alg, kid=kid, private_key=ec.generate_private_key(ec.SECP521R1()))
        return generate_key(alg, kid)

    async def _jwks(self, _request: Request) -> Response:
        with self._lock:
            self.hits += 1
        if self.hold is not None:  # answer only once the test releases it
            await anyio.to_thread.run_sync(self.hold.wait)
        if self.outage:
            return JSONResponse({"error": "down"}, status_code=503)
        headers = {"Cache-Control": self.cache_control} if self.cache_control else None
        if self.raw_jwks is not None:
            document = json.dumps(self.raw_jwks)
            return Response(document, media_type="application/json", headers=headers)
        keys = [key.public.jwk() for key in self.published]
        return JSONResponse({"keys": keys}, headers=headers)

    async def _evil(self, _request: Request) -> Response:
        with self._lock:
            self.evil_hits += 1
        return JSONResponse({"keys": []})

    def rotate(self, alg: str = "EdDSA") -> str:
        """A new current key; the old one stays published (Better Auth's grace period)."""
        key = self._make(alg)
        self.current[alg] = key
        self.published.append(key)
        return key.kid

    def retire(self, key: SigningKey) -> None:
        """Stop publishing ``key`` (revoked): it can still sign, but the JWKS no longer has it."""
        self.published.remove(key)

    def claims(self, sub: str = "user-a", **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        base = {"sub": sub, "iat": now, "exp": now + 900, "iss": self.url, "aud": self.url}
        base.update({"name": "Ada", "email": f"{sub}@example.test", "id": sub})
        return {k: v for k, v in {**base, **overrides}.items() if v is not _OMIT}

    def mint(
        self,
        sub: str = "user-a",
        *,
        alg: str = "EdDSA",
        key: SigningKey | None = None,
        header: dict[str, Any] | None = None,
        raw_payload: str | None = None,
        **claims: Any,
    ) -> str:
        key = key or self.current[alg]
        headers = {"kid": key.kid, "typ": None, **(header or {})}
        if raw_payload is not None:
            return jwt.api_jws.encode(
                raw_payload.encode(), key.private_key, algorithm=key.alg, headers=headers
            )
        return jwt.encode(
            self.claims(sub, **claims), key.private_key, algorithm=key.alg, headers=headers
        )

    def __enter__(self) -> TestIssuer:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()


_OMIT = object()
OMIT: Any = _OMIT  # pass as a claim value to leave the claim out: issuer.mint(exp=OMIT)
