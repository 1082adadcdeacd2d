"""The contract suite, part two (docs/control-api.md): staged keys, rotation to another algorithm
and ``POST /unstage``, over the Python test issuer, the plugin on node:http and in Next.js.

Every test leaves the implementation as it found it (nothing staged, the original algorithm):
the servers are shared by the whole session."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from tests.plugin.conftest import Implementation
from tests.plugin.nextapp import NextApp
from tests.plugin.test_contract import mint, served, verify

pytestmark = pytest.mark.node

OTHER_ALGS = ["ES256", "ES512", "RS256", "PS256"]


def post(control: httpx.Client, path: str, **body: Any) -> dict[str, Any]:
    response = control.post(path, json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def tidy(control: httpx.Client) -> Iterator[dict[str, Any]]:
    """The implementation's /info before the test; afterwards nothing is staged and the current
    key has the algorithm it had."""
    before = control.get("/info").json()
    yield before
    post(control, "/unstage")
    if control.get("/info").json()["alg"] != before["alg"]:
        post(control, "/rotate", alg=before["alg"])


def test_a_staged_key_is_published_but_signs_only_when_named(
    implementation: Implementation, control: httpx.Client, tidy: dict[str, Any]
) -> None:
    staged = post(control, "/rotate", stage=True)
    assert staged["staged"] is True and staged["alg"] == tidy["alg"]
    assert staged["kid"] != tidy["kid"]
    assert set(staged["kids"]) == {*tidy["kids"], staged["kid"]}
    assert staged["kid"] in served(implementation)
    info = control.get("/info").json()
    assert (info["kid"], info["staged"]) == (tidy["kid"], [staged["kid"]])

    ordinary = mint(control, claims={"sub": "u"})
    assert jwt.get_unverified_header(ordinary["token"])["kid"] == tidy["kid"]
    named = mint(control, claims={"sub": "u"}, kid=staged["kid"])
    assert named["kid"] == staged["kid"]
    assert jwt.get_unverified_header(named["token"]) == {"alg": tidy["alg"], "kid": staged["kid"]}
    assert verify(implementation, named["token"], audience=info["audience"])["sub"] == "u"


def test_unstage_drops_the_staged_key_from_the_key_set(
    implementation: Implementation, control: httpx.Client, tidy: dict[str, Any]
) -> None:
    kid = post(control, "/rotate", stage=True)["kid"]
    dropped = post(control, "/unstage")
    assert dropped["dropped"] == [kid]
    assert kid not in dropped["kids"] and kid not in served(implementation)
    assert control.get("/info").json()["staged"] == []
    refused = control.post("/mint", json={"claims": {"sub": "u"}, "kid": kid})
    assert refused.status_code == 400 and "kid" in refused.json()["error"]


def test_a_plain_rotate_promotes_the_staged_key(
    implementation: Implementation, control: httpx.Client, tidy: dict[str, Any]
) -> None:
    kid = post(control, "/rotate", stage=True)["kid"]
    rotated = post(control, "/rotate")
    assert (rotated["kid"], rotated["staged"]) == (kid, False)
    info = control.get("/info").json()
    assert (info["kid"], info["staged"]) == (kid, [])
    assert tidy["kid"] in info["kids"]  # the old key stays published (grace period)
    token = mint(control, claims={"sub": "u"})["token"]
    assert jwt.get_unverified_header(token)["kid"] == kid
    assert verify(implementation, token)["sub"] == "u"


@pytest.mark.parametrize("alg", OTHER_ALGS)
def test_rotation_to_another_algorithm_signs_with_it_and_back(
    implementation: Implementation, control: httpx.Client, tidy: dict[str, Any], alg: str
) -> None:
    rotated = post(control, "/rotate", alg=alg)
    assert rotated["alg"] == alg
    info = control.get("/info").json()
    assert (info["alg"], info["kid"]) == (alg, rotated["kid"])
    token = mint(control, claims={"sub": "u"})["token"]
    assert jwt.get_unverified_header(token) == {"alg": alg, "kid": rotated["kid"]}
    assert verify(implementation, token, audience=info["audience"])["sub"] == "u"
    back = post(control, "/rotate", alg=tidy["alg"])
    assert control.get("/info").json()["alg"] == back["alg"] == tidy["alg"]


def test_staged_keys_of_every_other_algorithm_at_once(
    implementation: Implementation, control: httpx.Client, tidy: dict[str, Any]
) -> None:
    kids = {alg: post(control, "/rotate", stage=True, alg=alg)["kid"] for alg in OTHER_ALGS}
    assert control.get("/info").json()["kid"] == tidy["kid"]
    for alg, kid in kids.items():
        token = mint(control, claims={"sub": "u"}, kid=kid)["token"]
        assert jwt.get_unverified_header(token) == {"alg": alg, "kid": kid}
        assert verify(implementation, token)["sub"] == "u"
    assert jwt.get_unverified_header(mint(control, claims={"sub": "u"})["token"]) == {
        "alg": tidy["alg"],
        "kid": tidy["kid"],
    }
    assert sorted(post(control, "/unstage")["dropped"]) == sorted(kids.values())


def test_rotating_to_an_algorithm_that_is_not_staged_is_refused(
    control: httpx.Client, tidy: dict[str, Any]
) -> None:
    post(control, "/rotate", stage=True, alg="ES256")
    refused = control.post("/rotate", json={"alg": "RS256"})
    assert refused.status_code == 400 and "alg" in refused.json()["error"]
    assert control.get("/info").json()["kid"] == tidy["kid"]


@pytest.mark.parametrize(
    ("path", "body", "named"),
    [
        ("/rotate", '{"alg": "HS256"}', "alg"),
        ("/rotate", '{"stage": "yes"}', "stage"),
        ("/rotate", '{"colour": 1}', "colour"),
        ("/rotate", "{not json", "JSON"),
        ("/mint", '{"kid": 7}', "kid"),
        ("/mint", '{"kid": "nope"}', "kid"),
        ("/mint", '{"kid": "nope", "signer": "foreign"}', "kid"),
    ],
)
def test_bad_key_requests_get_400_naming_what_is_wrong(
    control: httpx.Client, path: str, body: str, named: str
) -> None:
    response = control.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert named in response.json()["error"]


# -- Better Auth's own signing (the plugin only: the Python issuer has no /token) ---------------


@pytest.fixture(params=["plugin-node", "plugin-next"])
def better_auth(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(origin, auth base URL) of a real Better Auth with the plugin."""
    if request.param == "plugin-node":
        node: Implementation = request.getfixturevalue("node_implementation")
        return node.control_base.removesuffix("/api/auth"), node.control_base
    app: NextApp = request.getfixturevalue("next_app")
    return app.url, app.auth_url


def better_auth_jwt(origin: str, auth: str) -> str:
    """A JWT from Better Auth's own ``/token`` for a fresh user (its own key choice)."""
    with httpx.Client(timeout=30, headers={"Origin": origin}) as client:
        email = f"stage-{secrets.token_hex(6)}@example.com"
        body = {"email": email, "password": "a-long-password-42", "name": "stage"}
        assert client.post(f"{auth}/sign-up/email", json=body).status_code == 200
        response = client.get(f"{auth}/token")
        assert response.status_code == 200, response.text
        return str(response.json()["token"])


def test_better_auth_keeps_signing_with_the_current_key_while_one_is_staged(
    better_auth: tuple[str, str],
) -> None:
    origin, auth = better_auth
    with httpx.Client(base_url=f"{auth}/__authcheck", timeout=30) as control:
        current = control.get("/info").json()["kid"]
        try:
            staged = post(control, "/rotate", stage=True, alg="RS256")["kid"]
            post(control, "/rotate", stage=True)
            header = jwt.get_unverified_header(better_auth_jwt(origin, auth))
            assert header["kid"] == current
            promoted = post(control, "/rotate", alg="RS256")["kid"]
            assert promoted == staged
            header = jwt.get_unverified_header(better_auth_jwt(origin, auth))
            assert header == {"alg": "RS256", "kid": staged}
        finally:
            post(control, "/unstage")
            if control.get("/info").json()["alg"] != "EdDSA":
                post(control, "/rotate", alg="EdDSA")
