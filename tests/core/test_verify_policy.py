"""VerifyPolicy, key rotation through a fetcher, and results as values."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from authcheck.core.fetch import JwksFetcher
from authcheck.core.jwks import parse_key_set
from authcheck.core.verify import ALL_CHECKS, VerifyPolicy, verify
from tests.core.keys import BASE, claims, key, key_set, mint, sign_raw

OLD, NEW = key("EdDSA", "rot-old"), key("EdDSA", "rot-new")


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_better_auth_policy_defaults() -> None:
    policy = VerifyPolicy.better_auth("http://localhost:3000")
    assert policy.jwks == "http://localhost:3000/api/auth/jwks"
    assert policy.issuer == policy.audience == "http://localhost:3000"
    assert "EdDSA" in policy.algorithms and "HS256" not in policy.algorithms
    assert VerifyPolicy.better_auth("http://x/", leeway=5).jwks == "http://x/api/auth/jwks"


def test_rotation_is_picked_up_by_one_rate_limited_refetch() -> None:
    served: dict[str, Any] = {"keys": [OLD.jwk]}
    hits: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hits.append(1)
        return httpx.Response(200, json=served, headers={"cache-control": "max-age=3600"})

    clock = Clock()
    fetcher = JwksFetcher(
        f"{BASE}/api/auth/jwks", httpx.Client(transport=httpx.MockTransport(handler)), clock=clock
    )
    policy = VerifyPolicy.better_auth(BASE)
    assert policy.verify(mint(OLD), fetcher=fetcher).valid
    served = {"keys": [OLD.jwk, NEW.jwk]}  # the issuer rotates
    clock.now += 10
    early = policy.verify(mint(NEW), fetcher=fetcher)
    assert not early.valid and "header.kid-unknown" in early.codes  # within the refetch limit
    clock.now += 30
    late = policy.verify(mint(NEW), fetcher=fetcher)
    assert late.valid, late.findings
    assert late.key is not None and late.key.kid == "rot-new"
    assert len(hits) == 2


def test_every_check_is_reported_in_order() -> None:
    result = verify(mint(OLD), key_set=key_set(OLD), issuer=BASE, audience=BASE)
    assert tuple(c.name for c in result.checks) == ALL_CHECKS
    broken = verify("not a token", key_set=key_set(OLD))
    assert tuple(c.name for c in broken.checks) == ALL_CHECKS
    assert broken.check("jwks").status == "pass"  # the key set is still looked at


def test_unreachable_jwks_is_a_value_with_claims_still_checked() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="down")

    fetcher = JwksFetcher(f"{BASE}/jwks", httpx.Client(transport=httpx.MockTransport(handler)))
    result = verify(mint(OLD, claims(exp=1)), fetcher=fetcher, issuer=BASE, audience=BASE)
    assert not result.valid
    assert result.jwks_error is not None and result.jwks_error.code == "jwks.unreachable"
    assert result.check("exp").status == "fail"


def test_cookie_cache_jwt_is_named_by_verify() -> None:
    import hashlib
    import hmac
    import json

    from authcheck.core.b64 import b64url_encode

    h = b64url_encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = {
        "session": {"token": "k2Qh7VfWbHn3XyZ0aB4cD5eF6gH7iJ8k", "userId": "u"},
        "user": {"id": "u"},
        "exp": 9999999999,
    }
    p = b64url_encode(json.dumps(body).encode())
    mac = hmac.new(b"s" * 32, f"{h}.{p}".encode(), hashlib.sha256).digest()
    result = verify(f"{h}.{p}.{b64url_encode(mac)}", key_set=key_set(OLD))
    assert "token.cookie-cache-jwt" in result.codes
    assert "header.alg-not-allowed" in result.codes


def test_a_failed_refetch_for_an_unknown_kid_is_reported_not_raised() -> None:
    answers = [httpx.Response(200, json={"keys": [OLD.jwk]})]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0) if answers else httpx.Response(500, text="boom")

    clock = Clock()
    fetcher = JwksFetcher(
        f"{BASE}/jwks", httpx.Client(transport=httpx.MockTransport(handler)), clock=clock
    )
    assert verify(mint(OLD), fetcher=fetcher, issuer=BASE, audience=BASE).valid
    clock.now += 60
    result = verify(mint(NEW), fetcher=fetcher, issuer=BASE, audience=BASE)
    assert not result.valid
    assert {"header.kid-unknown", "jwks.unreachable"} <= set(result.codes)


@pytest.mark.parametrize("alg", ["EdDSA", "Ed25519", "ES256", "ES512", "RS256", "PS256"])
def test_every_default_algorithm_verifies(alg: str) -> None:
    k = key(alg, f"default-{alg}")
    result = verify(mint(k), key_set=key_set(k), issuer=BASE, audience=BASE)
    assert result.valid, result.findings
    assert result.header is not None and result.header["alg"] == (
        "EdDSA" if alg == "Ed25519" else alg
    )


@pytest.mark.parametrize("alg", ["ES384", "RS384", "PS512", "HS256"])
def test_other_algorithms_need_to_be_allowed(alg: str) -> None:
    if alg == "HS256":
        from authcheck.core.b64 import b64url_encode

        secret = b"s" * 32
        jwk = {"kty": "oct", "kid": "h", "k": b64url_encode(secret), "alg": "HS256"}
        import jwt

        token = jwt.encode(claims(), secret, algorithm="HS256", headers={"kid": "h"})
        ks = key_set(jwk)
    else:
        k = key(alg, f"other-{alg}")
        token, ks = mint(k), key_set(k)
    assert "header.alg-not-allowed" in verify(token, key_set=ks, issuer=BASE, audience=BASE).codes
    allowed = verify(token, key_set=ks, issuer=BASE, audience=BASE, algorithms=[alg])
    assert allowed.valid, allowed.findings


def test_rfc9864_ed25519_header_is_accepted() -> None:
    import json

    k = key("EdDSA", "rfc9864")
    token = sign_raw(json.dumps({"alg": "Ed25519", "kid": k.kid}), json.dumps(claims()), k)
    assert verify(token, key_set=key_set(k), issuer=BASE, audience=BASE).valid
    only_eddsa = verify(token, key_set=key_set(k), issuer=BASE, audience=BASE, algorithms=["EdDSA"])
    assert only_eddsa.valid


@pytest.mark.parametrize(
    "token_of",
    [
        lambda t: f"Bearer {t}",
        lambda t: f'"{t}"\n',
        lambda t: t + "\n",
        lambda t: t.replace(".", "%2E"),
        lambda t: t[:-1] + "!",
        lambda t: "x" * 20_000,
        lambda t: t.split(".")[0] + "..",
        lambda t: '{"token": "' + t + '"}',
    ],
)
def test_there_is_always_exactly_one_format_check(token_of: Any) -> None:
    k = key("EdDSA", "fmt")
    result = verify(token_of(mint(k)), key_set=key_set(k), issuer=BASE, audience=BASE)
    assert tuple(c.name for c in result.checks) == ALL_CHECKS
    assert result.check("format").status == "fail"
    assert not result.valid


def test_wrapped_unsigned_token_is_not_called_junk_for_its_alg() -> None:
    k = key("EdDSA", "fmt")
    h, p, _ = mint(k).split(".")
    import base64

    none_header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    result = verify(f"{none_header}.{p}.", key_set=key_set(k), issuer=BASE, audience=BASE)
    assert result.check("format").status == "pass"
    assert "header.alg-none" in result.codes
    assert h


def test_check_names_are_an_enum_and_every_stage_group_is_in_order() -> None:
    from authcheck.core.checks import CLAIM_CHECKS, HEADER_CHECKS, KEY_CHECKS, CheckName

    staged = (CheckName.FORMAT, *HEADER_CHECKS, CheckName.JWKS, *KEY_CHECKS, *CLAIM_CHECKS)
    assert staged == tuple(CheckName) == ALL_CHECKS
    result = verify("not-a-token", key_set=parse_key_set({"keys": []}))
    assert all(isinstance(c.name, CheckName) for c in result.checks)
    assert result.check(CheckName.EXP) is result.check("exp")
