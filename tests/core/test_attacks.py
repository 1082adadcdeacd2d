"""ATTACKS.md, case by case: every JWS-verifier case is rejected with the finding that names it
(including the ones PyJWT alone lets through: C12, C13, C18, C22, C34)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from authcheck.core.b64 import b64url_decode, b64url_encode
from authcheck.core.fetch import JwksFetcher
from authcheck.core.verify import VerifyResult, verify
from tests.core.keys import BASE, claims, key, key_set, mint, sign_raw

ED = key("EdDSA", "ed-1")
ALL = ("EdDSA", "ES256", "ES384", "ES512", "RS256", "PS256", "HS256")


def check(token: str, ks: Any = None, **kwargs: Any) -> VerifyResult:
    kwargs.setdefault("issuer", BASE)
    kwargs.setdefault("audience", BASE)
    return verify(token, key_set=ks or key_set(ED), **kwargs)


def rejected(result: VerifyResult, code: str) -> None:
    assert not result.valid
    assert code in result.codes, result.codes


def test_a_good_better_auth_style_token_is_valid() -> None:
    result = check(mint(ED))
    assert result.valid, result.findings
    assert not [f for f in result.findings if f.severity == "error"]


def _unsigned(alg: str) -> str:
    header = b64url_encode(json.dumps({"alg": alg, "kid": ED.kid}).encode())
    return f"{header}.{b64url_encode(json.dumps(claims()).encode())}."


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_c01_alg_none_is_rejected(alg: str) -> None:
    rejected(check(_unsigned(alg), algorithms=ALL), "header.alg-none")


def _hs256_with(secret: bytes) -> str:
    header = b64url_encode(json.dumps({"alg": "HS256", "kid": ED.kid}).encode())
    body = b64url_encode(json.dumps(claims()).encode())
    mac = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64url_encode(mac)}"


def _public_forms() -> dict[str, bytes]:
    public = ED.private.public_key()
    return {
        "spki-pem": public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "raw": public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
        "jwk-json": json.dumps(ED.jwk).encode(),
        "ssh": public.public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        ),
    }


@pytest.mark.parametrize("form", sorted(_public_forms()))
def test_c02_hs256_keyed_with_the_public_key_is_rejected(form: str) -> None:
    token = _hs256_with(_public_forms()[form])
    rejected(check(token), "header.alg-not-allowed")
    # Even with HS256 allowed, the asymmetric key can never be an HMAC secret.
    rejected(check(token, algorithms=ALL), "key.alg-mismatch")


def test_c02_hs256_hint_names_the_cookie_cache_and_fr010() -> None:
    result = check(_hs256_with(b"x" * 32))
    hint = result.check("algorithm").finding.hint or ""  # type: ignore[union-attr]
    assert "cookie-cache" in hint and "FR-010" in hint


@pytest.mark.parametrize(
    ("token_alg", "jwk_overrides", "signer"),
    [
        ("PS256", {"alg": "RS256"}, "RS256"),  # same RSA key, other alg than the JWK's
        ("ES256", {"crv": "P-384"}, "ES256"),
        ("EdDSA", None, "RS256"),  # EdDSA token, RSA key under its kid
    ],
)
def test_c03_token_alg_must_fit_the_key(
    token_alg: str, jwk_overrides: dict[str, Any] | None, signer: str
) -> None:
    k = key(signer, f"c03-{token_alg}")
    if token_alg == "EdDSA":
        token = mint(ED, kid=k.kid)
        ks = key_set(k)
    elif token_alg == "PS256":
        token = sign_raw(
            json.dumps({"alg": "PS256", "kid": k.kid}), json.dumps(claims()), k, "PS256"
        )
        ks = key_set(k)
    else:
        p384 = key("ES384", "c03-p384")
        jwk = {**p384.jwk, "alg": "ES256", "kid": k.kid}
        token = mint(k)
        ks = key_set(jwk)
        rejected(check(token, ks), "jwks.unsupported-key")
        return
    assert jwk_overrides is None or jwk_overrides.get("alg") == "RS256"
    rejected(check(token, ks, algorithms=ALL), "key.alg-mismatch")


@pytest.mark.parametrize("alg", ["rs256", "HS256 ", "ES521", "ES256K", "RS384"])
def test_c04_alg_outside_the_allow_list_is_rejected(alg: str) -> None:
    header = json.dumps({"alg": alg, "kid": ED.kid})
    token = sign_raw(header, json.dumps(claims()), ED, "EdDSA")
    rejected(check(token), "header.alg-not-allowed")


@pytest.mark.parametrize(
    ("header_bytes", "code"),
    [
        (b'{"kid":"ed-1"}', "header.alg-not-allowed"),
        (b"[1,2]", "token.malformed"),
        (b'{"alg":"EdDSA","kid":"\xff"}', "token.malformed"),
        (b"not json", "token.malformed"),
    ],
)
def test_c05_bad_headers_are_rejected(header_bytes: bytes, code: str) -> None:
    body = b64url_encode(json.dumps(claims()).encode())
    token = f"{b64url_encode(header_bytes)}.{body}.{b64url_encode(b'x' * 64)}"
    rejected(check(token), code)


def test_c06_embedded_jwk_is_never_trusted() -> None:
    attacker = key("EdDSA", "attacker")
    token = mint(attacker, jwk=attacker.jwk)
    rejected(check(token), "header.embedded-key")
    rejected(check(token), "header.kid-unknown")


def test_c07_jku_is_rejected_and_never_fetched() -> None:
    requested: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        return httpx.Response(200, json={"keys": [ED.jwk]})

    client = httpx.Client(transport=httpx.MockTransport(handler))
    fetcher = JwksFetcher(f"{BASE}/api/auth/jwks", client)
    attacker = key("EdDSA", "attacker")
    for name in ("jku", "x5u"):
        token = mint(attacker, **{name: "http://127.0.0.1:9/evil/jwks"})
        result = verify(token, fetcher=fetcher, issuer=BASE, audience=BASE)
        rejected(result, "header.embedded-key")
    assert requested and all(url == f"{BASE}/api/auth/jwks" for url in requested)


@pytest.mark.parametrize(
    "kid", ["../../../../../../dev/null", "/dev/null", "", "x' UNION SELECT '1';--", "|sleep 10"]
)
def test_c09_c10_hostile_kids_are_just_unknown(kid: str) -> None:
    header = json.dumps({"alg": "HS256", "kid": kid})
    body = b64url_encode(json.dumps(claims()).encode())
    h = b64url_encode(header.encode())
    mac = hmac.new(b"", f"{h}.{body}".encode(), hashlib.sha256).digest()
    result = check(f"{h}.{body}.{b64url_encode(mac)}", algorithms=ALL)
    rejected(result, "header.kid-unknown")


def test_c11_unknown_kid_hint_names_rotation_and_environments() -> None:
    result = check(mint(key("EdDSA", "other-env")))
    rejected(result, "header.kid-unknown")
    hint = result.check("kid").finding.hint or ""  # type: ignore[union-attr]
    assert "rotated" in hint and "environment" in hint


def test_c11_missing_kid_with_several_keys_has_no_fallback() -> None:
    token = sign_raw(json.dumps({"alg": "EdDSA"}), json.dumps(claims()), ED)
    rejected(check(token, key_set(ED, key("EdDSA", "ed-2"))), "header.kid-missing")
    single = check(token, key_set(ED))
    assert single.valid
    assert single.check("kid").status == "warn"


@pytest.mark.parametrize(
    "extra", [{"use": "enc"}, {"key_ops": ["encrypt"]}, {"key_ops": []}, {"alg": "RSA-OAEP"}]
)
def test_c12_encryption_keys_cannot_verify(extra: dict[str, Any]) -> None:
    rejected(check(mint(ED), key_set({**ED.jwk, **extra})), "jwks.enc-key")


def test_c13_duplicate_kid_rejects_the_set() -> None:
    twin = {**key("EdDSA", "twin").jwk, "kid": ED.kid}
    rejected(check(mint(ED), key_set(ED, twin)), "jwks.duplicate-kid")


def test_c13_mixed_symmetric_and_public_keys_reject_the_set() -> None:
    oct_key = {"kty": "oct", "kid": "hmac", "k": b64url_encode(b"k" * 32), "alg": "HS256"}
    rejected(check(mint(ED), key_set(ED, oct_key)), "jwks.mixed-key-set")


def test_c13_private_key_in_the_set_rejects_it() -> None:
    d = ED.private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    rejected(
        check(mint(ED), key_set({**ED.jwk, "d": b64url_encode(d)})), "jwks.private-key-exposed"
    )


@pytest.mark.parametrize("crit", [["x-foo"], [], ["alg"], ["b64"]])
def test_c14_c15_crit_is_rejected(crit: list[str]) -> None:
    header: dict[str, Any] = {"alg": "EdDSA", "kid": ED.kid, "crit": crit}
    if crit == ["b64"]:
        header["b64"] = False
    token = sign_raw(json.dumps(header), json.dumps(claims()), ED)
    rejected(check(token), "header.crit")


def test_c17_nested_jwt_and_jwe_are_rejected() -> None:
    rejected(check(mint(ED, cty="JWT")), "header.crit")
    rejected(check("eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"), "token.jwe")


def test_c18_duplicate_member_names_are_rejected() -> None:
    body = json.dumps(claims())[:-1] + ', "sub": "admin"}'
    rejected(
        check(sign_raw(json.dumps({"alg": "EdDSA", "kid": ED.kid}), body, ED)), "claims.duplicate"
    )
    header = '{"alg":"EdDSA","kid":"ed-1","alg":"EdDSA"}'
    rejected(check(sign_raw(header, json.dumps(claims()), ED)), "claims.duplicate")


def test_c19_json_serialization_is_rejected() -> None:
    h, p, s = mint(ED).split(".")
    token = json.dumps({"payload": p, "signatures": [{"protected": h, "signature": s}]})
    rejected(check(token), "token.not-jwt")


@pytest.mark.parametrize("shape", ["", "a", "a.b", "a.b.c.d", ".e30.", "..", "x.y.z.w.v.u"])
def test_c20_wrong_shapes_are_rejected(shape: str) -> None:
    assert not check(shape).valid


@pytest.mark.parametrize("damage", ["pad", "plus", "space", "trailing-bits"])
def test_c21_non_canonical_base64url_is_rejected(damage: str) -> None:
    h, p, s = mint(ED).split(".")
    if damage == "pad":
        token = f"{h}.{p}.{s}=="
    elif damage == "plus":
        token = f"{h}.{p}.{s[:-2]}+/"
    elif damage == "space":
        token = f"{h}.{p} .{s}"
    else:
        last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".index(s[-1])
        token = f"{h}.{p}.{s[:-1]}{'ABCDEFGHIJKLMNOP'[(last + 1) % 16]}"
    assert not check(token).valid


def test_c22_oversized_tokens_are_rejected_before_decoding() -> None:
    big = mint(ED, claims(pad="x" * 20_000))
    rejected(check(big), "token.oversized")
    assert check(big, max_token_bytes=64 * 1024).valid


def test_c22_deep_nesting_and_huge_numbers_do_not_escape() -> None:
    deep = '{"sub":"u","exp":9999999999,"x":' + "[" * 5000 + "]" * 5000 + "}"
    assert not check(sign_raw('{"alg":"EdDSA","kid":"ed-1"}', deep, ED)).valid
    huge = json.dumps(claims())[:-1] + ', "n": ' + "9" * 5000 + "}"
    assert not check(sign_raw('{"alg":"EdDSA","kid":"ed-1"}', huge, ED)).valid


@pytest.mark.parametrize("payload", ["[1]", '"s"', "3", "null"])
def test_c23_payload_must_be_an_object(payload: str) -> None:
    result = check(sign_raw('{"alg":"EdDSA","kid":"ed-1"}', payload, ED))
    rejected(result, "token.malformed")
    assert result.check("signature").status == "pass"  # still diagnosed


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "minus4"])
def test_c24_damaged_signatures_are_rejected(damage: str) -> None:
    h, p, s = mint(ED).split(".")
    raw = bytearray(b64url_decode(s))
    if damage == "flip":
        raw[0] ^= 1
    elif damage == "truncate":
        raw = raw[:32]
    elif damage == "empty":
        raw = bytearray()
    else:
        raw = raw[:-4]
    rejected(check(f"{h}.{p}.{b64url_encode(bytes(raw))}"), "signature.invalid")


def _es256_parts() -> tuple[Any, str, int, int]:
    k = key("ES256", "es-1")
    h, p, s = mint(k).split(".")
    sig = b64url_decode(s)
    return k, f"{h}.{p}", int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")


N256 = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def test_c25_c26_es256_psychic_der_and_odd_lengths_are_rejected() -> None:
    k, si, r, s = _es256_parts()
    ks = key_set(k)
    for sig in (
        bytes(64),
        N256.to_bytes(32, "big") * 2,
        bytes(63) + b"\x01",
        r.to_bytes(32, "big") + s.to_bytes(32, "big") + b"\x00",
        r.to_bytes(32, "big") + s.to_bytes(32, "big")[:-1],
    ):
        rejected(check(f"{si}.{b64url_encode(sig)}", ks), "signature.invalid")
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    der = encode_dss_signature(r, s)
    rejected(check(f"{si}.{b64url_encode(der)}", ks), "signature.invalid")
    assert decode_dss_signature(der) == (r, s)


def test_c27_ecdsa_malleated_signature_is_valid_and_never_an_id() -> None:
    k, si, r, s = _es256_parts()
    malleated = r.to_bytes(32, "big") + (N256 - s).to_bytes(32, "big")
    assert check(f"{si}.{b64url_encode(malleated)}", key_set(k)).valid


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize(
    ("jwk_change", "why"),
    [({"e": "AQ"}, "exponent"), ("rsa1024", "RSA-1024")],
)
def test_c30_weak_keys_are_rejected(jwk_change: Any, why: str) -> None:
    if jwk_change == "rsa1024":
        k = key("RS256", "weak", bits=1024)
        result = check(mint(k), key_set(k))
    else:
        k = key("RS256", "rsa")
        result = check(mint(k), key_set({**k.jwk, **jwk_change}))
    rejected(result, "jwks.weak-key")
    assert why in result.check("key").evidence


@pytest.mark.parametrize(
    ("offset", "leeway", "valid"),
    [(-1, 0, False), (0, 0, False), (-30, 60, True), (-120, 60, False)],
)
def test_c31_exp_and_leeway(offset: int, leeway: int, valid: bool) -> None:
    now = int(time.time())
    result = check(mint(ED, claims(exp=now + offset)), now=now, leeway=leeway)
    assert result.valid is valid
    if not valid:
        rejected(result, "claims.expired")


def test_c32_c33_nbf_and_iat_in_the_future() -> None:
    now = int(time.time())
    rejected(check(mint(ED, claims(nbf=now + 600)), now=now, leeway=60), "claims.not-yet-valid")
    assert check(mint(ED, claims(nbf=now + 30)), now=now, leeway=60).valid
    rejected(check(mint(ED, claims(iat=now + 600)), now=now, leeway=60), "claims.iat-future")


@pytest.mark.parametrize("exp", ['"9999999999"', "true", "null", "1e400", "[1]"])
def test_c34_numeric_dates_must_be_numbers(exp: str) -> None:
    body = json.dumps(claims(exp=...))[:-1] + f', "exp": {exp}}}'
    rejected(check(sign_raw('{"alg":"EdDSA","kid":"ed-1"}', body, ED)), "claims.type")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("exp", "claims.missing"),
        ("sub", "claims.sub-missing"),
        ("iss", "claims.iss-mismatch"),
        ("aud", "claims.aud-mismatch"),
    ],
)
def test_c35_required_claims(name: str, code: str) -> None:
    rejected(check(mint(ED, claims(**{name: ...}))), code)


@pytest.mark.parametrize(
    ("aud", "valid"),
    [
        ("api", True),
        (["x", "api"], True),
        (["x"], False),
        ([], False),
        (..., False),
        ("api.evil", False),
        ([123], False),
    ],
)
def test_c36_audience(aud: Any, valid: bool) -> None:
    assert check(mint(ED, claims(aud=aud)), audience="api").valid is valid


def test_c36_aud_without_an_expected_audience_is_rejected() -> None:
    rejected(check(mint(ED), audience=None), "claims.aud-mismatch")


@pytest.mark.parametrize(
    "iss",
    [
        "http://localhost:300",
        "HTTP://localhost:3000",
        "http://localhost:3000/",
        "http://127.0.0.1:3000",
    ],
)
def test_c37_issuer_is_compared_exactly(iss: str) -> None:
    rejected(check(mint(ED, claims(iss=iss))), "claims.iss-mismatch")


@pytest.mark.parametrize("sub", [123, None, ""])
def test_c38_sub_must_be_a_non_empty_string(sub: Any) -> None:
    assert not check(mint(ED, claims(sub=sub))).valid


def test_c39_token_for_another_audience_of_the_same_issuer() -> None:
    result = check(mint(ED, claims(aud="http://localhost:4000")))
    rejected(result, "claims.aud-mismatch")
    assert "port" in (result.check("aud").finding.hint or "")  # type: ignore[union-attr]
