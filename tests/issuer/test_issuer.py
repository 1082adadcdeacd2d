import asyncio
import hashlib
import hmac
import json
from typing import Any

import httpx
import jwt
import pytest

from authcheck.core.b64 import b64url_decode
from authcheck.issuer import TestIssuer
from authcheck.issuer.app import build_app
from authcheck.issuer.keys import SUPPORTED_ALGS


def _mint(client: httpx.Client, **body: Any) -> str:
    response = client.post("/__authcheck/mint", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def _jwks(client: httpx.Client) -> dict[str, jwt.PyJWK]:
    return {k["kid"]: jwt.PyJWK(k) for k in client.get("/api/auth/jwks").json()["keys"]}


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    head, payload, sig = token.split(".")  # strict: the issuer must emit canonical base64url
    return json.loads(b64url_decode(head)), json.loads(b64url_decode(payload)), b64url_decode(sig)


@pytest.mark.parametrize("alg", SUPPORTED_ALGS)
def test_minted_token_verifies_like_a_better_auth_one(alg: str) -> None:
    with TestIssuer(alg=alg) as issuer, httpx.Client(base_url=issuer.url) as client:
        token = _mint(client, claims={"sub": "user-1"})
        keys = _jwks(client)
        header = jwt.get_unverified_header(token)
        assert header == {"alg": alg, "kid": header["kid"]}  # no typ, like Better Auth
        jwk = client.get("/api/auth/jwks").json()["keys"][0]
        assert jwk["alg"] == alg and "use" not in jwk
        claims = jwt.decode(
            token, keys[header["kid"]].key, algorithms=[alg], issuer=issuer.url, audience=issuer.url
        )
        assert claims["sub"] == "user-1"
        assert claims["exp"] - claims["iat"] == 900


def test_info_describes_the_issuer(issuer: TestIssuer, client: httpx.Client) -> None:
    info = client.get("/__authcheck/info").json()
    assert info["kind"] == "authcheck-issuer"
    assert info["issuer"] == info["audience"] == issuer.url
    assert info["jwks_url"] == issuer.url + "/api/auth/jwks"
    assert info["kid"] in info["kids"]


def test_claims_merge_and_omit(client: httpx.Client) -> None:
    token = _mint(client, claims={"sub": "u", "aud": "other", "x": None}, omit=["exp"])
    _, claims, _ = _parts(token)
    assert claims["aud"] == "other" and claims["x"] is None and "exp" not in claims


def test_foreign_signer_does_not_verify_with_the_jwks(client: httpx.Client) -> None:
    token = _mint(client, claims={"sub": "u"}, signer="foreign")
    kid = jwt.get_unverified_header(token)["kid"]
    assert kid not in _jwks(client)
    same_kid = _mint(
        client,
        claims={"sub": "u"},
        signer="foreign",
        header={"kid": client.get("/__authcheck/info").json()["kid"]},
    )
    real = _jwks(client)[jwt.get_unverified_header(same_kid)["kid"]]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(same_kid, real.key, algorithms=["EdDSA"], options={"verify_aud": False})


def test_unsigned_token_keeps_the_asked_alg(client: httpx.Client) -> None:
    token = _mint(client, claims={"sub": "u"}, signer="none", header={"alg": "nOnE"})
    assert token.endswith(".")
    assert jwt.get_unverified_header(token) == {"alg": "nOnE"}


@pytest.mark.parametrize("key_format", ["pem", "raw", "jwk"])
def test_hs256_is_keyed_with_the_public_key(client: httpx.Client, key_format: str) -> None:
    token = _mint(client, claims={"sub": "u"}, signer="hs256-public", key_format=key_format)
    header, _, sig = _parts(token)
    assert header["alg"] == "HS256"
    issuer_jwk = client.get("/api/auth/jwks").json()["keys"][-1]
    key = jwt.PyJWK(issuer_jwk).key
    from cryptography.hazmat.primitives import serialization

    secret = {
        "pem": key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "raw": key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
        "jwk": json.dumps(issuer_jwk, separators=(",", ":")).encode(),
    }[key_format]
    signing_input = token.rsplit(".", 1)[0].encode()
    assert hmac.new(secret, signing_input, hashlib.sha256).digest() == sig


@pytest.mark.parametrize("signer", ["issuer", "none", "hs256-public", "foreign"])
def test_an_embedded_key_always_signs_with_the_foreign_key(
    client: httpx.Client, signer: str
) -> None:
    token = _mint(client, claims={"sub": "u"}, embed="jwk", signer=signer)
    header, _, _ = _parts(token)
    embedded = jwt.PyJWK(header["jwk"])
    claims = jwt.decode(
        token, embedded, algorithms=[embedded.algorithm_name], options={"verify_aud": False}
    )
    assert claims["sub"] == "u"


def test_embedded_keys_and_the_jku_bait_is_counted(client: httpx.Client) -> None:
    header, _, _ = _parts(_mint(client, claims={"sub": "u"}, embed="jwk"))
    assert header["jwk"]["kid"] == header["kid"]
    header, _, _ = _parts(_mint(client, claims={"sub": "u"}, embed="jku"))
    before = client.get("/__authcheck/counters").json()["foreign_jwks_fetches"]
    bait = client.get(header["jku"]).json()
    assert bait["keys"][0]["kid"] == header["kid"]
    after = client.get("/__authcheck/counters").json()["foreign_jwks_fetches"]
    assert after == before + 1


def test_raw_payload_is_sent_verbatim(client: httpx.Client) -> None:
    token = _mint(client, raw_payload='{"sub":"u1","sub":"admin"}')
    payload = token.split(".")[1]
    assert b64url_decode(payload) == b'{"sub":"u1","sub":"admin"}'


def test_rotation_keeps_the_old_key() -> None:
    with TestIssuer() as issuer, httpx.Client(base_url=issuer.url) as client:
        old = client.get("/__authcheck/info").json()["kid"]
        rotated = client.post("/__authcheck/rotate").json()
        assert rotated["kid"] != old and rotated["kids"] == [old, rotated["kid"]]
        assert set(_jwks(client)) == {old, rotated["kid"]}
        assert (
            jwt.get_unverified_header(_mint(client, claims={"sub": "u"}))["kid"] == rotated["kid"]
        )


def test_outage_and_counters() -> None:
    with TestIssuer() as issuer, httpx.Client(base_url=issuer.url) as client:
        client.post("/__authcheck/counters/reset")
        assert client.post("/__authcheck/outage", json={"on": True}).json() == {"outage": True}
        assert client.get("/api/auth/jwks").status_code == 503
        client.post("/__authcheck/outage", json={"on": False})
        assert client.get("/api/auth/jwks").status_code == 200
        assert client.get("/__authcheck/counters").json()["jwks_fetches"] == 2
        assert client.get("/api/auth/get-session").status_code == 404
        assert client.get("/__authcheck/counters").json()["other_requests"] == 1
        client.post("/__authcheck/counters/reset")
        assert client.get("/__authcheck/counters").json() == {
            "jwks_fetches": 0,
            "foreign_jwks_fetches": 0,
            "other_requests": 0,
        }


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("not json", "not JSON"),
        ("[1]", "JSON object"),
        ('{"signer": "nobody"}', "signer"),
        ('{"colour": "red"}', "colour"),
        (b'{"claims": {"sub": "\xc3\x28"}}', "not UTF-8"),
    ],
)
def test_bad_mint_requests_get_400_naming_the_problem(
    client: httpx.Client, body: str | bytes, words: str
) -> None:
    response = client.post("/__authcheck/mint", content=body)
    assert response.status_code == 400
    assert words in response.json()["error"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('{"on": "yes"}', '{"on": true}'),
        ('{"on": true, "of": false}', "of: Extra inputs"),
        (b'{"on": "\xc3\x28"}', "not UTF-8"),
    ],
)
def test_bad_outage_request_gets_400_naming_the_problem(
    client: httpx.Client, body: str | bytes, words: str
) -> None:
    response = client.post("/__authcheck/outage", content=body)
    assert response.status_code == 400
    assert words in response.json()["error"]
    assert client.get("/__authcheck/info").status_code == 200


def test_control_api_refuses_non_loopback_peers(issuer: TestIssuer) -> None:
    async def from_remote_peer() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=build_app(issuer.state), client=("203.0.113.9", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://issuer") as remote:
            return [
                await remote.post("/__authcheck/mint", json={}),
                await remote.get("/__authcheck/info"),
                await remote.get("/api/auth/jwks"),
            ]

    mint, info, jwks = asyncio.run(from_remote_peer())
    assert mint.status_code == 403 and mint.json() == {"error": "loopback only"}
    assert info.status_code == 403
    assert jwks.status_code == 200  # the JWKS is public, like Better Auth's
