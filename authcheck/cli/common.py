"""Shared CLI plumbing: consoles, report files, and every error → one line on stderr + its exit
status. The checks of option values are in `authcheck.cli.validation`.

Deliberately free of a module-level typer import so that ``decode``'s fast path
(``authcheck.cli.decode.fast_main``) imports nothing heavy.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn

# The option checks every command shares live in `validation`; imported here for the commands
# that take them from this module.
from authcheck.cli.validation import directory_option as directory_option
from authcheck.cli.validation import http_url as http_url
from authcheck.cli.validation import port_free as port_free
from authcheck.cli.validation import writable as writable
from authcheck.errors import AuthcheckError

if TYPE_CHECKING:
    from rich.console import Console


PIPED_WIDTH = 120  # columns when output is piped or redirected and COLUMNS is not set


def stdout_console(*, stderr: bool = False) -> Console:
    """A console for human output; piped (not a TTY) it is ``PIPED_WIDTH`` wide, not 80."""
    import os

    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = PIPED_WIDTH
    return console


def print_json(document: dict[str, Any]) -> None:
    from authcheck.report.token_json import dumps

    sys.stdout.write(dumps(document) + "\n")
    sys.stdout.flush()


def report_error(command: str, error: AuthcheckError, *, as_json: bool) -> int:
    """One clear line on stderr (and a JSON document on stdout with --json); the exit status."""
    from authcheck.core.findings import finding

    found = getattr(error, "finding", None)
    if as_json:
        from authcheck.report.token_json import error_document

        if found is None:
            found = finding("input.invalid", error.message, error.hint)
        print_json(error_document(command, found))
    line = f"authcheck {command}: {one_line(error.message)}"
    if error.hint:
        line += f" ({one_line(error.hint)})"
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
    return int(error.exit_status)


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line (a server's HTML error page spans many), cut at ``limit`` chars."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def write_report(path: Path, text: str) -> None:
    """Write a report file; an OS error becomes one line (exit 2), never a traceback."""
    from authcheck.errors import BadInputError

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInputError(f"cannot write {path}: {exc.strerror or exc}") from exc


@contextmanager
def fail_cleanly(command: str, *, as_json: bool = False) -> Iterator[None]:
    """Run a command body; an ``AuthcheckError`` becomes one line (and, with ``as_json``, a JSON
    error document on stdout) and its exit status."""
    try:
        yield
    except AuthcheckError as exc:
        fail(command, exc, as_json=as_json)


def split_list(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(item.strip() for item in value.split(",") if item.strip())


def stdin_bytes() -> BinaryIO | None:
    buffer = getattr(sys.stdin, "buffer", None)
    return buffer if buffer is not None else None


def fail(command: str, error: AuthcheckError, *, as_json: bool) -> NoReturn:
    """``report_error`` then ``typer.Exit`` with the error's status (for Typer commands)."""
    import typer

    raise typer.Exit(report_error(command, error, as_json=as_json))
