"""Advice from evidence, and the tokens the issue-9 checks build, judged in milliseconds."""

import jwt
import pytest

from authcheck.engine.checks import advice
from authcheck.engine.checks.secret import mac_token
from authcheck.issuer.forge import ForgeKeys, MintRequest, forge
from authcheck.issuer.keys import generate_key

SECRET = "a-secret-only-this-test-knows-" + "0123456789abcdef" * 3


def _token(header: dict[str, object]) -> str:
    return jwt.encode({"sub": "a"}, SECRET, algorithm="HS256", headers=header)


@pytest.mark.parametrize(
    ("credential", "expected"),
    [
        (f"Bearer {_token({})}", advice.MISSING_KID),
        (_token({}), advice.MISSING_KID),
        (f"Bearer {_token({'kid': 'k1'})}", advice.CATCH_ALL),
        ("Bearer not-a-jwt", advice.CATCH_ALL),
        (None, advice.CATCH_ALL),
    ],
)
def test_a_server_error_is_blamed_on_a_missing_kid_only_when_the_token_has_none(
    credential: str | None, expected: str
) -> None:
    assert advice.server_error(credential) == expected


def test_a_kidless_crash_is_named_in_those_words() -> None:
    assert advice.crash_phrase(_token({})) == "a token without kid crashes it"
    assert advice.crash_phrase(_token({"kid": "k1"})) == "a server error"


@pytest.mark.parametrize(
    ("fetched", "words"),
    [(None, "not known"), (0, "never fetched"), (2, "fetched the JWKS 2 time(s)")],
)
def test_rotation_advice_follows_the_fetch_count(fetched: int | None, words: str) -> None:
    assert words in advice.rotation_missed(fetched)


def test_every_valid_token_refused_with_no_fetch_points_at_a_shared_secret() -> None:
    assert advice.valid_refused(0) == advice.SHARED_SECRET_SETUP
    assert advice.valid_refused(3) == advice.UNDECIDED
    assert advice.valid_refused(None) == advice.UNDECIDED


def test_outage_and_unknown_kid_advice_put_an_acceptance_first() -> None:
    assert "Never accept" in advice.outage({"accepted", "crashed"})
    assert "503, not 500" in advice.outage({"crashed"})
    assert advice.unknown_kid({200, 500}) == advice.NO_JWKS_VERIFICATION
    assert "must get 401" in advice.unknown_kid({500})


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_shared_secret_tokens_verify_with_that_secret_and_no_other(alg: str) -> None:
    token = mac_token({"sub": "a"}, SECRET, alg)
    assert jwt.decode(token, SECRET, algorithms=[alg]) == {"sub": "a"}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, SECRET + "x", algorithms=[alg])


def test_a_null_header_member_is_left_out() -> None:
    key = generate_key("EdDSA")
    keys = ForgeKeys(issuer_public=key.public, foreign=generate_key("EdDSA"), issuer_sign=key.sign)
    minted = forge(MintRequest(header={"kid": None}), keys, {"sub": "a"})
    assert "kid" not in jwt.get_unverified_header(minted.token)
    assert minted.kid is None
    verified = jwt.decode(minted.token, key.public.key, algorithms=["EdDSA"])
    assert verified == {"sub": "a"}
