from collections.abc import Iterator

import httpx
import pytest

from authcheck.engine.better_auth import BetterAuthSource
from authcheck.engine.catalogue import Capability, Scenario
from authcheck.engine.results import Status
from authcheck.engine.runner import Runner, RunOptions
from authcheck.errors import BadInputError
from authcheck.serve import ThreadedUvicorn, free_port
from tests.broken_backends.app import build_app
from tests.engine.fake_better_auth import build_fake_better_auth

NEEDS_PRIVATE_KEY = {
    "edge.expired",
    "edge.wrong-issuer",
    "edge.wrong-audience",
    "edge.missing-claims",
    "edge.not-yet-valid",
    "edge.key-rotation",
    "edge.jwks-unavailable",
    "edge.deleted-user",
    "sc002.local-validation",
    "us2.bearer-header",  # no browser
}


@pytest.fixture(scope="module")
def better_auth() -> Iterator[str]:
    port = free_port()
    app, _ = build_fake_better_auth(f"http://127.0.0.1:{port}")
    with ThreadedUvicorn(app, port=port) as server:
        yield server.url


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def test_fresh_users_real_tokens_and_forged_attacks(
    better_auth: str, http: httpx.Client, catalogue: tuple[Scenario, ...]
) -> None:
    source = BetterAuthSource(better_auth, http)
    assert Capability.BETTER_AUTH in source.capabilities
    assert Capability.MINT not in source.capabilities
    a, b = source.users
    assert a.id != b.id and a.session_id and a.session_cookie
    with ThreadedUvicorn(build_app(better_auth)) as backend:
        report = Runner(source, RunOptions(target=backend.url)).run(catalogue)
    statuses = {r.id: r.status for r in report.results}
    # skipped: exactly the scenarios needing what a real Better Auth without the plugin cannot
    # do (sign with its key, steer its JWKS) or a browser; every other one passes
    cannot = {s.id for s in catalogue if not set(s.needs) <= source.capabilities}
    assert NEEDS_PRIVATE_KEY <= cannot
    assert {k for k, v in statuses.items() if v is Status.SKIPPED} == cannot
    assert {k for k, v in statuses.items() if v is not Status.SKIPPED} == {
        k for k, v in statuses.items() if v is Status.PASSED
    }
    embedded = next(r for r in report.results if r.id == "edge.embedded-key")
    assert "not observable" in embedded.reason


def test_forged_attacks_still_catch_defects(
    better_auth: str, http: httpx.Client, catalogue: tuple[Scenario, ...]
) -> None:
    source = BetterAuthSource(better_auth, http)
    chosen = tuple(s for s in catalogue if s.id in {"edge.alg-none", "edge.session-token"})
    defects = frozenset({"alg-none-accepted", "accepts-session-ids"})
    with ThreadedUvicorn(build_app(better_auth, defects)) as backend:
        report = Runner(source, RunOptions(target=backend.url)).run(chosen)
    assert {r.status for r in report.results} == {Status.FAILED}


def test_given_users_sign_in(better_auth: str, http: httpx.Client) -> None:
    pairs = [("ann@example.com", "pw-ann-123456"), ("bob@example.com", "pw-bob-123456")]
    for email, password in pairs:
        created = http.post(
            better_auth + "/api/auth/sign-up/email",
            json={"email": email, "password": password, "name": email},
            headers={"Origin": better_auth},
        )
        assert created.status_code == 200
    source = BetterAuthSource(better_auth, http, users=pairs)
    assert [u.email for u in source.users] == ["ann@example.com", "bob@example.com"]
    assert "given users" in source.description
    token = source.valid_token(source.users[1])
    assert token.count(".") == 2
    with pytest.raises(BadInputError, match="sign-in of nobody@example.com failed with 401"):
        BetterAuthSource(better_auth, http, users=[("nobody@example.com", "x"), pairs[1]])
