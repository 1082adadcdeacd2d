"""`authcheck jwks`: lint a served or stored key set; exit 0/1/2/3."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authcheck.core.b64 import b64url_encode
from authcheck.serve import ThreadedUvicorn
from tests.cli.core_app import core_app
from tests.core.jwks_server import JwksBehaviour, as_body, jwks_app
from tests.core.keys import ED_KEY, key

APP = core_app()
runner = CliRunner()


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, JwksBehaviour]]:
    behaviour = JwksBehaviour()
    with ThreadedUvicorn(jwks_app(behaviour)) as running:
        yield running.url + "/api/auth/jwks", behaviour


def test_a_good_key_set_exits_0_with_http_details(served: tuple[str, JwksBehaviour]) -> None:
    url, behaviour = served
    behaviour.body = as_body({"keys": [ED_KEY.jwk, key("RS256", "rsa-1").jwk]})
    behaviour.headers = {"cache-control": "public, max-age=300"}
    result = runner.invoke(APP, ["jwks", url, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 1 and doc["valid"] is True
    assert [k["kid"] for k in doc["keys"]] == ["ed-1", "rsa-1"]
    assert doc["keys"][1]["size_bits"] == 2048
    assert doc["http"]["status"] == 200 and doc["http"]["cache_control"] == "public, max-age=300"
    assert doc["http"]["latency_ms"] > 0
    human = runner.invoke(APP, ["jwks", url])
    assert "ed-1" in human.stdout and "HTTP 200" in human.stdout and "max-age=300" in human.stdout


def test_lint_errors_exit_1(tmp_path: Path) -> None:
    d = b64url_encode(b"\x01" * 32)
    weak = key("RS256", "weak", bits=1024)
    doc = {
        "keys": [
            {**ED_KEY.jwk, "d": d},
            {**ED_KEY.jwk, "use": "enc"},
            weak.jwk,
            {"kty": "oct", "kid": "h", "k": b64url_encode(b"k" * 32)},
            {"kty": "EC", "crv": "secp256k1", "kid": "k1", "x": "AA", "y": "AA"},
            {"kty": "OKP", "crv": "Ed25519", "x": ED_KEY.jwk["x"]},
        ]
    }
    path = tmp_path / "jwks.json"
    path.write_bytes(as_body(doc))
    result = runner.invoke(APP, ["jwks", str(path), "--json"])
    assert result.exit_code == 1
    codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
    for code in (
        "jwks.private-key-exposed",
        "jwks.duplicate-kid",
        "jwks.enc-key",
        "jwks.weak-key",
        "jwks.symmetric-key",
        "jwks.mixed-key-set",
        "jwks.unsupported-key",
        "jwks.kid-missing",
    ):
        assert code in codes, code
    private = next(f for f in json.loads(result.stdout)["findings"] if "private" in f["code"])
    assert private["severity"] == "error"


@pytest.mark.parametrize(
    ("status", "ctype", "body", "code"),
    [(404, "text/plain", b"nope", 3), (200, "text/html", b"<html></html>", 3)],
)
def test_unusable_exit_3(
    served: tuple[str, JwksBehaviour], status: int, ctype: str, body: bytes, code: int
) -> None:
    url, behaviour = served
    behaviour.status, behaviour.content_type, behaviour.body = status, ctype, body
    result = runner.invoke(APP, ["jwks", url])
    assert result.exit_code == code and "Traceback" not in result.output
    behaviour.status, behaviour.content_type = 200, "application/json"


def test_missing_file_exits_2() -> None:
    result = runner.invoke(APP, ["jwks", "/nonexistent/jwks.json"])
    assert result.exit_code == 2 and "no such JWKS file" in result.output
