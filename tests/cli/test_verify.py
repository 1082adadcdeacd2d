"""`authcheck verify` against a real JWKS server: exit 0/1/2/3, every check, hints, JSON."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from authcheck.serve import ThreadedUvicorn, free_port
from tests.cli.core_app import core_app
from tests.core.jwks_server import JwksBehaviour, as_body, jwks_app
from tests.core.keys import ED_KEY, claims, mint

APP = core_app()
runner = CliRunner()


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, JwksBehaviour]]:
    behaviour = JwksBehaviour()
    with ThreadedUvicorn(jwks_app(behaviour)) as running:
        yield running.url, behaviour


@pytest.fixture
def base(server: tuple[str, JwksBehaviour]) -> Iterator[str]:
    url, behaviour = server
    behaviour.__init__()  # type: ignore[misc]
    behaviour.body = as_body({"keys": [ED_KEY.jwk]})
    yield url
    behaviour.hang = False


def _token(base: str, **overrides: object) -> str:
    return mint(ED_KEY, claims(iss=base, aud=base, **overrides))


def test_better_auth_shortcut_valid_token_exits_0(base: str) -> None:
    result = runner.invoke(APP, ["verify", _token(base), "--better-auth", base])
    assert result.exit_code == 0, result.output
    assert "VALID" in result.stdout
    for name in ("format", "algorithm", "kid", "key-alg", "signature", "exp", "iss", "aud", "sub"):
        assert name in result.stdout


def test_every_failure_is_reported_not_only_the_first(base: str) -> None:
    now = int(time.time())
    token = mint(ED_KEY, claims(iss="http://127.0.0.1:1", aud=base, exp=now - 190, sub=...))
    result = runner.invoke(APP, ["verify", token, "--better-auth", base, "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 1 and doc["valid"] is False
    codes = {f["code"] for f in doc["findings"]}
    assert {"claims.expired", "claims.iss-mismatch", "claims.sub-missing"} <= codes
    statuses = {c["name"]: c["status"] for c in doc["checks"]}
    assert statuses["signature"] == "pass" and statuses["exp"] == "fail"
    expired = next(f for f in doc["findings"] if f["code"] == "claims.expired")
    assert "expired 3m 1" in expired["message"] and "15 minutes" in expired["hint"]
    assert doc["jwks"]["http"]["status"] == 200
    assert doc["clock_skew_seconds"] is not None
    assert token not in result.stdout and token.split(".")[2] not in result.stdout


def test_iss_difference_is_explained(base: str) -> None:
    other = base.replace("127.0.0.1", "localhost")
    result = runner.invoke(
        APP,
        [
            "verify",
            _token(other),
            "--jwks",
            f"{base}/api/auth/jwks",
            "--issuer",
            base,
            "--audience",
            other,
        ],
    )
    assert result.exit_code == 1
    assert "claims.iss-mismatch" in result.stdout
    assert "localhost" in result.stdout and "BETTER_AUTH_URL" in result.stdout


def test_jwks_file_options(base: str, tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_bytes(as_body({"keys": [ED_KEY.jwk]}))
    args = ["verify", _token(base), "--jwks", str(path), "--issuer", base, "--audience", base]
    assert runner.invoke(APP, args).exit_code == 0
    assert runner.invoke(APP, [*args, "--algorithms", "RS256"]).exit_code == 1
    assert runner.invoke(APP, [*args, "--require", "exp,sub,jti"]).exit_code == 1
    expired = mint(ED_KEY, claims(iss=base, aud=base, exp=int(time.time()) - 30))
    args[1] = expired
    assert runner.invoke(APP, args).exit_code == 1
    assert runner.invoke(APP, [*args, "--leeway", "60"]).exit_code == 0


@pytest.mark.parametrize(
    ("status", "content_type", "body", "words"),
    [
        (404, "text/plain", b"Not Found", "HTTP 404"),
        (200, "text/html", b"<!doctype html><title>app</title>", "HTML"),
        (200, "application/json", b"{oops", "not JSON"),
    ],
)
def test_unusable_jwks_exits_3(
    base: str,
    server: tuple[str, JwksBehaviour],
    status: int,
    content_type: str,
    body: bytes,
    words: str,
) -> None:
    _, behaviour = server
    behaviour.status, behaviour.content_type, behaviour.body = status, content_type, body
    result = runner.invoke(APP, ["verify", _token(base), "--better-auth", base])
    assert result.exit_code == 3, result.output
    assert words in result.output and "Traceback" not in result.output


def test_unreachable_and_timeout_exit_3(base: str, server: tuple[str, JwksBehaviour]) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(APP, ["verify", _token(dead), "--better-auth", dead, "--json"])
    assert result.exit_code == 3
    assert "jwks.unreachable" in {f["code"] for f in json.loads(result.stdout)["findings"]}
    server[1].hang = True
    result = runner.invoke(APP, ["verify", _token(base), "--better-auth", base, "--timeout", "0.3"])
    assert result.exit_code == 3 and "timed out" in result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["verify", "x.y.z"], "--jwks"),
        (["verify", "", "--jwks", "/tmp/x.json"], "empty"),
        (["verify", "@/nonexistent", "--jwks", "/tmp/x.json"], "no such file"),
        (["verify", "a.b.c", "--jwks", "/nonexistent/jwks.json"], "no such JWKS file"),
        (["verify", "a.b.c", "--jwks", "x", "--leeway", "soon"], "leeway"),
        (["verify", "a.b.c", "--jwks", "x", "--algorithms", "rs256"], "unknown algorithm"),
        (["verify", "a.b.c", "--jwks", "x", "--algorithms", "none"], "unknown algorithm"),
        (["verify", "a.b.c", "--better-auth", "localhost:3000"], "base URL"),
    ],
)
def test_usage_errors_exit_2(args: list[str], words: str) -> None:
    result = runner.invoke(APP, args)
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output


def test_session_id_is_invalid_not_an_error(base: str) -> None:
    result = runner.invoke(
        APP, ["verify", "k2Qh7VfWbHn3XyZ0aB4cD5eF6gH7iJ8k", "--better-auth", base]
    )
    assert result.exit_code == 1
    assert "token.session-id" in result.stdout


@pytest.fixture(scope="module")
def jwks_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("jwks") / "jwks.json"
    path.write_bytes(as_body({"keys": [ED_KEY.jwk]}))
    return path


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=200))
def test_fuzz_verify_never_crashes(jwks_file: Path, text: str) -> None:
    result = runner.invoke(
        APP,
        ["verify", "-", "--jwks", str(jwks_file), "--json"],
        input=text.encode("utf-8", "surrogatepass"),
    )
    assert result.exit_code in (1, 2)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert json.loads(result.stdout)["valid"] is False


def test_unreachable_url_is_not_called_a_file() -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(APP, ["verify", "a.b.c", "--better-auth", dead])
    assert result.exit_code == 3
    assert "file http" not in result.stdout and "JWKS UNUSABLE" in result.stdout
