"""Property-based fuzz of the Authorization header: never a 5xx, never a 200.

Runs in process (FastAPI's TestClient) against a real test issuer, for speed: thousands of cases.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authcheck.core.b64 import b64url_encode
from reference_backend.main import create_app
from tests.reference_backend.conftest import settings_for
from tests.reference_backend.jwks_server import TestIssuer

HEADER_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=300
)
NOW = int(time.time())
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


Target = tuple[TestIssuer, TestClient, list[str]]


@pytest.fixture(scope="module")
def fuzz_target(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Target]:
    db = Path(tmp_path_factory.mktemp("fuzz")) / "tasks.db"
    with TestIssuer() as issuer:
        app = create_app(
            settings_for(issuer, f"sqlite:///{db}", JWT_ALGORITHMS="EdDSA,ES256,RS256")
        )
        tokens = [issuer.mint("user-a", alg=alg) for alg in ("EdDSA", "ES256", "RS256")]
        with TestClient(app) as client:
            valid = client.get("/api/me", headers={"Authorization": f"Bearer {tokens[0]}"})
            assert valid.status_code == 200  # the fuzz below must not pass for a broken target
            yield issuer, client, tokens


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


@st.composite
def forged_tokens(draw: st.DrawFn, issuer: TestIssuer, token: str) -> str:
    """Random headers and claims around a real token's signature (or none at all)."""
    kids = [key.kid for key in issuer.published] + ["", "../../dev/null", "x' OR '1'='1"]
    header = draw(
        st.fixed_dictionaries(
            {"alg": st.sampled_from(["EdDSA", "ES256", "RS256", "HS256", "none", "nOnE", "PS256"])},
            optional={"kid": st.sampled_from(kids) | JSON_VALUES, "jku": st.just(issuer.url)},
        )
    )
    claims = draw(
        st.fixed_dictionaries(
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
    )
    signature = draw(st.sampled_from([token.split(".")[2], "", "AAAA"]))
    segments = (b64url_encode(json.dumps(part).encode()) for part in (header, claims))
    return ".".join((*segments, signature))


@settings(
    max_examples=3000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_authorization_header_fuzz_never_gives_5xx_or_200(
    fuzz_target: Target, data: st.DataObject
) -> None:
    issuer, client, tokens = fuzz_target
    token = data.draw(st.sampled_from(tokens))
    credentials = data.draw(
        HEADER_TEXT | mutated_tokens(token) | forged_tokens(issuer, token), label="credentials"
    )
    scheme = data.draw(st.sampled_from(["Bearer ", "bearer ", "BEARER  ", "Basic ", ""]))
    response = client.get(
        "/api/me", headers={"Authorization": f"{scheme}{credentials}".encode("latin-1")}
    )
    assert response.status_code == 401, (response.status_code, response.text)


@settings(
    max_examples=1500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_claims_signed_by_the_real_key_never_give_5xx_and_200_only_when_valid(
    fuzz_target: Target, data: st.DataObject
) -> None:
    issuer, client, _ = fuzz_target
    now = NOW  # fixed, so that hypothesis can replay a case
    claims = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "sub": st.sampled_from(["user-a", ""]) | JSON_VALUES,
                "exp": st.integers(now - 100, now + 100)
                | st.integers(-(2**70), 2**70)
                | JSON_VALUES,
                "iat": st.integers(now - 100, now + 100) | st.floats() | JSON_VALUES,
                "nbf": st.integers(now - 100, now + 100) | JSON_VALUES,
                "iss": st.sampled_from([issuer.url, issuer.url + "/"]) | JSON_VALUES,
                "aud": st.sampled_from([issuer.url, [issuer.url], ["x", issuer.url]]) | JSON_VALUES,
            },
        ),
        label="claims",
    )
    token = issuer.mint(raw_payload=json.dumps(claims))
    response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    now = int(time.time())
    assert response.status_code in (200, 401), (response.status_code, response.text)
    if response.status_code == 200:
        assert isinstance(claims["sub"], str) and claims["sub"]
        assert claims["iss"] == issuer.url
        assert issuer.url in (claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]])
        assert isinstance(claims["exp"], int) and claims["exp"] > now - 31
        assert isinstance(claims["iat"], int | float) and claims["iat"] < now + 31
