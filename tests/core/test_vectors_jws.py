"""Replays RFC 7515 A.1-A.5, RFC 8037 A.4 and Wycheproof's JWS and JWK sets through verify().

Expected results are the vectors' own, except the quirks named in tests/data/vectors/SOURCES.md.
"""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from authcheck.core.b64 import b64url_decode
from authcheck.core.jwks import parse_key_set
from authcheck.core.verify import verify
from tests.core.vectors import ALL_ALGS, cases, key_set_of, load

# SOURCES.md: tcId 367 and 370 are byte-identical to the valid tcId 357 but labelled invalid.
MISLABELLED = {367: 357, 370: 357}
# SOURCES.md: may go either way for a strict verifier. We are strict and reject them:
# 346/347 bind a PS384/ES512 token to a key whose alg is PS256/"ES521" (ATTACKS.md C03), and
# 350/351 are the same two RFC 7520 figures again with key_ops added; 372/373 insert '?'.
EITHER_WAY = {346, 347, 350, 351, 372, 373}

JWS = [(g, t) for g, t in cases("wycheproof/json_web_signature_test.json")]
JWK = [(g, t) for g, t in cases("wycheproof/json_web_key_test.json")]


def _verify_jws(token: Any, key_set: dict[str, Any]) -> bool:
    if not isinstance(token, str):  # JSON serialization (tc17): pass it as the text a user pastes
        import json

        token = json.dumps(token)
    ks = parse_key_set(key_set)
    return verify(token, key_set=ks, algorithms=ALL_ALGS, jws_only=True).valid


@pytest.mark.parametrize(
    ("group", "case"),
    [(g, t) for g, t in JWS if t["tcId"] not in MISLABELLED],
    ids=[f"tc{t['tcId']}-{t['comment']}" for g, t in JWS if t["tcId"] not in MISLABELLED],
)
def test_wycheproof_jws(group: dict[str, Any], case: dict[str, Any]) -> None:
    got = _verify_jws(case["jws"], key_set_of(group))
    expected = case["result"] == "valid" and case["tcId"] not in EITHER_WAY
    assert got is expected


def test_mislabelled_wycheproof_cases_are_copies_of_a_valid_one() -> None:
    by_id = {t["tcId"]: t for _, t in JWS}
    for bad, good in MISLABELLED.items():
        assert by_id[bad]["jws"] == by_id[good]["jws"]
        assert by_id[good]["result"] == "valid"


@pytest.mark.parametrize(
    ("group", "case"), JWK, ids=[f"tc{t['tcId']}-{t['comment']}" for _, t in JWK]
)
def test_wycheproof_jwk(group: dict[str, Any], case: dict[str, Any]) -> None:
    assert _verify_jws(case["jws"], key_set_of(group)) is (case["result"] == "valid")


RFC7515 = load("rfc/rfc7515_appendix_a.json")["vectors"]


@pytest.mark.parametrize("vector", RFC7515[:4], ids=[v["section"] for v in RFC7515[:4]])
def test_rfc7515_signatures_verify(vector: dict[str, Any]) -> None:
    ks = parse_key_set(vector["jwks_public"])
    jws = verify(vector["compact"], key_set=ks, algorithms=[vector["alg"]], jws_only=True)
    assert jws.valid, jws.findings


# A.1-A.3 payloads are JWT claim sets (A.4's is the text "Payload").
@pytest.mark.parametrize("vector", RFC7515[:3], ids=[v["section"] for v in RFC7515[:3]])
def test_rfc7515_jwts_are_expired(vector: dict[str, Any]) -> None:
    ks = parse_key_set(vector["jwks_public"])
    as_jwt = verify(vector["compact"], key_set=ks, algorithms=[vector["alg"]], require=("exp",))
    assert not as_jwt.valid
    assert as_jwt.check("signature").status == "pass"
    assert as_jwt.check("exp").finding is not None
    assert as_jwt.check("exp").finding.code == "claims.expired"


def test_rfc7515_a5_unsecured_jws_is_rejected() -> None:
    vector = RFC7515[4]
    ks = parse_key_set(RFC7515[1]["jwks_public"])
    result = verify(vector["compact"], key_set=ks, algorithms=ALL_ALGS, jws_only=True)
    assert not result.valid
    assert "header.alg-none" in result.codes


def test_rfc8037_a4_eddsa_verifies_and_signing_is_deterministic() -> None:
    rfc = load("rfc/rfc8037_appendix_a.json")
    a4 = rfc["A.4"]
    ks = parse_key_set(a4["jwks_public"])
    result = verify(a4["compact"], key_set=ks, algorithms=["EdDSA"], jws_only=True)
    assert result.valid, result.findings
    # As a JWT it is not valid (the payload is text), yet the signature is still reported.
    as_jwt = verify(a4["compact"], key_set=ks, algorithms=["EdDSA"])
    assert not as_jwt.valid
    assert as_jwt.check("format").finding is not None
    assert as_jwt.check("format").finding.code == "token.malformed"
    assert as_jwt.check("signature").status == "pass"
    private = jwt.PyJWK(rfc["A.1_private_key_jwk"], algorithm="EdDSA")
    signature = private.Algorithm.sign(a4["signing_input"].encode(), private.key)
    assert signature == b64url_decode(a4["signature_b64u"])


def test_rfc8037_a4_also_verifies_under_the_rfc9864_name() -> None:
    a4 = load("rfc/rfc8037_appendix_a.json")["A.4"]
    result = verify(
        a4["compact"],
        key_set=parse_key_set(a4["jwks_public"]),
        algorithms=["Ed25519"],
        jws_only=True,
    )
    assert result.valid
