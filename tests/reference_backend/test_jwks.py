"""The key set: fetched once, refetched when older than its max age (JWKS_CACHE_TTL or a smaller
Cache-Control max-age) or for an unknown kid (at most every 10 s, counted from the last such
refetch); kept during outages; with no keys, retried on the next request (at most every 0.25 s).

One backend server per module: each test gets a fresh key cache (``backend.use``), most of them
on a fake clock the test moves (no sleeping)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from jwt.algorithms import OKPAlgorithm

from authcheck.issuer.keys import generate_key
from reference_backend.core.jwks import JWKSCache, KeySetUnavailable, cache_max_age, parse_jwks
from tests.reference_backend.conftest import Backend, jwks_url
from tests.reference_backend.jwks_server import TestIssuer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clocked(backend: Backend, clock: FakeClock) -> Backend:
    """The backend with a JWKS cache that runs on a clock the test moves (no sleeping)."""
    backend.use(clock=clock)
    return backend


def me(backend: Backend, token: str) -> int:
    return backend.call("GET", "/api/me", token).status_code


def at_once(backend: Backend, token: str, count: int = 16) -> list[int]:
    """The statuses of ``count`` requests released together (a barrier, no sleeping)."""
    barrier, statuses = threading.Barrier(count), []

    def request() -> None:
        barrier.wait()
        statuses.append(me(backend, token))

    threads = [threading.Thread(target=request) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_many_requests_cause_exactly_one_jwks_fetch(issuer: TestIssuer, backend: Backend) -> None:
    tokens = [issuer.mint(f"user-{n}", alg=alg) for n, alg in enumerate(["EdDSA", "ES256"] * 5)]
    statuses = [me(backend, tokens[n % len(tokens)]) for n in range(300)]  # over real HTTP
    assert statuses == [200] * 300
    for n in range(1000):  # the same dependency, in process: the cache is what is under test
        assert backend.verifier.verify(tokens[n % len(tokens)]).user_id == f"user-{n % 10}"
    assert issuer.hits == 1


def test_concurrent_first_requests_share_one_fetch(issuer: TestIssuer, backend: Backend) -> None:
    assert at_once(backend, issuer.mint()) == [200] * 16
    assert issuer.hits == 1


def test_a_key_removed_from_the_jwks_is_refused_once_the_set_is_older_than_the_ttl(
    issuer: TestIssuer, clocked: Backend, clock: FakeClock
) -> None:
    revoked, kept = issuer.mint(), issuer.mint(alg="ES256")
    assert (me(clocked, revoked), me(clocked, kept)) == (200, 200)
    issuer.retire(issuer.current["EdDSA"])
    clock.now += 299.9
    assert me(clocked, revoked) == 200  # the set is 299.9 s old: still trusted, not refetched
    assert issuer.hits == 1
    clock.now += 0.1
    response = clocked.call("GET", "/api/me", revoked)
    assert response.status_code == 401
    assert "not in the key set" in response.json()["detail"]
    assert me(clocked, kept) == 200
    assert issuer.hits == 2
    assert me(clocked, issuer.mint(alg="ES256")) == 200  # the fresh set is used without refetch
    assert issuer.hits == 2


def test_within_the_ttl_a_thousand_requests_cause_one_fetch(
    issuer: TestIssuer, clocked: Backend, clock: FakeClock
) -> None:
    tokens = [issuer.mint(f"user-{n}", alg=alg) for n, alg in enumerate(["EdDSA", "ES256"] * 5)]
    start, verify = clock.now, clocked.verifier.verify
    assert me(clocked, tokens[0]) == 200
    for n in range(1, 1000):
        clock.now = start + n * 0.2999  # the last request comes 299.6 s after the fetch
        assert verify(tokens[n % len(tokens)]).user_id == f"user-{n % 10}"
    assert issuer.hits == 1
    clock.now = start + 300
    assert me(clocked, tokens[0]) == 200
    assert issuer.hits == 2


@pytest.mark.parametrize("outage", [False, True], ids=["up", "down"])
def test_concurrent_requests_on_an_expired_set_share_one_refetch(
    issuer: TestIssuer, clocked: Backend, clock: FakeClock, outage: bool
) -> None:
    token = issuer.mint()
    assert me(clocked, token) == 200
    issuer.outage = outage
    clock.now += 300
    assert at_once(clocked, token) == [200] * 16
    assert issuer.hits == 2


def test_an_outage_at_refresh_time_keeps_serving_and_retries_after_10_s(
    issuer: TestIssuer, clocked: Backend, clock: FakeClock
) -> None:
    token = issuer.mint()
    assert me(clocked, token) == 200
    issuer.outage = True
    clock.now += 300
    assert me(clocked, token) == 200  # the refetch failed: the cached keys keep working
    assert issuer.hits == 2
    clock.now += 9.9
    assert [me(clocked, issuer.mint(f"user-{n}")) for n in range(20)] == [200] * 20
    assert issuer.hits == 2  # no retry before the 10 s floor
    clock.now += 0.1
    assert me(clocked, token) == 200
    assert issuer.hits == 3  # retried, still down, still serving
    issuer.outage = False
    issuer.retire(issuer.current["EdDSA"])
    clock.now += 10
    assert me(clocked, token) == 401  # back up: the set is refreshed and the key is gone
    assert me(clocked, issuer.mint(alg="ES256")) == 200
    assert issuer.hits == 4


@pytest.mark.parametrize(
    ("cache_control", "lifetime"),
    [
        ("public, max-age=60", 60),  # smaller than JWKS_CACHE_TTL: honoured
        ('max-age="45", must-revalidate', 45),
        ("max-age=0", 10),  # expired at once, but fetches stay 10 s apart
        ("public, max-age=3600", 300),  # larger: the TTL wins
        ("max-age=soon", 300),  # malformed: ignored
    ],
)
def test_a_smaller_cache_control_max_age_is_honoured(
    issuer: TestIssuer, clocked: Backend, clock: FakeClock, cache_control: str, lifetime: float
) -> None:
    issuer.cache_control = cache_control
    token = issuer.mint()
    assert me(clocked, token) == 200
    issuer.retire(issuer.current["EdDSA"])
    clock.now += lifetime - 0.1
    assert me(clocked, token) == 200
    assert issuer.hits == 1
    clock.now += 0.1
    assert me(clocked, token) == 401
    assert issuer.hits == 2


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("max-age=60", 60),
        ("Public,MAX-AGE=7 , private", 7),
        ('max-age="45"', 45),
        ("s-maxage=5", None),
        ("max-age=-5", None),
        ("max-age=5x", None),
        ("no-store", None),
        (None, None),
    ],
)
def test_cache_control_max_age_parsing(header: str | None, seconds: int | None) -> None:
    assert cache_max_age(header) == seconds


def test_key_rotation_is_picked_up(issuer: TestIssuer, clocked: Backend, clock: FakeClock) -> None:
    old_token = issuer.mint()
    assert me(clocked, old_token) == 200
    clock.now += 60
    issuer.rotate()
    new_token = issuer.mint()
    assert me(clocked, new_token) == 200
    assert me(clocked, old_token) == 200  # the old key stays published and cached
    assert issuer.hits == 2


@pytest.mark.parametrize("after_warm_up", [1, 60])
def test_an_unknown_kid_flood_costs_at_most_one_fetch_per_10_s(
    issuer: TestIssuer, clocked: Backend, clock: FakeClock, after_warm_up: float
) -> None:
    assert me(clocked, issuer.mint()) == 200
    clock.now += after_warm_up
    strangers = [issuer.mint(key=generate_key("EdDSA", f"random-{n}")) for n in range(50)]
    assert [me(clocked, token) for token in strangers] == [401] * 50
    assert issuer.hits == 2
    clock.now += 9.9
    assert me(clocked, strangers[0]) == 401
    assert issuer.hits == 2
    clock.now += 0.1
    assert me(clocked, strangers[0]) == 401
    assert issuer.hits == 3


def test_a_key_rotated_one_second_after_warm_up_is_accepted_at_once(
    issuer: TestIssuer, clocked: Backend, clock: FakeClock
) -> None:
    assert me(clocked, issuer.mint()) == 200
    clock.now += 1
    issuer.rotate()
    assert me(clocked, issuer.mint()) == 200  # the first token with the new kid
    assert issuer.hits == 2


def test_outage_after_warm_up_keeps_serving(
    issuer: TestIssuer, clocked: Backend, clock: FakeClock
) -> None:
    token = issuer.mint()
    assert me(clocked, token) == 200
    issuer.outage = True
    clock.now += 60
    assert me(clocked, issuer.mint(key=generate_key("EdDSA", "unknown"))) == 401  # tries, fails
    assert issuer.hits == 2
    assert [me(clocked, issuer.mint(f"user-{n}")) for n in range(20)] == [200] * 20


def test_after_a_cold_outage_ends_the_next_request_gets_200(
    issuer: TestIssuer, clocked: Backend, clock: FakeClock
) -> None:
    issuer.outage = True
    token = issuer.mint()
    for _ in range(3):
        response = clocked.call("GET", "/api/me", token)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "1"
        assert "HTTP 503" in response.json()["detail"]
    assert issuer.hits == 1  # within 0.25 s of a failed fetch: no new one
    issuer.outage = False
    clock.now += 0.25
    assert me(clocked, token) == 200  # not 10 s of 503s to valid tokens
    assert issuer.hits == 2


def test_with_no_keys_the_jwks_is_retried_at_most_four_times_a_second(
    issuer: TestIssuer, clocked: Backend, clock: FakeClock
) -> None:
    issuer.outage = True
    token, start = issuer.mint(), clock.now
    for n in range(40):  # a request every 50 ms for 2 s
        clock.now = start + n * 0.05
        assert clocked.call("GET", "/api/me", token).status_code == 503
    assert 2 <= issuer.hits <= 1 + 2 / 0.25


def test_concurrent_requests_with_no_keys_share_one_fetch(
    issuer: TestIssuer, clocked: Backend, clock: FakeClock
) -> None:
    issuer.outage = True
    token = issuer.mint()
    assert at_once(clocked, token) == [503] * 16
    assert issuer.hits == 1
    issuer.outage = False
    clock.now += 0.25
    assert at_once(clocked, token) == [200] * 16
    assert issuer.hits == 2


def test_a_backend_started_before_better_auth_serves_once_it_is_up(
    backend: Backend, clock: FakeClock
) -> None:
    later = TestIssuer(algorithms=("EdDSA",))  # its port is chosen, nothing listens there yet
    backend.use(clock=clock, BETTER_AUTH_URL=later.url)
    token = later.mint()
    response = backend.call("GET", "/api/me", token)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "ConnectError" in response.json()["detail"]
    with later:
        clock.now += 0.25
        assert me(backend, token) == 200
    assert later.hits == 1


def test_keys_for_encryption_without_verify_or_with_duplicate_kids_are_not_used(
    issuer: TestIssuer, backend: Backend
) -> None:
    ed, es, rs = (issuer.current[alg] for alg in ("EdDSA", "ES256", "RS256"))
    twin = generate_key("RS256", rs.kid)
    good = issuer.rotate("EdDSA")
    issuer.raw_jwks = {
        "keys": [
            {**ed.public.jwk(), "use": "enc"},
            {**es.public.jwk(), "key_ops": ["encrypt"]},
            rs.public.jwk(),
            twin.public.jwk(),
            issuer.current["EdDSA"].public.jwk(),
        ]
    }
    for key in (ed, es, rs, twin):
        response = backend.call("GET", "/api/me", issuer.mint(key=key))
        assert response.status_code == 401, key.kid
    assert issuer.current["EdDSA"].kid == good
    assert me(backend, issuer.mint()) == 200


def test_a_key_set_without_usable_keys_gives_503(issuer: TestIssuer, backend: Backend) -> None:
    issuer.raw_jwks = {"keys": [{**issuer.current["EdDSA"].public.jwk(), "use": "enc"}]}
    response = backend.call("GET", "/api/me", issuer.mint())
    assert response.status_code == 503
    assert "no usable signing key" in response.json()["detail"]


@pytest.mark.parametrize("document", [[], {"keys": {}}, "keys", None])
def test_a_document_that_is_not_a_key_set_is_refused(document: object) -> None:
    with pytest.raises(ValueError, match="not a JWK Set"):
        parse_jwks(document)


def test_symmetric_and_private_keys_are_never_trusted() -> None:
    private = Ed25519PrivateKey.generate()
    private_jwk = {**OKPAlgorithm.to_jwk(private, as_dict=True), "kid": "k1"}
    oct_jwk = {"kty": "oct", "k": "c2VjcmV0", "kid": "k2"}
    public = generate_key("EdDSA", "k3").public.jwk()
    odd_ops = {**generate_key("EdDSA", "k5").public.jwk(), "key_ops": 7}
    keys = [private_jwk, oct_jwk, public, {"kid": "k4"}, odd_ops, "k6", {"kid": 7}]
    assert list(parse_jwks({"keys": keys})) == ["k3"]


def test_jwks_fetch_does_not_follow_redirects(issuer: TestIssuer) -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(302, headers={"Location": jwks_url(issuer)})
    )
    cache = JWKSCache("http://idp.test/jwks", client=httpx.Client(transport=transport))
    with pytest.raises(KeySetUnavailable, match="no signing keys"):
        cache.get("any")
    assert issuer.hits == 0


def test_a_key_set_nested_too_deep_to_parse_is_refused_not_raised() -> None:
    deep = httpx.MockTransport(lambda request: httpx.Response(200, content=b"[" * 200_000))
    cache = JWKSCache("http://idp.test/jwks", client=httpx.Client(transport=deep))
    with pytest.raises(KeySetUnavailable, match="invalid key set"):
        cache.get("any")


JWK_MEMBERS = st.sampled_from(["kid", "kty", "crv", "x", "y", "n", "e", "alg", "use", "key_ops"])
JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=12)


def _containers(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(inner, max_size=3) | st.dictionaries(JWK_MEMBERS, inner, max_size=6)


# A named function: hypothesis cannot read a multi-line lambda's source and warns it won't recurse.
ANY_JSON = st.recursive(JSON_LEAVES, _containers, max_leaves=12)


@settings(max_examples=500, deadline=None, database=None)
@given(document=ANY_JSON | st.fixed_dictionaries({"keys": st.lists(ANY_JSON, max_size=4)}))
def test_any_json_document_parses_or_is_refused_cleanly(document: object) -> None:
    try:
        keys = parse_jwks(document)
    except ValueError:
        return
    assert all(isinstance(kid, str) for kid in keys)


def test_a_slow_jwks_does_not_block_the_event_loop(issuer: TestIssuer, backend: Backend) -> None:
    issuer.hold = threading.Event()
    statuses: list[int] = []
    waiting = threading.Thread(target=lambda: statuses.append(me(backend, issuer.mint())))
    waiting.start()
    try:
        deadline = time.monotonic() + 10
        while issuer.hits == 0:  # the backend is now inside its JWKS fetch
            assert time.monotonic() < deadline, "the backend never fetched the JWKS"
            time.sleep(0.01)  # polling interval
        assert backend.client.get("/health").status_code == 200
        assert waiting.is_alive() and statuses == []
    finally:
        issuer.hold.set()
        waiting.join(timeout=30)
    assert statuses == [200]
