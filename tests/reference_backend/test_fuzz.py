"""Fuzz of the Authorization header and the token: never a 5xx, a 200 only for a valid token.

Token-level properties run against the verifier the app uses (``TokenVerifier.verify``, in
process): the only outcomes that do not become a 5xx are a ``Principal`` (200) and
``TokenRejected`` (401), so that is what they assert, at a fraction of a request's cost. What
turns those outcomes into statuses (``HTTPBearer``, ``get_current_user``) is fuzzed through the
app itself (TestClient) with every kind of credentials and scheme.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authcheck.core.b64 import b64url_encode
from reference_backend.core.security import Principal, TokenRejected, TokenVerifier
from reference_backend.main import create_app
from tests.reference_backend.conftest import settings_for
from tests.reference_backend.jwks_server import BETTER_AUTH_ALGORITHMS, TestIssuer

HEADER_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=300
)
NOW = int(time.time())
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
# Every JSON type, at the top and inside a container: what a claim or header member could wrongly
# be. (Deeper nesting adds no new type and costs ~2x the generation time; the JWKS parser, where
# depth matters, is fuzzed with recursive documents in test_jwks.)
JSON_VALUES = (
    SCALARS
    | st.lists(SCALARS, max_size=4)
    | st.dictionaries(st.text(max_size=8), SCALARS, max_size=4)
)
FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Target:
    issuer: TestIssuer
    client: TestClient
    verifier: TokenVerifier
    tokens: dict[str, str]  # a valid token per algorithm
    forged: st.SearchStrategy[str]  # random headers and claims around a real signature
    claims: st.SearchStrategy[dict[str, object]]  # random claims, to sign with a real key


@pytest.fixture(scope="module")
def target(issuer_server: TestIssuer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    issuer = issuer_server
    issuer.reset()
    db = Path(tmp_path_factory.mktemp("fuzz")) / "tasks.db"
    app = create_app(settings_for(issuer, f"sqlite:///{db}"))
    tokens = {alg: issuer.mint("user-a", alg=alg) for alg in BETTER_AUTH_ALGORITHMS}
    with TestClient(app) as client:
        for token in tokens.values():  # the fuzz below must not pass for a broken target
            valid = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
            assert valid.status_code == 200, valid.text
        forged = forged_tokens(issuer, list(tokens.values()))
        yield Target(issuer, client, app.state.verifier, tokens, forged, claim_sets(issuer))


def forged_tokens(issuer: TestIssuer, tokens: list[str]) -> st.SearchStrategy[str]:
    kids = [key.kid for key in issuer.published] + ["", "../../dev/null", "x' OR '1'='1"]
    signatures = [token.split(".")[2] for token in tokens] + ["", "AAAA"]
    header = st.fixed_dictionaries(
        {"alg": st.sampled_from([*BETTER_AUTH_ALGORITHMS, "HS256", "none", "nOnE", "Ed25519"])},
        optional={"kid": st.sampled_from(kids) | JSON_VALUES, "jku": st.just(issuer.url)},
    )
    claims = st.fixed_dictionaries(
        {},
        optional={
            "sub": st.sampled_from(["user-a", ""]) | JSON_VALUES,
            "exp": st.integers(-(2**70), 2**70) | st.floats() | JSON_VALUES,
            "iat": st.integers(0, 2**40) | JSON_VALUES,
            "iss": st.sampled_from([issuer.url, issuer.url + "/"]) | JSON_VALUES,
            "aud": st.sampled_from([issuer.url, [issuer.url]]) | JSON_VALUES,
            "nbf": JSON_VALUES,
        },
    )

    def join(parts: tuple[Mapping[str, object], Mapping[str, object], str]) -> str:
        head, body, signature = parts
        segments = (b64url_encode(json.dumps(dict(part)).encode()) for part in (head, body))
        return ".".join((*segments, signature))

    return st.tuples(header, claims, st.sampled_from(signatures)).map(join)


def claim_sets(issuer: TestIssuer) -> st.SearchStrategy[dict[str, object]]:
    now = NOW  # fixed, so that hypothesis can replay a case
    return st.fixed_dictionaries(
        {},
        optional={
            "sub": st.sampled_from(["user-a", ""]) | JSON_VALUES,
            "exp": st.integers(now - 100, now + 100) | st.integers(-(2**70), 2**70) | JSON_VALUES,
            "iat": st.integers(now - 100, now + 100) | st.floats() | JSON_VALUES,
            "nbf": st.integers(now - 100, now + 100) | JSON_VALUES,
            "iss": st.sampled_from([issuer.url, issuer.url + "/"]) | JSON_VALUES,
            "aud": st.sampled_from([issuer.url, [issuer.url], ["x", issuer.url]]) | JSON_VALUES,
        },
    )


@st.composite
def mutated_tokens(draw: st.DrawFn, token: str) -> str:
    """A valid token with a few characters replaced, inserted or deleted."""
    chars = list(token)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(chars) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        new = draw(st.sampled_from(B64URL + "."))
        if action == "replace" and chars[at] != new:
            chars[at] = new
        elif action == "insert":
            chars.insert(at, new)
        else:
            del chars[at]
    mutated = "".join(chars)
    return mutated if mutated != token else mutated + "A"


def rejected(verifier: TokenVerifier, token: str) -> bool:
    """True if the verifier refuses the token (401); anything it raises but that is a 5xx."""
    try:
        verifier.verify(token)
    except TokenRejected:
        return True
    return False


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_authorization_header_fuzz_through_the_app_gives_401(
    target: Target, data: st.DataObject
) -> None:
    token = data.draw(st.sampled_from(list(target.tokens.values())))
    credentials = data.draw(
        HEADER_TEXT | mutated_tokens(token) | target.forged, label="credentials"
    )
    scheme = data.draw(st.sampled_from(["Bearer ", "bearer ", "BEARER  ", "Basic ", ""]))
    response = target.client.get(
        "/api/me", headers={"Authorization": f"{scheme}{credentials}".encode("latin-1")}
    )
    assert response.status_code == 401, (response.status_code, response.text)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("alg", BETTER_AUTH_ALGORITHMS)
def test_every_one_character_change_of_a_valid_token_is_rejected(target: Target, alg: str) -> None:
    """Each position deleted, and replaced by the next base64url character: ~1,000 tokens."""
    token = target.tokens[alg]
    assert not rejected(target.verifier, token)
    for at, char in enumerate(token):
        replacement = "A" if char == "." else B64URL[(B64URL.index(char) + 1) % len(B64URL)]
        for mutated in (token[:at] + token[at + 1 :], token[:at] + replacement + token[at + 1 :]):
            assert rejected(target.verifier, mutated), (at, mutated)


@settings(FUZZ, max_examples=700)
@given(data=st.data())
def test_forged_headers_and_claims_around_real_signatures_are_rejected(
    target: Target, data: st.DataObject
) -> None:
    assert rejected(target.verifier, data.draw(target.forged, label="token"))


@settings(FUZZ, max_examples=800)
@given(data=st.data())
def test_claims_signed_by_the_real_key_are_accepted_only_when_valid(
    target: Target, data: st.DataObject
) -> None:
    claims = data.draw(target.claims, label="claims")
    alg = data.draw(st.sampled_from(BETTER_AUTH_ALGORITHMS), label="alg")
    token = target.issuer.mint(alg=alg, raw_payload=json.dumps(claims))
    try:
        principal = target.verifier.verify(token)
    except TokenRejected:
        return
    now = int(time.time())
    assert isinstance(principal, Principal)
    url = target.issuer.url
    assert isinstance(claims["sub"], str) and claims["sub"] == principal.user_id
    assert claims["iss"] == url
    assert url in (claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]])
    assert isinstance(claims["exp"], int) and claims["exp"] > now - 31
    assert isinstance(claims["iat"], int | float) and claims["iat"] < now + 31
