"""Building compact JWS tokens the way the control API's ``/mint`` describes them.

Used by the test issuer (with its private key) and by the scenario engine against a real Better
Auth (with only the public JWKS: every signer but ``issuer`` works without the private key).
Tokens are assembled by hand so any header (``alg: nOnE``, ``crit``, ``jku``) can be sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictBool, model_validator

from authcheck.core.b64 import b64url_encode
from authcheck.errors import AuthcheckError
from authcheck.issuer.keys import Alg, KeyFormat, PublicKey, SigningKey

Signer = Literal["issuer", "foreign", "none", "hs256-public"]


class MintUnavailable(AuthcheckError):
    """The token asked for needs the issuer's private key, which this source does not have."""


class MintOptions(BaseModel):
    """How to build a token: shared by the control API's ``/mint`` and the scenario catalogue.

    A ``header`` member set to null is left out (``{"kid": null}``: a token without kid)."""

    model_config = ConfigDict(extra="forbid")

    claims: dict[str, Any] = {}
    omit: list[str] = []
    header: dict[str, Any] = {}
    signer: Signer = "issuer"
    key_format: KeyFormat = "pem"
    embed: Literal["jwk", "jku"] | None = None
    raw_payload: str | None = None


class MintRequest(MintOptions):
    """The body of ``POST /__authcheck/mint`` (see docs/control-api.md). ``kid`` picks the
    issuer key that signs (the current one or a staged one); None is the current key."""

    kid: str | None = None

    @model_validator(mode="after")
    def _kid_signs(self) -> MintRequest:
        if self.kid is not None and (self.signer != "issuer" or self.embed is not None):
            raise ValueError("kid picks the issuer key that signs: use it with signer issuer")
        return self


class RotateRequest(BaseModel):
    """The body of ``POST /__authcheck/rotate``: ``stage`` publishes the next key without signing
    with it; ``alg`` is the new key's algorithm (default: the current key's)."""

    model_config = ConfigDict(extra="forbid")

    stage: StrictBool = False
    alg: Alg | None = None


@dataclass(frozen=True)
class Minted:
    token: str
    kid: str | None
    claims: dict[str, Any]


@dataclass(frozen=True)
class ForgeKeys:
    """What a forger can use. ``issuer_sign`` is None when the private key is not at hand."""

    issuer_public: PublicKey
    foreign: SigningKey
    issuer_sign: Callable[[bytes], bytes] | None = None
    foreign_jwks_url: str | None = None


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def forge(request: MintRequest, keys: ForgeKeys, default_claims: Mapping[str, Any]) -> Minted:
    """The compact token ``request`` describes, with ``default_claims`` under its claims."""
    claims = {**default_claims, **request.claims}
    for name in request.omit:
        claims.pop(name, None)

    header: dict[str, Any] = {"alg": keys.issuer_public.alg, "kid": keys.issuer_public.kid}
    if request.signer == "foreign" or request.embed is not None:
        header = {"alg": keys.foreign.alg, "kid": keys.foreign.kid}
    elif request.signer == "none":
        header = {"alg": "none"}
    elif request.signer == "hs256-public":
        header = {"alg": "HS256", "kid": keys.issuer_public.kid}
    if request.embed == "jwk":
        header["jwk"] = keys.foreign.public.jwk()
    elif request.embed == "jku":
        if keys.foreign_jwks_url is None:
            raise MintUnavailable("this source has no foreign JWKS URL to put in jku")
        header["jku"] = keys.foreign_jwks_url
    header.update(request.header)
    header = {name: value for name, value in header.items() if value is not None}  # null drops

    payload = request.raw_payload.encode() if request.raw_payload is not None else _json(claims)
    signing_input = f"{b64url_encode(_json(header))}.{b64url_encode(payload)}".encode()
    signature = _sign(request, keys, signing_input)
    token = f"{signing_input.decode()}.{b64url_encode(signature)}"
    kid = header.get("kid")
    return Minted(token=token, kid=kid if isinstance(kid, str) else None, claims=claims)


def _sign(request: MintRequest, keys: ForgeKeys, signing_input: bytes) -> bytes:
    if request.signer == "foreign" or request.embed is not None:  # embed: always the foreign key
        return keys.foreign.sign(signing_input)
    if request.signer == "none":
        return b""
    if request.signer == "hs256-public":
        secret = keys.issuer_public.material(request.key_format)
        return hmac.new(secret, signing_input, hashlib.sha256).digest()
    if keys.issuer_sign is None:
        raise MintUnavailable(
            "signing with the issuer's key needs its private key",
            hint="use an issuer that speaks the control API (--issuer-url)",
        )
    return keys.issuer_sign(signing_input)
