"""Real Better Auth JWTs through authcheck's own verifier (authcheck.core.verify)."""

from __future__ import annotations

import pytest

from authcheck.core.classify import TokenKind, classify
from authcheck.core.verify import VerifyPolicy
from authcheck.frontend.node import FrontendServer
from tests.frontend.conftest import fetch_token, sign_up

pytestmark = pytest.mark.node


def test_real_token_verifies_with_better_auth_defaults(frontend: FrontendServer) -> None:
    user = sign_up(frontend)
    token = fetch_token(frontend, user)
    policy = VerifyPolicy.better_auth(frontend.base_url)
    with policy.fetcher() as fetcher:
        result = policy.verify(token, fetcher=fetcher)
    assert result.valid, result.codes
    assert result.header is not None and result.header["alg"] == frontend.config.alg
    assert result.claims is not None and result.claims["sub"] == user.user_id


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"issuer": "http://localhost:3000"}, "claims.iss-mismatch"),
        ({"audience": "http://127.0.0.1:1/"}, "claims.aud-mismatch"),
    ],
)
def test_mismatched_issuer_or_audience_is_named(
    eddsa_frontend: FrontendServer, override: dict[str, str], code: str
) -> None:
    token = fetch_token(eddsa_frontend, sign_up(eddsa_frontend))
    policy = VerifyPolicy.better_auth(eddsa_frontend.base_url, **override)
    with policy.fetcher() as fetcher:
        result = policy.verify(token, fetcher=fetcher)
    assert not result.valid
    assert code in result.codes


def test_session_token_is_classified_as_a_session_id(eddsa_frontend: FrontendServer) -> None:
    user = sign_up(eddsa_frontend)
    assert classify(user.session_token).kind is TokenKind.SESSION_ID
