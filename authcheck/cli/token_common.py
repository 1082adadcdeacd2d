"""Shared plumbing of ``decode``, ``verify`` and ``jwks``: consoles, errors → one line + exit."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from authcheck.errors import AuthcheckError

if TYPE_CHECKING:
    from rich.console import Console


def stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def print_json(document: dict[str, Any]) -> None:
    from authcheck.report.token_json import dumps

    typer.echo(dumps(document))


def fail(command: str, error: AuthcheckError, *, as_json: bool) -> NoReturn:
    """One clear line on stderr (and a JSON document on stdout with --json), then exit."""
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
    typer.echo(line, err=True)
    raise typer.Exit(int(error.exit_status))


def split_list(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(item.strip() for item in value.split(",") if item.strip())


def stdin_bytes() -> Any:
    return sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
