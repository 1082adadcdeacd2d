"""Authorization as the issue lists it: 401s with reasons, 403s, no key taken from a token."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from typing import Any

import pytest

from authcheck.core.b64 import b64url_encode
from authcheck.issuer.keys import generate_key
from tests.reference_backend.conftest import Backend
from tests.reference_backend.jwks_server import BETTER_AUTH_ALGORITHMS, OMIT, TestIssuer

CHALLENGE = re.compile(r'^Bearer error="invalid_token", error_description="[^"\\]+"$')


def assert_invalid_token(response: object, *words: str) -> str:
    assert response.status_code == 401, response.text  # type: ignore[attr-defined]
    assert CHALLENGE.match(response.headers["WWW-Authenticate"])  # type: ignore[attr-defined]
    detail = str(response.json()["detail"])  # type: ignore[attr-defined]
    for word in words:
        assert word.lower() in detail.lower(), detail
    return detail


@pytest.mark.parametrize("alg", BETTER_AUTH_ALGORITHMS)
def test_a_better_auth_signing_with_any_of_its_algorithms_works_with_no_setting(
    issuer: TestIssuer, backend: Backend, alg: str
) -> None:
    issuer.serve_only(alg)  # a Better Auth configured for alg publishes only that key
    assert "JWT_ALGORITHMS" not in backend.app.state.settings.model_fields_set
    response = backend.call("GET", "/api/user-a/tasks", issuer.mint("user-a", alg=alg))
    assert response.status_code == 200, response.text
    assert response.json() == []


def test_me_says_who_the_token_names(issuer: TestIssuer, backend: Backend) -> None:
    token = issuer.mint("user-a")
    body = backend.call("GET", "/api/me", token).json()
    assert body["user_id"] == "user-a"
    assert body["email"] == "user-a@example.test"
    assert body["expires_at"].startswith(time.strftime("%Y-", time.gmtime()))


def test_scheme_is_case_insensitive(issuer: TestIssuer, backend: Backend) -> None:
    headers = {"Authorization": f"bEaReR {issuer.mint('user-a')}"}
    assert backend.client.get("/api/me", headers=headers).status_code == 200


@pytest.mark.parametrize("header", [None, "Basic dXNlcjpwYXNz", "Token abc", "Bearer"])
def test_no_token_or_wrong_scheme_gets_bare_bearer_challenge(
    backend: Backend, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    response = backend.client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "Bearer" in response.json()["detail"]


def test_expired_token_says_it_expired_and_when(issuer: TestIssuer, backend: Backend) -> None:
    exp = int(time.time()) - 3600
    token = issuer.mint(iat=exp - 900, exp=exp)
    detail = assert_invalid_token(backend.call("GET", "/api/me", token), "expired")
    assert time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exp)) in detail


def test_expiry_within_leeway_is_accepted(issuer: TestIssuer, backend: Backend) -> None:
    token = issuer.mint(exp=int(time.time()) - 10)
    assert backend.call("GET", "/api/me", token).status_code == 200


def test_tampered_payload_is_rejected(issuer: TestIssuer, backend: Backend) -> None:
    header, _, signature = issuer.mint("user-a").split(".")
    forged = b64url_encode(json.dumps(issuer.claims("user-b")).encode())
    response = backend.call("GET", "/api/user-b/tasks", f"{header}.{forged}.{signature}")
    assert_invalid_token(response, "signature")


def test_same_kid_signed_by_another_key_is_rejected(issuer: TestIssuer, backend: Backend) -> None:
    stranger = generate_key("EdDSA", issuer.current["EdDSA"].kid)
    assert_invalid_token(backend.call("GET", "/api/me", issuer.mint(key=stranger)), "signature")


def test_foreign_issuer_key_is_rejected_and_names_the_key_set(
    issuer: TestIssuer, backend: Backend
) -> None:
    token = issuer.mint(key=generate_key("EdDSA", "foreign-kid"))
    assert_invalid_token(backend.call("GET", "/api/me", token), "not in the key set", issuer.url)


@pytest.mark.parametrize(
    ("claim", "value", "words"),
    [
        ("iss", "http://localhost:3000", ["iss"]),
        ("aud", "http://localhost:3000", ["aud"]),
        ("aud", ["http://evil.test"], ["aud"]),
    ],
)
def test_foreign_issuer_or_audience_is_rejected(
    issuer: TestIssuer, backend: Backend, claim: str, value: Any, words: list[str]
) -> None:
    assert_invalid_token(backend.call("GET", "/api/me", issuer.mint(**{claim: value})), *words)


def test_issuer_with_trailing_slash_is_not_the_issuer(issuer: TestIssuer, backend: Backend) -> None:
    token = issuer.mint(iss=issuer.url + "/", aud=issuer.url + "/")
    assert_invalid_token(backend.call("GET", "/api/me", token), "exactly")


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "iss", "aud"])
def test_each_required_claim_must_be_present(
    issuer: TestIssuer, backend: Backend, claim: str
) -> None:
    token = issuer.mint(**{claim: OMIT})
    assert_invalid_token(backend.call("GET", "/api/me", token), claim)


def test_future_iat_beyond_leeway_is_rejected(issuer: TestIssuer, backend: Backend) -> None:
    token = issuer.mint(iat=int(time.time()) + 600)
    assert_invalid_token(backend.call("GET", "/api/me", token), "not valid yet")


@pytest.mark.parametrize("alg", ["none", "None", "nOnE"])
def test_unsigned_token_is_rejected(issuer: TestIssuer, backend: Backend, alg: str) -> None:
    header = b64url_encode(json.dumps({"alg": alg, "kid": issuer.current["EdDSA"].kid}).encode())
    payload = b64url_encode(json.dumps(issuer.claims()).encode())
    assert_invalid_token(backend.call("GET", "/api/me", f"{header}.{payload}."), "not allowed")


def test_hs256_keyed_with_the_public_key_is_rejected(issuer: TestIssuer, backend: Backend) -> None:
    key = issuer.current["EdDSA"]
    secret = json.dumps(key.public.jwk()).encode()
    header = b64url_encode(json.dumps({"alg": "HS256", "kid": key.kid}).encode())
    signing_input = f"{header}.{b64url_encode(json.dumps(issuer.claims()).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{b64url_encode(signature)}"
    assert_invalid_token(backend.call("GET", "/api/me", token), "HS256")


def test_alg_must_match_the_key_of_the_kid(issuer: TestIssuer, backend: Backend) -> None:
    # Signed by the real ES256 key, but under the Ed25519 key's kid.
    es_key = issuer.current["ES256"]
    token = issuer.mint(key=es_key, header={"kid": issuer.current["EdDSA"].kid})
    assert_invalid_token(backend.call("GET", "/api/me", token), "alg")


def test_algorithm_outside_a_narrowed_allow_list_is_rejected(
    issuer: TestIssuer, backend: Backend
) -> None:
    backend.use(JWT_ALGORITHMS="EdDSA")
    assert backend.call("GET", "/api/me", issuer.mint(alg="EdDSA")).status_code == 200
    detail = assert_invalid_token(backend.call("GET", "/api/me", issuer.mint(alg="RS256")), "RS256")
    assert "add it to JWT_ALGORITHMS" in detail


def test_embedded_keys_and_key_urls_are_never_used(issuer: TestIssuer, backend: Backend) -> None:
    attacker = generate_key("EdDSA", "attacker")
    for extra in (
        {"jku": f"{issuer.url}/evil/jwks"},
        {"x5u": f"{issuer.url}/evil/jwks"},
        {"jwk": attacker.public.jwk()},
        {"x5c": ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]},
    ):
        token = issuer.mint(key=attacker, header=extra)
        assert_invalid_token(backend.call("GET", "/api/me", token), "not in the key set")
    assert issuer.evil_hits == 0


def test_token_over_16_kib_is_refused(issuer: TestIssuer, backend: Backend) -> None:
    token = issuer.mint(padding="x" * 17_000)
    assert_invalid_token(backend.call("GET", "/api/me", token), "16 KiB")


@pytest.mark.parametrize("raw_exp", ['"9999999999"', "true", "null", "1e400", "-1"])
def test_exp_must_be_a_json_number(issuer: TestIssuer, backend: Backend, raw_exp: str) -> None:
    claims = issuer.claims()
    raw = json.dumps({k: v for k, v in claims.items() if k != "exp"})[:-1] + f', "exp": {raw_exp}}}'
    token = issuer.mint(raw_payload=raw)
    assert_invalid_token(backend.call("GET", "/api/me", token), "exp")


def test_duplicate_sub_claim_is_rejected(issuer: TestIssuer, backend: Backend) -> None:
    raw = json.dumps(issuer.claims("user-a"))[:-1] + ', "sub": "user-b"}'
    response = backend.call("GET", "/api/user-b/tasks", issuer.mint(raw_payload=raw))
    assert_invalid_token(response, "sub", "twice")


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("Qx7pLm2nR8sT4vW6yZ1aB3cD5eF7gH9j", ["session token", "authClient.token()"]),
        ("Qx7pLm2nR8sT4vW6yZ1aB3cD5eF7gH9j.c2lnbmF0dXJl%3D", ["session cookie"]),
        ("not-a-jwt", ["not a JWT"]),
        ('"eyJhbGciOiJFZERTQSJ9.e30.c2ln"', ["quotes"]),
    ],
)
def test_things_that_are_not_the_jwt_get_a_hint(
    backend: Backend, token: str, words: list[str]
) -> None:
    assert_invalid_token(backend.call("GET", "/api/me", token), *words)


def test_path_user_other_than_sub_is_forbidden(issuer: TestIssuer, backend: Backend) -> None:
    response = backend.call("GET", "/api/user-b/tasks", issuer.mint("user-a"))
    assert response.status_code == 403
    assert "your own" in response.json()["detail"]


def test_openapi_declares_the_bearer_scheme(backend: Backend) -> None:
    spec = backend.client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())
    assert spec["paths"]["/api/{user_id}/tasks"]["get"]["security"]
    assert backend.client.get("/docs").status_code == 200


def test_authentication_comes_before_body_validation(backend: Backend) -> None:
    response = backend.call("POST", "/api/user-a/tasks", "not-a-jwt", json={"title": ""})
    assert response.status_code == 401
