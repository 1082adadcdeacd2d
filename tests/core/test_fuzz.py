"""Property-based fuzz: no exception escapes classify, decode or verify, whatever the input.

Example counts are moderate (the machine's two cores are shared); raise them locally with
``--hypothesis-profile`` if you like.
"""

from __future__ import annotations

import json
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authcheck.core.b64 import b64url_encode
from authcheck.core.classify import classify
from authcheck.core.jose import DecodeError, decode_unverified
from authcheck.core.verify import Status, verify
from tests.core.keys import ED_KEY, key_set, sign_raw

KEYS = key_set(ED_KEY)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
B64 = string.ascii_letters + string.digits + "-_"

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
header_names = st.sampled_from(["alg", "kid", "typ", "crit", "jwk", "jku", "b64", "cty", "x"])
claim_names = st.sampled_from(["exp", "iat", "nbf", "iss", "aud", "sub", "jti", "name"])
headers = st.dictionaries(
    header_names,
    st.one_of(st.sampled_from(["EdDSA", "none", "HS256", "RS256", "ed-1", ""]), json_values),
    max_size=5,
)
claim_sets = st.dictionaries(claim_names, json_values, max_size=8)
segments = st.text(alphabet=B64, max_size=40) | st.text(max_size=10)


def _no_escape(token: str) -> None:
    shape = classify(token)
    assert shape.findings or shape.kind.value == "jws"
    try:
        decode_unverified(token)
    except DecodeError as exc:
        assert exc.finding.code.startswith("token.")
    result = verify(token, key_set=KEYS, issuer="http://a", audience="http://a")
    assert isinstance(result.valid, bool)
    assert len(result.checks) == 17
    if not result.valid:
        assert any(c.status is Status.FAIL for c in result.checks)


@FUZZ
@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    _no_escape(text)


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_as_pasted(data: bytes) -> None:
    _no_escape(data.decode("utf-8", errors="replace"))


@FUZZ
@given(st.lists(segments, min_size=1, max_size=6))
def test_token_shaped_text(parts: list[str]) -> None:
    _no_escape(".".join(parts))


@FUZZ
@given(headers, claim_sets, st.binary(max_size=80))
def test_structured_tokens_with_random_signatures(
    header: dict[str, Any], claims: dict[str, Any], signature: bytes
) -> None:
    token = ".".join(
        (
            b64url_encode(json.dumps(header).encode()),
            b64url_encode(json.dumps(claims).encode()),
            b64url_encode(signature),
        )
    )
    _no_escape(token)


@FUZZ
@given(claim_sets)
def test_really_signed_random_claims_reach_every_claim_check(claims: dict[str, Any]) -> None:
    token = sign_raw('{"alg":"EdDSA","kid":"ed-1"}', json.dumps(claims), ED_KEY)
    result = verify(token, key_set=KEYS, issuer="http://a", audience="http://a")
    assert result.check("signature").status is Status.PASS
    _no_escape(token)


jwk_names = st.sampled_from(
    ["kty", "kid", "alg", "use", "key_ops", "crv", "x", "y", "n", "e", "k", "d"]
)
jwk_values = st.one_of(
    st.sampled_from(
        ["RSA", "EC", "OKP", "oct", "P-256", "Ed25519", "RS256", "EdDSA", "sig", "enc"]
    ),
    st.text(alphabet=B64, max_size=12),
    json_values,
)


@FUZZ
@given(st.lists(st.dictionaries(jwk_names, jwk_values, max_size=8), max_size=4) | json_values)
def test_any_key_set_document_parses_or_is_jwks_invalid(keys: Any) -> None:
    from authcheck.core.jwks import JwksError, parse_key_set

    document = json.dumps({"keys": keys} if isinstance(keys, list) else keys).encode()
    try:
        key_set = parse_key_set(document)
    except JwksError as exc:
        assert exc.code == "jwks.invalid"
        return
    assert all(f.code.startswith("jwks.") for f in key_set.findings)
    token = sign_raw('{"alg":"EdDSA","kid":"ed-1"}', '{"sub":"u","exp":9999999999}', ED_KEY)
    assert isinstance(verify(token, key_set=key_set).valid, bool)
