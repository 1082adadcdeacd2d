"""JwksFetcher against a real uvicorn server (MockTransport only where the network is the point:
DNS failure and a non-loopback host)."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator

import httpx
import pytest

from authcheck.core.fetch import JwksFetcher, is_loopback_host, max_age_from
from authcheck.core.jwks import JwksError
from authcheck.errors import BadInputError, ExitStatus
from authcheck.serve import ThreadedUvicorn
from tests.core.jwks_server import JwksBehaviour, as_body, jwks_app
from tests.core.keys import key

ED1, ED2 = key("EdDSA", "fetch-1"), key("EdDSA", "fetch-2")


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, JwksBehaviour]]:
    behaviour = JwksBehaviour()
    with ThreadedUvicorn(jwks_app(behaviour)) as running:
        yield running.url + "/api/auth/jwks", behaviour


@pytest.fixture
def jwks(server: tuple[str, JwksBehaviour]) -> Iterator[tuple[str, JwksBehaviour]]:
    url, behaviour = server
    behaviour.__init__()  # type: ignore[misc]  # reset between tests
    behaviour.body = as_body({"keys": [ED1.jwk]})
    yield url, behaviour
    behaviour.hang = False  # release a held request so the server stops promptly


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_fetch_records_status_type_cache_latency_and_date(jwks: tuple[str, JwksBehaviour]) -> None:
    url, behaviour = jwks
    behaviour.headers = {"cache-control": "public, max-age=600", "etag": '"v1"'}
    with JwksFetcher(url) as fetcher:
        result = fetcher.get()
    assert result.key_set.kids == ("fetch-1",)
    assert result.http is not None
    assert result.http.status == 200
    assert result.http.content_type == "application/json"
    assert result.http.cache_control == "public, max-age=600"
    assert result.http.etag == '"v1"'
    assert result.http.latency_ms > 0
    assert result.http.date is not None  # uvicorn sends Date
    assert result.max_age == 600
    assert result.transport_findings == ()  # loopback http is normal


def test_cache_control_max_age_is_honoured(jwks: tuple[str, JwksBehaviour]) -> None:
    url, behaviour = jwks
    behaviour.headers = {"cache-control": "max-age=60"}
    clock = Clock()
    with JwksFetcher(url, clock=clock) as fetcher:
        fetcher.get_key_set()
        clock.now += 59
        fetcher.get_key_set()
        assert behaviour.hits == 1
        clock.now += 2
        fetcher.get_key_set()
        assert behaviour.hits == 2


def test_no_store_means_every_call_fetches(jwks: tuple[str, JwksBehaviour]) -> None:
    url, behaviour = jwks
    behaviour.headers = {"cache-control": "no-store"}
    with JwksFetcher(url) as fetcher:
        fetcher.get_key_set()
        fetcher.get_key_set()
    assert behaviour.hits == 2


def test_unknown_kid_refetches_once_per_interval(jwks: tuple[str, JwksBehaviour]) -> None:
    url, behaviour = jwks
    behaviour.headers = {"cache-control": "max-age=3600"}
    clock = Clock()
    with JwksFetcher(url, clock=clock, min_refetch_interval=30) as fetcher:
        assert fetcher.key_for("fetch-1") is not None
        behaviour.body = as_body({"keys": [ED1.jwk, ED2.jwk]})  # the issuer rotates
        assert fetcher.key_for("fetch-2") is None  # too soon after the last fetch
        assert fetcher.key_for("nope") is None
        assert behaviour.hits == 1
        clock.now += 31
        found = fetcher.key_for("fetch-2")
        assert found is not None and found.kid == "fetch-2"
        assert behaviour.hits == 2
        for _ in range(5):  # a flood of unknown kids cannot hammer the JWKS
            assert fetcher.key_for("attacker-kid") is None
        assert behaviour.hits == 2


def test_404_is_unreachable_with_the_status(jwks: tuple[str, JwksBehaviour]) -> None:
    url, behaviour = jwks
    behaviour.status, behaviour.body = 404, b"Not Found"
    with JwksFetcher(url) as fetcher, pytest.raises(JwksError) as info:
        fetcher.get()
    assert info.value.code == "jwks.unreachable"
    assert "HTTP 404" in info.value.message
    assert info.value.exit_status == ExitStatus.UNREACHABLE


def test_html_page_is_an_invalid_jwks(jwks: tuple[str, JwksBehaviour]) -> None:
    url, behaviour = jwks
    behaviour.content_type, behaviour.body = "text/html", b"<!doctype html><h1>Dashboard</h1>"
    with JwksFetcher(url) as fetcher, pytest.raises(JwksError) as info:
        fetcher.get()
    assert info.value.code == "jwks.invalid"
    assert "HTML" in info.value.message


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"keys": {}}', b"null"])
def test_invalid_json_or_shape_is_an_invalid_jwks(
    jwks: tuple[str, JwksBehaviour], body: bytes
) -> None:
    url, behaviour = jwks
    behaviour.body = body
    with JwksFetcher(url) as fetcher, pytest.raises(JwksError) as info:
        fetcher.get()
    assert info.value.code == "jwks.invalid"


def test_size_cap(jwks: tuple[str, JwksBehaviour]) -> None:
    url, behaviour = jwks
    behaviour.body = b'{"keys": [], "pad": "' + b"x" * 5000 + b'"}'
    with JwksFetcher(url, max_bytes=4096) as fetcher, pytest.raises(JwksError) as info:
        fetcher.get()
    assert info.value.code == "jwks.invalid"
    assert "4096" in info.value.message


def test_timeout(jwks: tuple[str, JwksBehaviour]) -> None:
    url, behaviour = jwks
    behaviour.hang = True
    with JwksFetcher(url, timeout=0.3) as fetcher, pytest.raises(JwksError) as info:
        fetcher.get()
    assert info.value.code == "jwks.unreachable"
    assert "timed out" in info.value.message


def test_connection_refused() -> None:
    from authcheck.serve import free_port

    with JwksFetcher(f"http://127.0.0.1:{free_port()}/api/auth/jwks") as fetcher:
        with pytest.raises(JwksError) as info:
            fetcher.get()
    assert info.value.code == "jwks.unreachable"


def test_date_header_gives_the_clock_skew(jwks: tuple[str, JwksBehaviour]) -> None:
    url, behaviour = jwks
    ahead = email.utils.formatdate(time.time() + 120, usegmt=True)
    behaviour.headers = {"date": ahead}
    with JwksFetcher(url) as fetcher:
        http = fetcher.get().http
    assert http is not None and http.clock_skew is not None
    assert 115 <= http.clock_skew <= 121


def test_a_date_without_zone_is_utc_whatever_the_local_zone(
    jwks: tuple[str, JwksBehaviour], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, behaviour = jwks
    behaviour.headers = {"date": email.utils.formatdate(time.time() + 120)}  # "... -0000"
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30: a local reading would be 5.5 h off
    time.tzset()
    try:
        with JwksFetcher(url) as fetcher:
            http = fetcher.get().http
    finally:
        monkeypatch.undo()
        time.tzset()
    assert http is not None and http.clock_skew is not None
    assert 115 <= http.clock_skew <= 121


def test_dns_failure_is_one_clear_message() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with pytest.raises(JwksError) as info:
        JwksFetcher("https://auth.example.invalid/api/auth/jwks", client).get()
    assert info.value.code == "jwks.unreachable"
    assert "DNS" in info.value.message


def test_plain_http_is_flagged_only_off_loopback() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"keys": [ED1.jwk]}, headers={"cache-control": "max-age=5"})

    client = httpx.Client(transport=httpx.MockTransport(handler))
    remote = JwksFetcher("http://auth.example.com/api/auth/jwks", client).get()
    assert [f.code for f in remote.transport_findings] == ["jwks.insecure-transport"]
    for host in ("localhost", "127.0.0.1", "[::1]"):
        local = JwksFetcher(f"http://{host}:3000/api/auth/jwks", client).get()
        assert local.transport_findings == ()


def test_files_are_read_and_missing_files_are_bad_input(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "jwks.json"
    path.write_bytes(as_body({"keys": [ED1.jwk]}))
    assert JwksFetcher(str(path)).get_key_set().kids == ("fetch-1",)
    with pytest.raises(BadInputError):
        JwksFetcher(str(tmp_path / "missing.json")).get()


def test_helpers() -> None:
    assert max_age_from("public, max-age=300") == 300
    assert max_age_from("no-cache") == 0
    assert max_age_from(None, 42) == 42
    assert max_age_from("max-age=abc", 7) == 7
    assert is_loopback_host("127.0.0.2") and is_loopback_host("localhost")
    assert not is_loopback_host("example.com") and not is_loopback_host("10.0.0.1")


def test_tls_is_verified_unless_insecure() -> None:
    import ssl

    def mode(fetcher: JwksFetcher) -> ssl.VerifyMode:
        context = fetcher._http()._transport._pool._ssl_context  # type: ignore[attr-defined]
        return context.verify_mode  # type: ignore[no-any-return]

    assert mode(JwksFetcher("https://auth.example.com/api/auth/jwks")) == ssl.CERT_REQUIRED
    assert mode(JwksFetcher("https://auth.example.com/jwks", insecure=True)) == ssl.CERT_NONE


def test_threads_share_one_fetch(jwks: tuple[str, JwksBehaviour]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    url, behaviour = jwks
    behaviour.headers = {"cache-control": "max-age=600"}
    with JwksFetcher(url) as fetcher, ThreadPoolExecutor(8) as pool:
        kids = list(pool.map(lambda _: fetcher.get_key_set().kids, range(32)))
    assert kids == [("fetch-1",)] * 32
    assert behaviour.hits == 1


def test_http_error_reason_says_what_happened_in_words() -> None:
    import httpx

    from authcheck.core.fetch import http_error_reason

    assert http_error_reason(httpx.ReadTimeout("x")) == "no answer in time (timeout)"
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    assert http_error_reason(refused) == "[Errno 111] Connection refused"
    dns = httpx.ConnectError("[Errno -2] Name or service not known")
    assert http_error_reason(dns) == "the host name does not resolve (DNS)"
