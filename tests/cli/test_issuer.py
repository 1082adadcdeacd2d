import sys
from collections.abc import Iterator

import httpx
import jwt
import pytest
from typer.testing import CliRunner

from authcheck.cli.main import app
from authcheck.serve import ManagedProcess, free_port

runner = CliRunner()


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        sys.executable,
        "-m",
        "authcheck",
        "issuer",
        "serve",
        "--port",
        str(port),
        "--alg",
        "ES256",
    ]
    with ManagedProcess(argv, ready_url=url + "/__authcheck/info", name="issuer"):
        yield url


def test_issuer_serve_speaks_better_auth_and_the_control_api(served: str) -> None:
    info = httpx.get(served + "/__authcheck/info").json()
    assert info["issuer"] == info["audience"] == served
    assert info["alg"] == "ES256"
    jwks = httpx.get(served + "/api/auth/jwks").json()
    assert jwks["keys"][0]["kid"] == info["kid"]


def test_mint_prints_a_token_with_the_asked_claims(served: str) -> None:
    result = runner.invoke(
        app,
        [
            "mint",
            "--issuer-url",
            served,
            "--sub",
            "user-1",
            "--exp",
            "-2m",
            "--claim",
            "role=admin",
            "--claim",
            "n=3",
        ],
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "user-1" and claims["role"] == "admin" and claims["n"] == 3
    assert claims["exp"] < claims["iat"]
    keys = {k["kid"]: jwt.PyJWK(k) for k in httpx.get(served + "/api/auth/jwks").json()["keys"]}
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(
            token,
            keys[jwt.get_unverified_header(token)["kid"]].key,
            algorithms=["ES256"],
            audience=served,
            issuer=served,
        )


def test_mint_unsigned_and_foreign(served: str) -> None:
    none = runner.invoke(
        app, ["mint", "--issuer-url", served, "--sub", "u", "--signer", "none", "--alg", "nOnE"]
    )
    assert none.stdout.strip().endswith(".")
    assert jwt.get_unverified_header(none.stdout.strip())["alg"] == "nOnE"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--sub", "u", "--exp", "soon"], 2, "cannot read time offset"),
        (["--sub", "u", "--signer", "me"], 2, "signer"),
        (["--sub", "u", "--claim", "novalue"], 2, "NAME=VALUE"),
    ],
)
def test_mint_bad_input(served: str, args: list[str], code: int, words: str) -> None:
    result = runner.invoke(app, ["mint", "--issuer-url", served, *args])
    assert result.exit_code == code, result.output
    assert words in result.output and "Traceback" not in result.output


def test_mint_unreachable_issuer_exits_3() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(app, ["mint", "--issuer-url", url, "--sub", "u"])
    assert result.exit_code == 3
    assert "issuer not reachable" in result.output


def test_issuer_serve_refuses_bad_options() -> None:
    assert runner.invoke(app, ["issuer", "serve", "--alg", "HS256"]).exit_code == 2
    refused = runner.invoke(app, ["issuer", "serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "not loopback" in refused.output


def test_issuer_serves_the_jwks_where_a_custom_better_auth_would() -> None:
    from authcheck.cli.issuer import _jwks_path, backend_settings
    from authcheck.issuer import TestIssuer

    path = _jwks_path("/auth/", "/.well-known/jwks.json")
    assert path == "/auth/.well-known/jwks.json"
    with TestIssuer(jwks_path=path) as issuer:
        info = httpx.get(issuer.url + "/__authcheck/info").json()
        assert info["jwks_url"] == issuer.url + path
        assert httpx.get(info["jwks_url"]).json()["keys"]
        assert httpx.get(issuer.url + "/api/auth/jwks").status_code == 404
    settings = dict(backend_settings(info, issuer.url))
    assert settings["JWKS_URL"] == info["jwks_url"] and settings["JWT_ISSUER"] == info["issuer"]


@pytest.mark.parametrize("bad", ["jwks", "/a/../b", "/jwks?x=1"])
def test_a_bad_jwks_path_is_bad_input(bad: str) -> None:
    result = runner.invoke(app, ["issuer", "serve", "--jwks-path", bad])
    assert result.exit_code == 2 and "--jwks-path" in result.output
