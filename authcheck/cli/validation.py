"""Option values checked before any work, the same way in every command (exit 2, one line).

Each check takes the option's name as the user typed it, so the error names it; none imports
anything heavy at module level (``decode``'s fast path imports this package).
"""

from __future__ import annotations

from pathlib import Path

from authcheck.errors import BadInputError


def http_url(option: str, value: str | None) -> None:
    """Refuse a value of ``option`` that is not an http(s) URL (bad input, not 'unreachable')."""
    from urllib.parse import urlsplit

    if value is None:
        return
    parts = urlsplit(value.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return
    given = value.strip()
    hint = f"e.g. {option} http://127.0.0.1:3000"
    if given and "://" not in given:
        hint = f"did you mean {option} http://{given}?"
    raise BadInputError(f"{option} wants an http(s) URL, got {value!r}", hint)


def port_free(option: str, port: int, host: str = "127.0.0.1") -> None:
    """Refuse a port something already listens on (0 means: pick a free one)."""
    import socket

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
        raise BadInputError(f"{option} {path} is a file, not a directory")


def writable(path: Path) -> None:
    """Refuse, before any work, a report path that cannot be written (exit 2, one line)."""
    import os

    if path.is_dir():
        raise BadInputError(f"cannot write {path}: it is a directory", "give a file name in it")
    parent = path.parent
    if not parent.is_dir():
        raise BadInputError(f"cannot write {path}: no directory {parent}", "create it first")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise BadInputError(f"cannot write {path}: permission denied")


def report_path(path: Path | None) -> None:
    """A report destination: ``-`` (stdout) or a file that can be written."""
    if path is not None and str(path) != "-":
        writable(path)


def non_empty(option: str, value: str | None, hint: str | None = None) -> None:
    """Refuse a given but blank value (an unset environment variable expanded to '')."""
    if value is not None and not value.strip():
        raise BadInputError(f"{option} is empty", hint)


def one_of(*options: tuple[str, object | None], required: bool = True) -> None:
    """Exactly one of the ``(name, value)`` options given (at most one if not ``required``)."""
    given = [name for name, value in options if value is not None]
    if len(given) > 1 or (required and not given):
        names = " or ".join(name for name, _ in options)
        wanted = "exactly one" if required else "at most one"
        raise BadInputError(
            f"give {wanted} of {names}" + (f" (got {', '.join(given)})" if given else "")
        )
