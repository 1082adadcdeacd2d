"""core.credential: one verdict on an Authorization value, and every command agreeing with it."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from typing import Any, cast

import httpx
import jwt
import pytest

from authcheck.core.classify import TokenKind
from authcheck.core.credential import (
    CredentialVerdict,
    check_authorization,
    check_credential,
)
from authcheck.core.fetch import JwksFetcher
from authcheck.core.verify import VerifyPolicy
from authcheck.engine.browser import CapturedRequest, CaptureResult
from authcheck.engine.checks.token import SESSION_MESSAGE, check_bearer_header, check_token_format
from authcheck.engine.context import Context, SharedCapture
from authcheck.engine.results import Status as ScenarioStatus
from authcheck.engine.source import IssuerFacts
from authcheck.frontend.inspect import Verdict, inspect_capture
from authcheck.issuer.keys import PublicKey
from tests.core.keys import BASE, ED_KEY, claims, key_set, mint, sign_raw

POLICY = VerifyPolicy.better_auth(BASE)
KEYS = key_set(ED_KEY)
VALID = mint(ED_KEY)
SESSION_ID = "A" * 32


def _duplicate_sub_token() -> str:
    body = json.dumps(claims(sub="user-a"))[:-1] + ', "sub": "admin"}'
    return sign_raw(json.dumps({"alg": "EdDSA", "kid": ED_KEY.kid}), body, ED_KEY)


def judge(header: str | None) -> CredentialVerdict:
    return check_authorization(header, POLICY, key_set=KEYS).verdict


@pytest.mark.parametrize(
    ("header", "verdict"),
    [
        (None, CredentialVerdict.MISSING_HEADER),
        ("   ", CredentialVerdict.MISSING_HEADER),
        (f"Basic {VALID}", CredentialVerdict.WRONG_SCHEME),
        ("Bearer", CredentialVerdict.WRONG_SCHEME),
        (VALID, CredentialVerdict.WRONG_SCHEME),
        (f"Bearer {SESSION_ID}", CredentialVerdict.SESSION_TOKEN),
        ("Bearer not-a-token", CredentialVerdict.NOT_JWT),
        (f"Bearer {VALID}", CredentialVerdict.JWT_VALID),
        (f"bearer {VALID}", CredentialVerdict.JWT_VALID),  # the scheme is case-insensitive
        (f"BEARER {VALID}\r\n", CredentialVerdict.JWT_VALID),  # HTTP trims the field value
        (f'Bearer "{VALID}"', CredentialVerdict.JWT_INVALID),  # a backend gets the quotes too
        (f"Bearer  {VALID}", CredentialVerdict.JWT_INVALID),  # and the second space
        (f"Bearer Bearer {VALID}", CredentialVerdict.JWT_INVALID),
    ],
)
def test_authorization_value_gets_one_verdict(
    header: str | None, verdict: CredentialVerdict
) -> None:
    assert judge(header) is verdict


def test_verdict_carries_findings_and_advice_without_the_token() -> None:
    missing = check_authorization(None, POLICY, key_set=KEYS)
    assert [f.code for f in missing.findings] == ["authorization.missing"]
    wrong = check_authorization(f"Token {VALID}", POLICY, key_set=KEYS)
    assert [f.code for f in wrong.findings] == ["authorization.scheme"]
    assert VALID not in wrong.summary and wrong.advice and "authClient.token()" in wrong.advice
    quoted = check_authorization(f'Bearer "{VALID}"', POLICY, key_set=KEYS)
    assert "token.quoted" in quoted.verification.codes  # type: ignore[union-attr]
    assert quoted.verification is not None and quoted.verification.check("signature").status == (
        "pass"
    )  # the token inside is still diagnosed


def test_expired_and_wrong_issuer_tokens_are_invalid_with_the_verify_codes() -> None:
    now = int(time.time())
    expired = check_credential(
        mint(ED_KEY, claims(iat=now - 2000, exp=now - 1000)), POLICY, key_set=KEYS
    )
    assert expired.verdict is CredentialVerdict.JWT_INVALID
    assert "claims.expired" in expired.summary
    other = check_credential(
        mint(ED_KEY, claims(iss="http://127.0.0.1:3000")), POLICY, key_set=KEYS
    )
    assert other.verdict is CredentialVerdict.JWT_INVALID and other.advice
    assert "claims.iss-mismatch" in [f.code for f in other.findings]


def test_repeated_sub_is_invalid_as_claims_duplicate() -> None:
    token = _duplicate_sub_token()
    assert "claims.duplicate" in POLICY.verify(token, key_set=KEYS).codes
    checked = check_credential(token, POLICY, key_set=KEYS)
    assert checked.verdict is CredentialVerdict.JWT_INVALID
    assert "claims.duplicate" in [f.code for f in checked.findings]


def test_cookie_cache_jwt_is_a_session_credential_but_still_verified() -> None:
    now = int(time.time())
    payload = {"session": {"token": SESSION_ID, "userId": "u1"}, "user": {"id": "u1"}, "exp": now}
    cookie_cache = jwt.encode(payload, "x" * 32, algorithm="HS256")
    checked = check_credential(cookie_cache, POLICY, key_set=KEYS)
    assert checked.verdict is CredentialVerdict.SESSION_TOKEN
    assert checked.kind is TokenKind.COOKIE_CACHE_JWT
    assert checked.verification is not None and not checked.verification.valid


# --- every command asks the same function ------------------------------------------------


class _Source:
    """The slice of a TokenSource the us2 checks read: the issuer's facts and public keys."""

    users = (SimpleNamespace(id="user-a"),)

    def facts(self) -> IssuerFacts:
        return IssuerFacts(BASE, BASE, POLICY.jwks, "EdDSA", ED_KEY.kid, 900)

    def public_keys(self) -> list[PublicKey]:
        return [PublicKey.from_jwk(ED_KEY.jwk)]

    def valid_token(self, user: Any) -> str:
        return VALID


class _Browser:
    def __init__(self, result: CaptureResult) -> None:
        self.result = result

    def capture(self) -> CaptureResult:
        return self.result


def _engine_context(capture: CaptureResult) -> Context:
    unused = cast(
        Any, None
    )  # scenario, routes and the target client: the us2 checks never use them
    return Context(unused, cast(Any, _Source()), unused, unused, SharedCapture(_Browser(capture)))


def _capture_report(capture: CaptureResult) -> Verdict:
    jwks = json.dumps({"keys": [ED_KEY.jwk]}).encode()
    handler = httpx.MockTransport(lambda request: httpx.Response(200, content=jwks))
    with httpx.Client(transport=handler) as client, JwksFetcher(POLICY.jwks, client) as fetcher:
        return inspect_capture(capture, POLICY, fetcher).verdict


@pytest.mark.parametrize(
    "header",
    [
        f"bearer {VALID}",
        f"Bearer {VALID}",
        f"Bearer {VALID} ",
        f'Bearer "{VALID}"',
        f"Bearer {SESSION_ID}",
        f"Token {VALID}",
        f"Bearer {_duplicate_sub_token()}",
        None,
    ],
)
def test_capture_and_us2_bearer_header_agree(header: str | None) -> None:
    capture = CaptureResult(
        (CapturedRequest("GET", "http://127.0.0.1:1/api/me", header, 200),), None
    )
    verdict = _capture_report(capture)
    outcome = check_bearer_header(_engine_context(capture))
    assert (verdict is Verdict.JWT_VALID) == (outcome.status is ScenarioStatus.PASSED), outcome
    if verdict is Verdict.SESSION_TOKEN:
        assert outcome.reason == SESSION_MESSAGE


def test_lowercase_bearer_with_a_valid_jwt_passes_capture_and_us2_bearer_header() -> None:
    capture = CaptureResult(
        (CapturedRequest("GET", "http://127.0.0.1:1/api/me", f"bearer {VALID}", 200),), VALID
    )
    assert _capture_report(capture) is Verdict.JWT_VALID
    assert check_bearer_header(_engine_context(capture)).status is ScenarioStatus.PASSED


def test_repeated_sub_fails_us2_token_format_like_verify_reports_claims_duplicate() -> None:
    token = _duplicate_sub_token()
    capture = CaptureResult((), token_from_client=token)
    outcome = check_token_format(_engine_context(capture))
    assert outcome.status is ScenarioStatus.FAILED
    assert "claims.duplicate" in outcome.reason and token not in outcome.reason
    clean = check_token_format(_engine_context(CaptureResult((), token_from_client=VALID)))
    assert clean.status is ScenarioStatus.PASSED, clean.reason
