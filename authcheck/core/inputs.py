"""Reading a TOKEN argument: the value itself, ``-`` for stdin, or ``@path``; an expired JWT."""

from __future__ import annotations

import time
from pathlib import Path
from typing import BinaryIO

from authcheck.errors import BadInputError

MAX_INPUT_BYTES = 1024 * 1024  # read no more than this; the classifier reports it as oversized


def _text(data: bytes) -> str:
    # Undecodable bytes become U+FFFD so the classifier can say "binary", never crash.
    # One final line break is the file's or echo's, not the token's: drop it quietly.
    text = data.decode("utf-8", errors="replace")
    return text[:-2] if text.endswith("\r\n") else text[:-1] if text.endswith("\n") else text


def read_token(arg: str, stdin: BinaryIO | None = None) -> str:
    """The raw text of a TOKEN argument, capped at ``MAX_INPUT_BYTES`` (+1 to detect overflow)."""
    if arg == "-":
        if stdin is None:
            raise BadInputError("'-' means stdin, but there is no stdin")
        return _text(stdin.read(MAX_INPUT_BYTES + 1))
    if arg.startswith("@") and len(arg) > 1:
        path = Path(arg[1:]).expanduser()  # the shell leaves @~/token.txt alone
        try:
            with path.open("rb") as handle:
                return _text(handle.read(MAX_INPUT_BYTES + 1))
        except FileNotFoundError as exc:
            raise BadInputError(f"no such file: {path}") from exc
        except IsADirectoryError as exc:
            raise BadInputError(f"{path} is a directory, not a token file") from exc
        except OSError as exc:
            raise BadInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not arg.strip():
        raise BadInputError(
            "the token is empty", "Pass the JWT itself, '-' to read stdin, or @file."
        )
    return arg


def read_expired_jwt(
    option: str, arg: str, stdin: BinaryIO | None = None, *, now: float | None = None
) -> str:
    """A JWT that really is expired (value, ``-`` or ``@file``), unwrapped; else one line of
    bad input saying what it is instead (a live token would make a backend look wrong)."""
    from authcheck.core.classify import TokenKind, classify
    from authcheck.core.timefmt import duration

    found = classify(read_token(arg, stdin))
    if found.kind is not TokenKind.JWS or found.token is None or found.decoded is None:
        raise BadInputError(
            f"{option} is not a JWT ({found.kind.value})",
            "Pass an expired JWT from /api/auth/token: the value, - for stdin, or @file.",
        )
    exp = (found.decoded.claims or {}).get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise BadInputError(f"{option} has no numeric exp claim, so it never expires")
    left = exp - (time.time() if now is None else now)
    if left > 0:
        raise BadInputError(
            f"{option} is not expired: it is valid for {duration(left)} more",
            "Wait until it expires, or pass one whose exp has passed.",
        )
    return found.token
