"""Shared CLI plumbing: consoles, and every error → one line on stderr + its exit status.

Deliberately free of a module-level typer import so that ``decode``'s fast path
(``authcheck.cli.decode.fast_main``) imports nothing heavy.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn

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


def http_url(option: str, value: str | None) -> None:
    """Refuse a value of ``option`` that is not an http(s) URL (bad input, not 'unreachable')."""
    from urllib.parse import urlsplit

    if value is None:
        return
    parts = urlsplit(value.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return
    from authcheck.errors import BadInputError

    given = value.strip()
    hint = f"e.g. {option} http://127.0.0.1:3000"
    if given and "://" not in given:
        hint = f"did you mean {option} http://{given}?"
    raise BadInputError(f"{option} wants an http(s) URL, got {value!r}", hint)


def port_free(option: str, port: int, host: str = "127.0.0.1") -> None:
    """Refuse a port something already listens on (0 means: pick a free one)."""
    import socket

    from authcheck.errors import BadInputError

    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As servers do: a port left in TIME_WAIT by a stopped server is free, a listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise BadInputError(
                f"{option} {port}: cannot listen on {host}:{port} ({exc.strerror or exc})",
                f"stop what uses it, or pick another port ({option} 0 picks a free one)",
            ) from exc


def directory_option(option: str, path: Path | None) -> None:
    """Refuse, before any work, an existing file given where a directory is wanted."""
    if path is not None and path.exists() and not path.is_dir():
        from authcheck.errors import BadInputError

        raise BadInputError(f"{option} {path} is a file, not a directory")


def writable(path: Path) -> None:
    """Refuse, before any work, a report path that cannot be written (exit 2, one line)."""
    import os

    from authcheck.errors import BadInputError

    if path.is_dir():
        raise BadInputError(f"cannot write {path}: it is a directory", "give a file name in it")
    parent = path.parent
    if not parent.is_dir():
        raise BadInputError(f"cannot write {path}: no directory {parent}", "create it first")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise BadInputError(f"cannot write {path}: permission denied")


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
