"""Wycheproof Ed25519 and P-256 (IEEE P1363 = JWS ES256 encoding) raw signature sets, replayed
through the keys authcheck builds from each group's JWK and its signature check."""

from __future__ import annotations

from typing import Any

import pytest

from authcheck.core.b64 import b64url_encode
from authcheck.core.jwks import parse_key_set
from authcheck.core.verify import signature_ok
from tests.core.vectors import cases

ED25519 = cases("wycheproof/ed25519_test.json")
P256 = cases("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json")


def _jwk(group: dict[str, Any]) -> dict[str, Any]:
    if "publicKeyJwk" in group:
        return dict(group["publicKeyJwk"])
    # A few groups give only the point: build the JWK (coordinates as 32-byte big-endian).
    key = group["publicKey"]
    x, y = (int(key[c], 16).to_bytes(32, "big") for c in ("wx", "wy"))
    return {"kty": "EC", "crv": "P-256", "x": b64url_encode(x), "y": b64url_encode(y)}


def _check(group: dict[str, Any], case: dict[str, Any], alg: str) -> bool:
    ks = parse_key_set({"keys": [_jwk(group)]})
    prepared = ks.prepared_key(ks.keys[0], alg)
    return signature_ok(prepared, bytes.fromhex(case["msg"]), bytes.fromhex(case["sig"]))


@pytest.mark.parametrize(("group", "case"), ED25519, ids=[f"tc{t['tcId']}" for _, t in ED25519])
def test_wycheproof_ed25519(group: dict[str, Any], case: dict[str, Any]) -> None:
    assert _check(group, case, "EdDSA") is (case["result"] == "valid")


@pytest.mark.parametrize(("group", "case"), P256, ids=[f"tc{t['tcId']}" for _, t in P256])
def test_wycheproof_p256_p1363(group: dict[str, Any], case: dict[str, Any]) -> None:
    assert _check(group, case, "ES256") is (case["result"] == "valid")
