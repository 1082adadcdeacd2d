"""`authcheck decode`: kinds, times, exit statuses, and no traceback on any input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.cli.core_app import core_app
from tests.core.keys import ED_KEY, claims, mint

APP = core_app()
runner = CliRunner()
SESSION_ID = "k2Qh7VfWbHn3XyZ0aB4cD5eF6gH7iJ8k"


def test_decodes_a_jwt_with_times_and_signature_length_only() -> None:
    token = mint(ED_KEY, claims(name="Bob"))
    result = runner.invoke(APP, ["decode", token])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "JWS / JWT" in out and '"Bob"' in out and '"EdDSA"' in out
    assert "expires in 14m" in out or "expires in 15m" in out
    assert "lifetime 15m 00s (Better Auth's default)" in out
    assert "Signature: 64 bytes" in out
    assert token not in out and token.split(".")[2] not in out


def test_json_document() -> None:
    token = mint(ED_KEY)
    result = runner.invoke(APP, ["decode", f"Bearer {token}", "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 1 and doc["valid"] is True and doc["kind"] == "jws"
    assert doc["claims"]["sub"] == "user-a" and doc["signature_len"] == 64
    assert doc["times"]["lifetime_seconds"] == 900
    assert [f["code"] for f in doc["findings"]] == ["token.bearer-prefix"]
    assert set(doc["findings"][0]) == {"code", "severity", "message", "hint"}
    assert token not in result.stdout


def test_session_id_exits_1_with_a_hint() -> None:
    result = runner.invoke(APP, ["decode", SESSION_ID])
    assert result.exit_code == 1
    assert "session id" in result.stdout and "authClient.token()" in result.stdout


def test_stdin_and_at_path(tmp_path: Path) -> None:
    token = mint(ED_KEY)
    assert runner.invoke(APP, ["decode", "-"], input=token + "\n").exit_code == 0
    path = tmp_path / "token.txt"
    path.write_text(token + "\n")
    result = runner.invoke(APP, ["decode", f"@{path}", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["findings"] == []  # a file's final newline is not junk


@pytest.mark.parametrize(
    ("args", "stdin", "code", "words"),
    [
        (["decode", "@/nonexistent/token"], None, 2, "no such file"),
        (["decode", ""], None, 2, "empty"),
        (["decode", "-"], "", 2, "empty"),
        (["decode", "-"], "x" * (10 * 1024 * 1024), 1, "oversized"),
        (["decode", "-"], "<!doctype html><html><body>Login</body></html>", 1, "not a JWT"),
        (["decode", "a.b.c"], None, 1, "damaged"),
        (["decode"], None, 2, "Missing argument"),
    ],
)
def test_bad_input_is_one_line_and_the_right_exit_code(
    args: list[str], stdin: str | None, code: int, words: str
) -> None:
    result = runner.invoke(APP, args, input=stdin)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert words.lower() in result.output.lower()


def test_binary_file_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 4)
    result = runner.invoke(APP, ["decode", f"@{path}"])
    assert result.exit_code == 1 and "binary" in result.stdout


def test_json_error_document_for_bad_input() -> None:
    result = runner.invoke(APP, ["decode", "@/nonexistent/token", "--json"])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["valid"] is False and doc["findings"][0]["code"] == "input.invalid"
    assert result.stderr.count("\n") == 1  # one clear line


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_fuzz_decode_never_crashes(text: str) -> None:
    result = runner.invoke(APP, ["decode", "-"], input=text.encode("utf-8", "surrogatepass"))
    assert result.exit_code in (0, 1, 2)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_fast_path_matches_the_typer_command(capsys: pytest.CaptureFixture[str]) -> None:
    from authcheck.cli.decode import fast_main

    token = mint(ED_KEY)
    assert fast_main([token, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == json.loads(runner.invoke(APP, ["decode", token, "--json"]).stdout) | {
        "times": doc["times"]
    }
    assert fast_main([SESSION_ID]) == 1
    assert fast_main(["--help"]) is None  # help and anything unusual go to the full CLI
    assert fast_main([]) is None


def test_fast_path_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from authcheck.cli.decode import fast_main; "
        "status = fast_main([sys.argv[1], '--json']); "
        "heavy = {'typer', 'click', 'rich', 'httpx', 'cryptography', 'jwt', 'pydantic'}; "
        "print(status, sorted({m.split('.')[0] for m in sys.modules} & heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, mint(ED_KEY)], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "0 []"


def test_cookie_cache_session_token_is_redacted() -> None:
    import hashlib
    import hmac

    from authcheck.core.b64 import b64url_encode

    header = b64url_encode(b'{"alg":"HS256","typ":"JWT"}')
    body = {"session": {"token": SESSION_ID, "userId": "u1"}, "user": {"id": "u1"}}
    payload = b64url_encode(json.dumps(body).encode())
    mac = hmac.new(b"s" * 32, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    token = f"{header}.{payload}.{b64url_encode(mac)}"
    for args in (["decode", token], ["decode", token, "--json"]):
        result = runner.invoke(APP, args)
        assert result.exit_code == 1
        assert "cookie" in result.stdout and SESSION_ID not in result.stdout


def test_every_token_kind_has_a_human_name() -> None:
    from authcheck.core.classify import TokenKind
    from authcheck.report.token_console import _KIND_TEXT

    assert set(_KIND_TEXT) == set(TokenKind)
