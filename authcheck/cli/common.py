"""Shared CLI plumbing: consoles, and every error → one line on stderr + its exit status.

Deliberately free of a module-level typer import so that ``decode``'s fast path
(``authcheck.cli.decode.fast_main``) imports nothing heavy.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn

from authcheck.errors import AuthcheckError

if TYPE_CHECKING:
    from rich.console import Console


def stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


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
    line = f"authcheck {command}: {error.message}"
    if error.hint:
        line += f" ({error.hint})"
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
    return int(error.exit_status)


@contextmanager
def fail_cleanly(command: str) -> Iterator[None]:
    """Run a command body; an ``AuthcheckError`` becomes one line and its exit status."""
    try:
        yield
    except AuthcheckError as exc:
        fail(command, exc, as_json=False)


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
