"""Reading a TOKEN argument: the value itself, ``-`` for stdin, or ``@path``."""

from __future__ import annotations

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
