"""The control API of docs/control-api.md, served by real Better Auth (AUTHCHECK_CONTROL=1)."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from authcheck.core.b64 import b64url_decode
from authcheck.frontend.node import FrontendServer, frontend_dir

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


def test_info_describes_real_better_auth(
    eddsa_frontend: FrontendServer, control: httpx.Client
) -> None:
    info = control.get("/info").json()
    url = eddsa_frontend.url
    assert info["kind"] == "better-auth"
    assert info["issuer"] == info["audience"] == url
    assert info["jwks_url"] == f"{url}/api/auth/jwks"
    assert info["foreign_jwks_url"] == f"{url}/__authcheck/foreign/jwks"
    assert info["alg"] == "EdDSA"
    assert info["token_lifetime"] == 900
    assert info["kid"] in info["kids"]
    assert info["kids"] == [k.key_id for k in jwks(eddsa_frontend).keys]


def test_default_mint_is_signed_by_better_auth_key_like_its_token_endpoint(
    eddsa_frontend: FrontendServer, control: httpx.Client
) -> None:
    kid = control.get("/info").json()["kid"]
    result = mint(control, claims={"sub": "user-a"})
    header, _, _ = parts(result["token"])
    assert header == {"alg": "EdDSA", "kid": kid}
    assert result["kid"] == kid
    claims = verify(
        eddsa_frontend, result["token"], issuer=eddsa_frontend.url, audience=eddsa_frontend.url
    )
    assert claims == result["claims"]
    assert claims["sub"] == "user-a"
    assert claims["exp"] - claims["iat"] == 900


def test_expired_and_wrong_audience_tokens_carry_a_real_signature(
    eddsa_frontend: FrontendServer, control: httpx.Client
) -> None:
    expired = mint(control, claims={"sub": "u", "iat": 1_000_000, "exp": 1_000_900})["token"]
    with pytest.raises(jwt.ExpiredSignatureError):
        verify(eddsa_frontend, expired)
    other = mint(control, claims={"sub": "u", "aud": "https://elsewhere.example"})["token"]
    with pytest.raises(jwt.InvalidAudienceError):
        verify(eddsa_frontend, other, audience=eddsa_frontend.url)
    assert verify(eddsa_frontend, other, audience="https://elsewhere.example")["sub"] == "u"


def test_omit_null_and_header_overrides_are_honoured_and_still_signed(
    eddsa_frontend: FrontendServer, control: httpx.Client
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
    key = next(k for k in jwks(eddsa_frontend).keys if k.key_id == header["kid"])
    # crit is unknown to PyJWT too: check the signature itself with the real public key.
    signing_input, _, signature = result["token"].rpartition(".")
    key.key.verify(b64url_decode(signature), signing_input.encode())


def test_raw_payload_is_sent_byte_for_byte(
    eddsa_frontend: FrontendServer, control: httpx.Client
) -> None:
    raw = '{"sub":"u1","exp":"9999999999","sub":"admin"}'
    result = mint(control, raw_payload=raw)
    _, payload, _ = parts(result["token"])
    assert payload.decode() == raw
    assert result["claims"]["iss"] == eddsa_frontend.url  # the claims mint would have sent
    signing_input, _, signature = result["token"].rpartition(".")
    key = next(k for k in jwks(eddsa_frontend).keys if k.key_id == result["kid"])
    key.key.verify(b64url_decode(signature), signing_input.encode())


def test_foreign_signer_uses_an_unpublished_key(
    eddsa_frontend: FrontendServer, control: httpx.Client
) -> None:
    info = control.get("/info").json()
    foreign = httpx.get(info["foreign_jwks_url"]).json()["keys"][0]
    token = mint(control, claims={"sub": "u"})["token"]
    forged = mint(control, claims={"sub": "u"}, signer="foreign")["token"]
    assert jwt.get_unverified_header(forged)["kid"] == foreign["kid"]
    assert foreign["kid"] not in info["kids"]
    foreign_key = jwt.PyJWK(foreign)
    assert jwt.decode(forged, foreign_key, algorithms=["EdDSA"], options={"verify_aud": False})
    same_kid = mint(control, claims={"sub": "u"}, signer="foreign", header={"kid": info["kid"]})
    with pytest.raises(jwt.InvalidSignatureError):
        verify(eddsa_frontend, same_kid["token"])
    assert verify(eddsa_frontend, token)["sub"] == "u"


def test_none_signer_leaves_the_signature_empty(control: httpx.Client) -> None:
    result = mint(control, claims={"sub": "u"}, signer="none")
    token = result["token"]
    assert token.endswith(".")
    assert parts(token)[0] == {"alg": "none"}  # as the Python issuer: no kid
    assert result["kid"] is None
    spelled = mint(control, claims={"sub": "u"}, signer="none", header={"alg": "nOnE"})["token"]
    assert parts(spelled)[0]["alg"] == "nOnE"
    assert spelled.endswith(".")


@pytest.mark.parametrize("key_format", ["pem", "raw", "jwk"])
def test_hs256_public_is_keyed_with_the_public_key_bytes(
    eddsa_frontend: FrontendServer, control: httpx.Client, key_format: str
) -> None:
    result = mint(control, claims={"sub": "u"}, signer="hs256-public", key_format=key_format)
    header, _, signature = parts(result["token"])
    assert header["alg"] == "HS256"
    served = next(
        k for k in httpx.get(eddsa_frontend.jwks_url).json()["keys"] if k["kid"] == header["kid"]
    )
    public = jwt.PyJWK(served).key
    secret = {
        "pem": public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "raw": public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
        "jwk": json.dumps(served, separators=(",", ":")).encode(),
    }[key_format]
    signing_input = result["token"].rpartition(".")[0].encode()
    assert hmac.compare_digest(signature, hmac.new(secret, signing_input, hashlib.sha256).digest())


def test_embed_jwk_and_jku_point_at_the_foreign_key(control: httpx.Client) -> None:
    info = control.get("/info").json()
    foreign = httpx.get(info["foreign_jwks_url"]).json()["keys"][0]
    embedded = mint(control, claims={"sub": "u"}, embed="jwk")["token"]
    header = jwt.get_unverified_header(embedded)
    assert header["jwk"] == foreign
    assert jwt.decode(
        embedded, jwt.PyJWK(header["jwk"]), algorithms=["EdDSA"], options={"verify_aud": False}
    )
    jku = mint(control, claims={"sub": "u"}, embed="jku")["token"]
    assert jwt.get_unverified_header(jku)["jku"] == info["foreign_jwks_url"]


def test_rotation_adds_a_kid_and_keeps_the_old_key_published(
    eddsa_frontend: FrontendServer, control: httpx.Client
) -> None:
    before = control.get("/info").json()
    old_token = mint(control, claims={"sub": "u"})["token"]
    rotated = control.post("/rotate").json()
    assert rotated["kid"] != before["kid"]
    assert set(rotated["kids"]) == {*before["kids"], rotated["kid"]}
    assert control.get("/info").json()["kid"] == rotated["kid"]
    new_token = mint(control, claims={"sub": "u"})["token"]
    assert jwt.get_unverified_header(new_token)["kid"] == rotated["kid"]
    assert verify(eddsa_frontend, new_token)["sub"] == verify(eddsa_frontend, old_token)["sub"]


def test_outage_and_counters(eddsa_frontend: FrontendServer, control: httpx.Client) -> None:
    assert control.post("/counters/reset").json() == {"jwks_fetches": 0, "foreign_jwks_fetches": 0}
    assert httpx.get(eddsa_frontend.jwks_url).status_code == 200
    try:
        assert control.post("/outage", json={"on": True}).json() == {"outage": True}
        assert httpx.get(eddsa_frontend.jwks_url).status_code == 503
    finally:
        assert control.post("/outage", json={"on": False}).json() == {"outage": False}
    assert httpx.get(eddsa_frontend.jwks_url).status_code == 200
    httpx.get(control.get("/info").json()["foreign_jwks_url"])
    assert control.get("/counters").json() == {"jwks_fetches": 3, "foreign_jwks_fetches": 1}


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/mint", "{not json", "body is not valid JSON"),
        ("/mint", '{"signer": "bogus"}', "signer must be one of"),
        ("/mint", '{"claims": []}', "claims must be an object"),
        ("/mint", '{"omit": "exp"}', "omit must be a list"),
        ("/mint", '{"key_format": "der"}', "key_format must be one of"),
        ("/mint", '{"embed": "x5u"}', "embed must be"),
        ("/mint", '{"raw_payload": 7}', "raw_payload must be a string"),
        ("/mint", '{"claimz": {}}', "unknown field claimz"),
        ("/outage", '{"on": "yes"}', "body must be"),
        ("/outage", '{"on": true, "of": false}', "unknown field of"),
    ],
)
def test_bad_requests_get_400_with_the_reason(
    control: httpx.Client, path: str, body: str, message: str
) -> None:
    response = control.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_unknown_control_endpoint_is_404(control: httpx.Client) -> None:
    assert control.get("/nope").status_code == 404


def test_loopback_guard_accepts_only_loopback_peers() -> None:
    script = (
        "import('./src/control.mjs').then(m => console.log(JSON.stringify("
        "['127.0.0.1','127.9.8.7','::1','::ffff:127.0.0.1','10.0.0.1','::ffff:192.168.1.2',"
        "'fe80::1','',undefined].map(m.isLoopback))))"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        cwd=frontend_dir(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout) == [True, True, True, True, False, False, False, False, False]


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
