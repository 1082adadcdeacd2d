"""Throw-away keys and a raw signer for building hostile tokens in tests."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import get_default_algorithms

from authcheck.core.b64 import b64url_encode
from authcheck.core.jwks import KeySet, parse_key_set

BASE = "http://localhost:3000"


@dataclass(frozen=True)
class TestKey:
    private: Any
    jwk: dict[str, Any]  # public JWK with kid and alg
    alg: str

    @property
    def kid(self) -> str:
        return str(self.jwk["kid"])


def _public_jwk(private: Any, alg: str, kid: str) -> dict[str, Any]:
    algorithm = get_default_algorithms()["EdDSA" if alg == "Ed25519" else alg]
    data: dict[str, Any] = json.loads(algorithm.to_jwk(private.public_key()))
    data.update(kid=kid, alg=alg)
    return data


@cache
def key(alg: str = "EdDSA", kid: str | None = None, bits: int = 2048) -> TestKey:
    if alg in ("EdDSA", "Ed25519"):
        private: Any = ed25519.Ed25519PrivateKey.generate()
    elif alg == "ES256":
        private = ec.generate_private_key(ec.SECP256R1())
    elif alg == "ES384":
        private = ec.generate_private_key(ec.SECP384R1())
    elif alg == "ES512":
        private = ec.generate_private_key(ec.SECP521R1())
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return TestKey(private, _public_jwk(private, alg, kid or f"kid-{alg}-{bits}"), alg)


def key_set(*keys: TestKey | dict[str, Any]) -> KeySet:
    return parse_key_set({"keys": [k.jwk if isinstance(k, TestKey) else k for k in keys]})


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {"sub": "user-a", "iat": now, "exp": now + 900, "iss": BASE, "aud": BASE}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not ...}


def mint(k: TestKey, payload: dict[str, Any] | None = None, **header: Any) -> str:
    headers = {"kid": k.kid, **header}
    pyjwt_alg = "EdDSA" if k.alg == "Ed25519" else k.alg
    return jwt.encode(payload or claims(), k.private, algorithm=pyjwt_alg, headers=headers)


def sign_raw(header_json: str, payload_json: str, k: TestKey, alg: str | None = None) -> str:
    """Sign exact header/payload JSON text (duplicate names, string exp, ...)."""
    algorithm = get_default_algorithms()[alg or ("EdDSA" if k.alg == "Ed25519" else k.alg)]
    signing_input = b64url_encode(header_json.encode()) + "." + b64url_encode(payload_json.encode())
    signature = algorithm.sign(signing_input.encode(), k.private)
    return signing_input + "." + b64url_encode(signature)


ED_KEY = key("EdDSA", "ed-1")
