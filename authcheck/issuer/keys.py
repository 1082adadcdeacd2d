"""Signing keys of the test issuer: generation, public JWK, and the public key in every format.

A key is one algorithm and one kid, like a row of Better Auth's ``jwks`` table.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from typing import Any, Literal, get_args

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import get_default_algorithms

from authcheck.errors import BadInputError

Alg = Literal["EdDSA", "ES256", "ES512", "RS256", "PS256"]  # the key types of Better Auth's jwt()
SUPPORTED_ALGS: tuple[str, ...] = get_args(Alg)
KeyFormat = Literal["pem", "raw", "jwk"]

_ALPHABET = string.ascii_letters + string.digits


def new_kid() -> str:
    """32 alphanumeric characters, the shape of a Better Auth kid."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(32))


def _algorithm(alg: str) -> Any:
    algorithms = get_default_algorithms()
    if alg not in algorithms:
        raise BadInputError(f"unsupported algorithm {alg!r}", hint=f"use one of {SUPPORTED_ALGS}")
    return algorithms[alg]


@dataclass(frozen=True)
class PublicKey:
    """A public key as a JWKS serves it, usable for verification and for confusion attacks."""

    alg: str
    kid: str
    key: Any  # a cryptography public key object

    @classmethod
    def from_jwk(cls, jwk: dict[str, Any], default_alg: str = "EdDSA") -> PublicKey:
        alg = str(jwk.get("alg") or default_alg)
        key = _algorithm(alg).from_jwk(json.dumps(jwk))
        return cls(alg=alg, kid=str(jwk.get("kid", "")), key=key)

    def jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = dict(_algorithm(self.alg).to_jwk(self.key, as_dict=True))
        jwk["alg"] = self.alg
        jwk["kid"] = self.kid
        return jwk

    def pem(self) -> bytes:
        return bytes(
            self.key.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def raw(self) -> bytes:
        if isinstance(self.key, ed25519.Ed25519PublicKey):
            return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        if isinstance(self.key, ec.EllipticCurvePublicKey):
            return self.key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        return bytes(
            self.key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
        )

    def jwk_text(self) -> str:
        """The JWK as JSON text, compact like a JSON response serves it."""
        return json.dumps(self.jwk(), separators=(",", ":"))

    def material(self, key_format: KeyFormat) -> bytes:
        if key_format == "pem":
            return self.pem()
        if key_format == "raw":
            return self.raw()
        return self.jwk_text().encode()


@dataclass(frozen=True)
class SigningKey:
    """A private key with its kid; ``public`` is what the JWKS publishes."""

    alg: str
    kid: str
    private_key: Any

    @property
    def public(self) -> PublicKey:
        return PublicKey(alg=self.alg, kid=self.kid, key=self.private_key.public_key())

    def sign(self, signing_input: bytes) -> bytes:
        return bytes(_algorithm(self.alg).sign(signing_input, self.private_key))


def generate_key(alg: str = "EdDSA", kid: str | None = None) -> SigningKey:
    """A fresh key pair for ``alg`` (EdDSA = Ed25519, ES256 = P-256, ES512 = P-521, RS256/PS256 =
    RSA 2048)."""
    private: Any
    if alg == "EdDSA":
        private = ed25519.Ed25519PrivateKey.generate()
    elif alg == "ES256":
        private = ec.generate_private_key(ec.SECP256R1())
    elif alg == "ES512":
        private = ec.generate_private_key(ec.SECP521R1())
    elif alg in ("RS256", "PS256"):
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        raise BadInputError(f"unsupported algorithm {alg!r}", hint=f"use one of {SUPPORTED_ALGS}")
    return SigningKey(alg=alg, kid=kid or new_kid(), private_key=private)
