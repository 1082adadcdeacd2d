"""What a pasted value is, and the junk around it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from authcheck.core.b64 import b64url_encode
from authcheck.core.classify import TokenKind, classify
from tests.core.keys import ED_KEY, mint

SESSION_ID = "k2Qh7VfWbHn3XyZ0aB4cD5eF6gH7iJ8k"


def _signed_cookie(encoded: bool) -> str:
    mac = hmac.new(b"secret", SESSION_ID.encode(), hashlib.sha256).digest()
    value = f"{SESSION_ID}.{base64.b64encode(mac).decode()}"
    return value.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D") if encoded else value


def _codes(raw: str) -> list[str]:
    return [f.code for f in classify(raw).findings]


def test_a_clean_jwt_is_a_jws_with_no_findings() -> None:
    token = mint(ED_KEY)
    shape = classify(token)
    assert shape.kind is TokenKind.JWS and shape.is_jwt
    assert shape.token == token and shape.findings == ()
    assert shape.decoded is not None and shape.decoded.claims is not None
    assert shape.decoded.claims["sub"] == "user-a"


@pytest.mark.parametrize(
    ("wrap", "codes"),
    [
        ("Bearer {}", ["token.bearer-prefix"]),
        ("bearer   {}", ["token.bearer-prefix"]),
        ("Authorization: Bearer {}", ["token.bearer-prefix"]),
        ('"{}"', ["token.quoted"]),
        ("'{}'", ["token.quoted"]),
        ("{}\n", ["token.whitespace"]),
        ("  {}\r\n", ["token.whitespace"]),
        ('"Bearer {}"\n', ["token.whitespace", "token.quoted", "token.bearer-prefix"]),
    ],
)
def test_junk_is_unwrapped_and_named(wrap: str, codes: list[str]) -> None:
    token = mint(ED_KEY)
    shape = classify(wrap.format(token))
    assert shape.kind is TokenKind.JWS
    assert shape.token == token
    assert sorted(f.code for f in shape.findings) == sorted(codes)


def test_url_encoded_jwt_is_decoded() -> None:
    token = mint(ED_KEY)
    shape = classify(token.replace(".", "%2E"))
    assert shape.kind is TokenKind.JWS and shape.token == token
    assert [f.code for f in shape.findings] == ["token.url-encoded"]


def test_a_token_split_over_lines_is_joined() -> None:
    token = mint(ED_KEY)
    shape = classify(token[:40] + "\n" + token[40:])
    assert shape.kind is TokenKind.JWS and shape.token == token
    assert "token.whitespace" in [f.code for f in shape.findings]


def test_session_id() -> None:
    shape = classify(SESSION_ID)
    assert shape.kind is TokenKind.SESSION_ID and shape.token is None
    assert _codes(SESSION_ID) == ["token.session-id"]
    assert "authClient.token()" in (shape.findings[0].hint or "")


@pytest.mark.parametrize("encoded", [False, True])
def test_signed_session_cookie(encoded: bool) -> None:
    shape = classify(_signed_cookie(encoded))
    assert shape.kind is TokenKind.SIGNED_SESSION_COOKIE
    assert _codes(_signed_cookie(encoded))[-1] == "token.signed-session-cookie"
    assert ("token.url-encoded" in _codes(_signed_cookie(encoded))) is encoded


def test_cookie_cache_jwt() -> None:
    header = b64url_encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = {"session": {"token": SESSION_ID, "userId": "u1"}, "user": {"id": "u1"}}
    body = b64url_encode(json.dumps(payload).encode())
    mac = hmac.new(b"s" * 32, f"{header}.{body}".encode(), hashlib.sha256).digest()
    shape = classify(f"{header}.{body}.{b64url_encode(mac)}")
    assert shape.kind is TokenKind.COOKIE_CACHE_JWT
    assert [f.code for f in shape.findings] == ["token.cookie-cache-jwt"]


def test_jwe() -> None:
    assert classify("eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d").kind is TokenKind.JWE


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", TokenKind.EMPTY),
        ("   \n", TokenKind.EMPTY),
        ("hello world", TokenKind.NOT_JWT),
        ("<!doctype html><html>", TokenKind.NOT_JWT),
        ('{"token": "abc"}', TokenKind.NOT_JWT),
        ("\x00\x01\x02binary", TokenKind.NOT_JWT),
        ("caf\u00e9.b.c", TokenKind.NOT_JWT),
        ("a.b.c", TokenKind.MALFORMED),
        ("eyJhbGciOiJFZERTQSJ9.e30", TokenKind.NOT_JWT),
        ("x" * 20_000, TokenKind.OVERSIZED),
        ("x" * 10_000_000, TokenKind.OVERSIZED),
    ],
)
def test_other_inputs(raw: str, kind: TokenKind) -> None:
    shape = classify(raw)
    assert shape.kind is kind
    assert shape.findings  # always says why


def test_malformed_names_the_part() -> None:
    shape = classify("eyJhbGciOiJFZERTQSJ9.e30.@@@")
    assert shape.kind is TokenKind.MALFORMED
    assert "signature" in shape.findings[-1].message


def test_unsigned_and_shared_secret_jwts_decode_with_a_warning() -> None:
    header = b64url_encode(b'{"alg":"none"}')
    shape = classify(f"{header}.{b64url_encode(b'{}')}.")
    assert shape.kind is TokenKind.JWS
    assert [(f.code, f.severity.value) for f in shape.findings] == [("header.alg-none", "warning")]
    hs_header = b64url_encode(b'{"alg":"HS256"}')
    hs = classify(hs_header + "." + b64url_encode(b"{}") + ".c2ln")
    assert [f.code for f in hs.findings] == ["header.alg-not-allowed"]


def test_a_pasted_token_response_body_is_unwrapped() -> None:
    token = mint(ED_KEY)
    shape = classify(json.dumps({"token": token}))
    assert shape.kind is TokenKind.JWS and shape.token == token
    assert [f.code for f in shape.findings] == ["token.json-body"]
    session = classify(json.dumps({"token": SESSION_ID, "user": {}}))
    assert session.kind is TokenKind.SESSION_ID
    assert classify('{"token": 5}').kind is TokenKind.NOT_JWT
