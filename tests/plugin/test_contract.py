"""One contract suite (docs/control-api.md), run over every implementation of the control API:
the Python test issuer, the Better Auth plugin on node:http and the plugin in Next.js."""

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
from tests.plugin.conftest import Implementation

pytestmark = pytest.mark.node


def parts(token: str) -> tuple[dict[str, Any], bytes, bytes]:
    header, payload, signature = token.split(".")
    return json.loads(b64url_decode(header)), b64url_decode(payload), b64url_decode(signature)


def mint(control: httpx.Client, **body: Any) -> dict[str, Any]:
    response = control.post("/mint", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def served(impl: Implementation) -> dict[str, dict[str, Any]]:
    return {k["kid"]: k for k in httpx.get(impl.jwks_url, timeout=30).json()["keys"]}


def verify(impl: Implementation, token: str, **kwargs: Any) -> dict[str, Any]:
    header = jwt.get_unverified_header(token)
    key = jwt.PyJWK(served(impl)[header["kid"]])
    options = {"verify_aud": "audience" in kwargs}
    return jwt.decode(token, key, algorithms=[header["alg"]], options=options, **kwargs)


def check_signature(impl: Implementation, token: str, kid: str) -> None:
    """The signature itself, with the published key (for tokens PyJWT refuses on other grounds)."""
    key = jwt.PyJWK(served(impl)[kid]).key
    signing_input, _, signature = token.rpartition(".")
    key.verify(b64url_decode(signature), signing_input.encode())


def test_info_describes_the_issuer_and_its_published_keys(
    implementation: Implementation, control: httpx.Client
) -> None:
    info = control.get("/info").json()
    assert info["kind"] in {"authcheck-issuer", "better-auth"}
    assert info["jwks_url"] == implementation.jwks_url
    assert info["foreign_jwks_url"] == f"{implementation.control_base}/__authcheck/foreign/jwks"
    assert info["alg"] == implementation.alg
    assert info["token_lifetime"] == 900
    assert info["kid"] in info["kids"]
    assert sorted(info["kids"]) == sorted(served(implementation))


def test_default_mint_is_signed_by_the_current_key_with_the_default_claims(
    implementation: Implementation, control: httpx.Client
) -> None:
    info = control.get("/info").json()
    result = mint(control, claims={"sub": "user-a"})
    header, _, _ = parts(result["token"])
    assert header == {"alg": info["alg"], "kid": info["kid"]}
    assert result["kid"] == info["kid"]
    claims = verify(
        implementation, result["token"], issuer=info["issuer"], audience=info["audience"]
    )
    assert claims == result["claims"]
    assert claims["sub"] == "user-a"
    assert claims["exp"] - claims["iat"] == info["token_lifetime"]


def test_expired_and_wrong_audience_tokens_carry_a_real_signature(
    implementation: Implementation, control: httpx.Client
) -> None:
    expired = mint(control, claims={"sub": "u", "iat": 1_000_000, "exp": 1_000_900})["token"]
    with pytest.raises(jwt.ExpiredSignatureError):
        verify(implementation, expired)
    other = mint(control, claims={"sub": "u", "aud": "https://elsewhere.example"})["token"]
    with pytest.raises(jwt.InvalidAudienceError):
        verify(implementation, other, audience=control.get("/info").json()["audience"])
    assert verify(implementation, other, audience="https://elsewhere.example")["sub"] == "u"


def test_omit_null_and_header_overrides_are_honoured_and_still_signed(
    implementation: Implementation, control: httpx.Client
) -> None:
    result = mint(
        control,
        claims={"sub": "u", "nbf": None},
        omit=["exp", "iat"],
        header={"typ": "JWT", "crit": ["x-foo"]},
    )
    header, payload, _ = parts(result["token"])
    assert header["typ"] == "JWT" and header["crit"] == ["x-foo"]
    claims = json.loads(payload)
    assert "exp" not in claims and "iat" not in claims
    assert claims["nbf"] is None
    check_signature(implementation, result["token"], header["kid"])


def test_raw_payload_is_signed_byte_for_byte(
    implementation: Implementation, control: httpx.Client
) -> None:
    raw = '{"sub":"u1","exp":"9999999999","sub":"admin"}'
    result = mint(control, raw_payload=raw)
    _, payload, _ = parts(result["token"])
    assert payload.decode() == raw
    assert result["claims"]["iss"] == control.get("/info").json()["issuer"]
    check_signature(implementation, result["token"], result["kid"])


def test_foreign_signer_uses_a_key_the_issuer_does_not_publish(
    implementation: Implementation, control: httpx.Client
) -> None:
    info = control.get("/info").json()
    foreign = httpx.get(info["foreign_jwks_url"], timeout=30).json()["keys"][0]
    forged = mint(control, claims={"sub": "u"}, signer="foreign")["token"]
    assert jwt.get_unverified_header(forged)["kid"] == foreign["kid"]
    assert foreign["kid"] not in info["kids"]
    assert jwt.decode(
        forged, jwt.PyJWK(foreign), algorithms=[info["alg"]], options={"verify_aud": False}
    )
    same_kid = mint(control, claims={"sub": "u"}, signer="foreign", header={"kid": info["kid"]})
    with pytest.raises(jwt.InvalidSignatureError):
        verify(implementation, same_kid["token"])


def test_none_signer_leaves_the_signature_empty(control: httpx.Client) -> None:
    result = mint(control, claims={"sub": "u"}, signer="none")
    assert result["token"].endswith(".")
    assert parts(result["token"])[0] == {"alg": "none"}
    assert result["kid"] is None
    spelled = mint(control, claims={"sub": "u"}, signer="none", header={"alg": "nOnE"})["token"]
    assert parts(spelled)[0]["alg"] == "nOnE" and spelled.endswith(".")


@pytest.mark.parametrize("key_format", ["pem", "raw", "jwk"])
def test_hs256_public_is_keyed_with_the_public_key_bytes(
    implementation: Implementation, control: httpx.Client, key_format: str
) -> None:
    result = mint(control, claims={"sub": "u"}, signer="hs256-public", key_format=key_format)
    header, _, signature = parts(result["token"])
    assert header["alg"] == "HS256"
    jwk = served(implementation)[header["kid"]]
    public = jwt.PyJWK(jwk).key
    secret = {
        "pem": public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "raw": public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
        "jwk": json.dumps(jwk, separators=(",", ":")).encode(),
    }[key_format]
    signing_input = result["token"].rpartition(".")[0].encode()
    assert hmac.compare_digest(signature, hmac.new(secret, signing_input, hashlib.sha256).digest())


def test_embed_jwk_and_jku_point_at_the_foreign_key(control: httpx.Client) -> None:
    info = control.get("/info").json()
    foreign = httpx.get(info["foreign_jwks_url"], timeout=30).json()["keys"][0]
    header = jwt.get_unverified_header(mint(control, claims={"sub": "u"}, embed="jwk")["token"])
    assert header["jwk"] == foreign
    jku = mint(control, claims={"sub": "u"}, embed="jku")["token"]
    assert jwt.get_unverified_header(jku)["jku"] == info["foreign_jwks_url"]


def test_rotation_adds_a_kid_and_keeps_the_old_key_published(
    implementation: Implementation, control: httpx.Client
) -> None:
    before = control.get("/info").json()
    old_token = mint(control, claims={"sub": "u"})["token"]
    rotated = control.post("/rotate").json()
    assert rotated["kid"] != before["kid"]
    assert set(rotated["kids"]) == {*before["kids"], rotated["kid"]}
    assert control.get("/info").json()["kid"] == rotated["kid"]
    new_token = mint(control, claims={"sub": "u"})["token"]
    assert jwt.get_unverified_header(new_token)["kid"] == rotated["kid"]
    assert verify(implementation, new_token)["sub"] == verify(implementation, old_token)["sub"]


def test_outage_makes_the_real_jwks_answer_503_and_everything_is_counted(
    implementation: Implementation, control: httpx.Client
) -> None:
    zero = {"jwks_fetches": 0, "foreign_jwks_fetches": 0, "other_requests": 0}
    assert control.post("/counters/reset").json() == zero
    assert httpx.get(implementation.jwks_url, timeout=30).status_code == 200
    try:
        assert control.post("/outage", json={"on": True}).json() == {"outage": True}
        assert httpx.get(implementation.jwks_url, timeout=30).status_code == 503
    finally:
        assert control.post("/outage", json={"on": False}).json() == {"outage": False}
    assert httpx.get(implementation.jwks_url, timeout=30).status_code == 200
    httpx.get(control.get("/info").json()["foreign_jwks_url"], timeout=30)
    httpx.get(implementation.other_url, timeout=30)
    assert control.get("/counters").json() == {
        "jwks_fetches": 3,
        "foreign_jwks_fetches": 1,
        "other_requests": 1,
    }


@pytest.mark.parametrize(
    ("path", "body", "named"),
    [
        ("/mint", "{not json", "JSON"),
        ("/mint", '{"signer": "bogus"}', "signer"),
        ("/mint", '{"claims": []}', "claims"),
        ("/mint", '{"omit": "exp"}', "omit"),
        ("/mint", '{"key_format": "der"}', "key_format"),
        ("/mint", '{"embed": "x5u"}', "embed"),
        ("/mint", '{"raw_payload": 7}', "raw_payload"),
        ("/mint", '{"claimz": {}}', "claimz"),
        ("/outage", '{"on": "yes"}', "on"),
        ("/outage", '{"on": true, "of": false}', "of"),
    ],
)
def test_bad_requests_get_400_naming_what_is_wrong(
    control: httpx.Client, path: str, body: str, named: str
) -> None:
    response = control.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert named in response.json()["error"]


def test_unknown_control_endpoint_is_404(control: httpx.Client) -> None:
    assert control.get("/nope").status_code == 404
