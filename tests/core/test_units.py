"""Small pure pieces: base64url, strict JSON, times, iss/aud differences, the findings catalogue."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from authcheck.core.b64 import Base64Error, b64url_decode, b64url_encode
from authcheck.core.findings import CATALOGUE, Finding, Severity, finding
from authcheck.core.hints import audience_hint, issuer_hint, url_differences
from authcheck.core.jose import DecodeError, decode_unverified, parse_json_object
from authcheck.core.timefmt import duration, expiry, lifetime_note, utc

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("bad", ["ab=", "a+b", "a/b", "a b", "abcde", "QR"])
def test_base64url_is_strict(bad: str) -> None:
    with pytest.raises(Base64Error):
        b64url_decode(bad)


def test_base64url_round_trip() -> None:
    for data in (b"", b"f", b"fo", b"foo", bytes(range(256))):
        assert b64url_decode(b64url_encode(data)) == data


def test_json_duplicates_are_recorded_at_any_depth() -> None:
    parsed = parse_json_object(b'{"a":1,"b":{"c":1,"c":2},"a":3}', "x")
    assert parsed.value == {"a": 3, "b": {"c": 2}}
    assert sorted(parsed.duplicates) == ["a", "c"]


@pytest.mark.parametrize("text", [b"NaN", b'{"a": NaN}', b'{"a": Infinity}', b"[", b"\xff"])
def test_json_rejects_non_json(text: bytes) -> None:
    with pytest.raises(ValueError):
        parse_json_object(text, "x")


def test_decode_never_exposes_the_signature_in_repr() -> None:
    decoded = decode_unverified("eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlLWJ5dGVz")
    assert decoded.signature_len == len(b"signature-bytes")
    assert "c2lnbmF0dXJl" not in repr(decoded) and "signature-bytes" not in repr(decoded)


def test_decode_errors_carry_a_finding() -> None:
    with pytest.raises(DecodeError) as info:
        decode_unverified("a.b")
    assert info.value.finding.code == "token.malformed"


def test_times() -> None:
    assert utc(1300819380) == "2011-03-22 18:43:00 UTC"
    assert duration(723) == "12m 03s"
    assert duration(5) == "5s"
    assert duration(3600 + 61) == "1h 01m 01s"
    assert duration(90061) == "1d 1h 01m 01s"
    assert expiry(1000 + 723, 1000) == "expires in 12m 03s"
    assert expiry(1000 - 190, 1000) == "expired 3m 10s ago"
    assert "default" in lifetime_note(0, 900)
    assert "longer than" in lifetime_note(0, 3600)
    # exp before (or at) iat is no lifetime at all, not "2m 00s, shorter than the default"
    assert lifetime_note(1000, 880) == "exp is 2m 00s before iat: the token was never valid"
    assert "never valid" in lifetime_note(1000, 1000)
    assert "out of range" in utc(1e300)


@pytest.mark.parametrize(
    ("expected", "actual", "words"),
    [
        ("https://app.example.com", "http://app.example.com", ["scheme"]),
        ("http://localhost:3000", "http://127.0.0.1:3000", ["localhost", "same machine"]),
        ("http://localhost:3000", "http://localhost:3001", ["port"]),
        ("http://localhost:3000", "http://localhost:3000/", ["trailing slash"]),
        ("http://localhost:3000", "http://localhost:3000/api/auth", ["path"]),
        ("http://localhost:3000", "HTTP://LOCALHOST:3000", ["case"]),
        ("http://localhost:3000", " http://localhost:3000", ["whitespace"]),
    ],
)
def test_url_differences_name_the_difference(expected: str, actual: str, words: list[str]) -> None:
    text = " ".join(url_differences(expected, actual))
    for word in words:
        assert word in text


def test_iss_and_aud_hints_name_the_settings() -> None:
    hint = issuer_hint("http://localhost:3000", "http://127.0.0.1:3000")
    assert "BETTER_AUTH_URL" in hint and "JWT_ISSUER" in hint
    assert "jwt.audience" in audience_hint(["http://a"], "http://b")
    assert "list" in audience_hint(["http://a"], ["http://b"])
    assert "no aud" in audience_hint(["http://a"], None)


def test_findings_catalogue_is_documented() -> None:
    doc = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z]+\.[a-z-]+)` \|", doc, flags=re.M))
    assert documented == set(CATALOGUE)


def test_issue_codes_are_all_in_the_catalogue() -> None:
    required = """token.not-jwt token.session-id token.signed-session-cookie
    token.cookie-cache-jwt token.bearer-prefix token.quoted token.whitespace token.url-encoded
    token.jwe token.malformed token.oversized header.alg-none header.alg-not-allowed
    header.kid-missing header.kid-unknown header.embedded-key header.crit signature.invalid
    key.alg-mismatch claims.expired claims.not-yet-valid claims.iat-future claims.iss-mismatch
    claims.aud-mismatch claims.sub-missing claims.missing claims.type claims.duplicate
    jwks.unreachable jwks.invalid jwks.private-key-exposed jwks.duplicate-kid jwks.weak-key
    jwks.enc-key""".split()
    assert set(required) <= set(CATALOGUE)


def test_finding_helper_uses_the_catalogue_severity() -> None:
    assert finding("token.quoted", "m").severity is Severity.WARNING
    assert finding("token.quoted", "m", severity=Severity.ERROR).severity is Severity.ERROR
    assert Finding("a.b", Severity.INFO, "m").to_dict()["severity"] == "info"
    with pytest.raises(KeyError):
        finding("made.up", "m")


def test_lint_key_set_accepts_documents_and_key_sets() -> None:
    from authcheck.core.jwks import lint_key_set, parse_key_set

    doc = {"keys": [{"kty": "RSA", "kid": "a", "n": "AQAB", "e": "AQAB", "d": "AQ"}]}
    codes = {f.code for f in lint_key_set(doc)}
    assert {"jwks.private-key-exposed", "jwks.weak-key"} <= codes
    assert lint_key_set(parse_key_set(doc)) == lint_key_set(json.dumps(doc))
