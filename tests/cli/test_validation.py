"""Option checks shared by every command, and the one place an AuthcheckError becomes a line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import typer

from authcheck.cli.main import run_app
from authcheck.cli.validation import http_url, non_empty, one_of, report_path, writable
from authcheck.errors import BadInputError, ExitStatus, UnreachableError


@pytest.mark.parametrize(
    ("check", "words"),
    [
        (lambda: http_url("--target", "localhost:8000"), "did you mean --target http://"),
        (lambda: http_url("--target", "ftp://x"), "--target wants an http(s) URL"),
        (lambda: non_empty("--routes", "  ", "use default"), "--routes is empty"),
        (lambda: one_of(("--a", None), ("--b", None)), "give exactly one of --a or --b"),
        (lambda: one_of(("--a", "x"), ("--b", "y")), "(got --a, --b)"),
        (lambda: one_of(("--a", 1), ("--b", 2), required=False), "at most one of --a or --b"),
        (lambda: report_path(Path("/no/such/dir/r.json")), "no directory /no/such/dir"),
    ],
)
def test_bad_option_values_are_bad_input_naming_the_option(
    check: Callable[[], None], words: str
) -> None:
    with pytest.raises(BadInputError) as caught:
        check()
    assert words in f"{caught.value.message} ({caught.value.hint})"
    assert caught.value.exit_status is ExitStatus.BAD_INPUT


def test_good_option_values_pass(tmp_path: Path) -> None:
    http_url("--target", "http://127.0.0.1:8000")
    http_url("--target", None)
    non_empty("--routes", None)
    non_empty("--routes", "flat")
    one_of(("--a", "x"), ("--b", None))
    one_of(("--a", None), ("--b", None), required=False)
    report_path(Path("-"))
    report_path(None)
    writable(tmp_path / "report.json")


def test_writable_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="it is a directory"):
        writable(tmp_path)


def _app() -> typer.Typer:
    app = typer.Typer()
    group = typer.Typer()

    @group.command("down")
    def down() -> None:
        raise UnreachableError("the issuer is down", "start it")

    @group.command("other")
    def other() -> None:
        """A second command, so that the group stays a group."""

    @app.command("token")
    def token(value: str) -> None:
        raise BadInputError("not a JWT")

    app.add_typer(group, name="issuer")
    return app


def test_an_error_a_command_lets_through_is_one_line_and_its_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_app(_app(), ["issuer", "down"]) == ExitStatus.UNREACHABLE
    assert capsys.readouterr().err == "authcheck issuer down: the issuer is down (start it)\n"


def test_the_error_line_never_repeats_a_positional_value(
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhIn0.c2ln"
    assert run_app(_app(), ["token", secret]) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert err == "authcheck token: not a JWT\n"
    assert secret not in err
