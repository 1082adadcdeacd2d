"""Reading a TOML file for a strict pydantic model: every failure is one line naming the file.

Shared by the scenario catalogue, the routes file and the frontend's selectors file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from authcheck.errors import BadInputError


def read_toml(
    path: Path,
    *,
    unreadable: str = "{path}: cannot read: {reason}",
    hint: str | None = None,
) -> dict[str, Any]:
    """The file's top-level table. ``unreadable`` words the error when the file cannot be read
    (``{path}`` and ``{reason}`` are filled in, ``hint`` goes with it); bad TOML is
    ``<path>: not valid TOML: ...``."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInputError(unreadable.format(path=path, reason=exc.strerror), hint) from exc
    except tomllib.TOMLDecodeError as exc:
        raise BadInputError(f"{path}: not valid TOML: {exc}") from exc


def field_path(loc: Sequence[int | str]) -> str:
    """``probes[0].mint.signer`` from a pydantic error location; ``(file)`` for the top level."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def first_error(
    path: Path, exc: ValidationError, *, label: str = "field ", more: bool = True
) -> str:
    """``<path>: field <where>: <message>`` for the first error; `` (and N more)`` if ``more``."""
    first = exc.errors()[0]
    rest = exc.error_count() - 1
    tail = f" (and {rest} more)" if more and rest else ""
    return f"{path}: {label}{field_path(first['loc'])}: {first['msg']}{tail}"
