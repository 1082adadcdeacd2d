"""The bundled frontend serves the control API through the @authcheck/better-auth plugin
(AUTHCHECK_CONTROL=1): its own facts, the old /__authcheck address, every key algorithm."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from authcheck.core.b64 import b64url_decode
from authcheck.frontend.node import FrontendServer

pytestmark = pytest.mark.node


def parts(token: str) -> tuple[dict[str, Any], bytes, bytes]:
    header, payload, signature = token.split(".")
    return json.loads(b64url_decode(header)), b64url_decode(payload), b64url_decode(signature)


def mint(control: httpx.Client, **body: Any) -> dict[str, Any]:
    response = control.post("/mint", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def jwks(server: FrontendServer) -> jwt.PyJWKSet:
    return jwt.PyJWKSet.from_dict(httpx.get(server.jwks_url).json())


def verify(server: FrontendServer, token: str, **kwargs: Any) -> dict[str, Any]:
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks(server).keys if k.key_id == kid)
    return jwt.decode(
        token, key, algorithms=["EdDSA"], options={"verify_aud": "audience" in kwargs}, **kwargs
    )


def test_info_describes_real_better_auth_through_the_plugin(
    eddsa_frontend: FrontendServer, control: httpx.Client
) -> None:
    """The generic contract is tests/plugin/test_contract.py; here: the bundled frontend's facts."""
    info = control.get("/info").json()
    url = eddsa_frontend.url
    assert info["kind"] == "better-auth" and info["plugin"] == "authcheck-control"
    assert info["issuer"] == info["audience"] == url
    assert info["jwks_url"] == f"{url}/api/auth/jwks"
    assert info["foreign_jwks_url"] == f"{url}/api/auth/__authcheck/foreign/jwks"
    assert info["kids"] == [k.key_id for k in jwks(eddsa_frontend).keys]


def test_the_old_address_reaches_the_same_plugin(
    eddsa_frontend: FrontendServer, control: httpx.Client
) -> None:
    plugin = httpx.get(f"{eddsa_frontend.url}/api/auth/__authcheck/counters", timeout=10).json()
    assert control.get("/counters").json() == plugin
    token = mint(control, claims={"sub": "user-a"})["token"]
    assert verify(eddsa_frontend, token, audience=eddsa_frontend.url)["sub"] == "user-a"


def test_a_spoofed_forwarded_address_cannot_lock_out_a_loopback_peer(
    eddsa_frontend: FrontendServer,
) -> None:
    """node:http has the socket: trustSocketAddress puts the real peer in X-Forwarded-For."""
    url = f"{eddsa_frontend.url}/api/auth/__authcheck/info"
    assert httpx.get(url, headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10).is_success


def _raw_public_bytes(public: Any) -> bytes:
    """The `raw` key format of docs/control-api.md for each key type."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if isinstance(public, ed25519.Ed25519PublicKey):
        return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if isinstance(public, ec.EllipticCurvePublicKey):
        return public.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    assert isinstance(public, rsa.RSAPublicKey)
    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)


def test_every_algorithm_mints_real_foreign_and_hs256_public_tokens(
    frontend: FrontendServer,
) -> None:
    alg = frontend.config.alg
    with httpx.Client(base_url=f"{frontend.url}/__authcheck", timeout=10) as control:
        info = control.get("/info").json()
        assert info["alg"] == alg
        served = {k["kid"]: k for k in httpx.get(frontend.jwks_url).json()["keys"]}
        real = mint(control, claims={"sub": "u"})["token"]
        key = jwt.PyJWK(served[info["kid"]])
        claims = jwt.decode(real, key, algorithms=[alg], audience=frontend.base_url)
        assert claims["iss"] == frontend.base_url
        foreign = mint(control, claims={"sub": "u"}, signer="foreign", header={"kid": info["kid"]})
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(foreign["token"], key, algorithms=[alg], audience=frontend.base_url)
        forged = mint(control, claims={"sub": "u"}, signer="hs256-public", key_format="raw")
        signing_input, _, signature = forged["token"].rpartition(".")
        secret = _raw_public_bytes(key.key)
        expected = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        assert hmac.compare_digest(b64url_decode(signature), expected)
