"""Pasted cookies (a pair, a DevTools Cookie header) and --expired-token's input rules."""

from __future__ import annotations

import io
import time
from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from authcheck.cli.app import build_app
from authcheck.core.classify import TokenKind, classify
from authcheck.core.inputs import read_expired_jwt
from authcheck.errors import BadInputError, ExitStatus

SIGNED = "NMZviWMMyMnd68Iu1nWafGhTSuzflo4o.aWVQOE3m6V7YU6rb2v01Y7r8O5Y17Xue%2FmHvprT1XVs%3D"
SESSION_ID = "NMZviWMMyMnd68Iu1nWafGhTSuzflo4o"


def token(exp_offset: float) -> str:
    claims = {"sub": "u1", "exp": int(time.time() + exp_offset)}
    return jwt.encode(claims, "s" * 32, algorithm="HS256")


@pytest.mark.parametrize(
    ("pasted", "kind", "took"),
    [
        (
            f"better-auth.session_token={SIGNED}",
            TokenKind.SIGNED_SESSION_COOKIE,
            "better-auth.session_token",
        ),
        (
            f"Cookie: theme=dark; better-auth.session_token={SIGNED}; x=1",
            TokenKind.SIGNED_SESSION_COOKIE,
            "better-auth.session_token cookie (of 3: also theme, x)",
        ),
        (
            f"cookie: __Secure-better-auth.session_token={SIGNED}",
            TokenKind.SIGNED_SESSION_COOKIE,
            "__Secure-better-auth.session_token",
        ),
        (
            f"a=1; jwt={token(60)}; better-auth.session_token={SIGNED}",
            TokenKind.JWS,
            "took the jwt cookie",
        ),
    ],
)
def test_cookie_pairs_and_headers_say_which_cookie_was_taken(
    pasted: str, kind: TokenKind, took: str
) -> None:
    found = classify(pasted)
    assert found.kind is kind
    first = found.findings[0]
    assert first.code == "token.cookie" and took in first.message


@pytest.mark.parametrize(
    "value", [SIGNED.replace("%2F", "/").replace("%3D", "="), SESSION_ID, token(60)]
)
def test_bare_values_are_not_mistaken_for_cookie_pairs(value: str) -> None:
    assert all(f.code != "token.cookie" for f in classify(value).findings)


def test_decode_names_the_cookie_instead_of_a_damaged_jwt() -> None:
    result = CliRunner().invoke(
        build_app("decode"), ["decode", f"better-auth.session_token={SIGNED}"]
    )
    assert result.exit_code == ExitStatus.FINDINGS
    words = " ".join(result.output.split())  # the report wraps at the terminal's width
    assert "took the better-auth.session_token cookie" in words
    assert "signed session cookie" in words
    assert "malformed" not in result.output


def test_expired_token_must_really_be_expired() -> None:
    live = token(600)
    with pytest.raises(BadInputError, match=r"--expired-token is not expired: it is valid for 9m"):
        read_expired_jwt("--expired-token", live)
    with pytest.raises(BadInputError, match=r"is not a JWT \(session_id\)"):
        read_expired_jwt("--expired-token", SESSION_ID)


def test_expired_token_reads_file_and_stdin(tmp_path: Path) -> None:
    expired = token(-60)
    path = tmp_path / "expired.txt"
    path.write_text(f"Bearer {expired}\n")
    assert read_expired_jwt("--expired-token", f"@{path}") == expired
    assert read_expired_jwt("--expired-token", "-", io.BytesIO(expired.encode())) == expired


def test_scenarios_run_refuses_a_live_expired_token_with_exit_2() -> None:
    result = CliRunner().invoke(
        build_app("scenarios"),
        [
            "scenarios",
            "run",
            "--target",
            "http://127.0.0.1:9",
            "--better-auth-url",
            "http://127.0.0.1:9",
            "--expired-token",
            token(600),
        ],
    )
    assert result.exit_code == ExitStatus.BAD_INPUT, result.output
    assert "--expired-token is not expired" in result.output
    assert "Traceback" not in result.output
