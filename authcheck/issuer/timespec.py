"""Relative times such as ``-2m`` or ``+1h`` turned into seconds and NumericDates."""

from __future__ import annotations

import re
import time

from authcheck.errors import BadInputError

_OFFSET = re.compile(r"^\s*([+-]?)(\d+)\s*([smhd]?)\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_offset(text: str) -> int:
    """``-2m`` → -120, ``+1h`` → 3600, ``30`` → 30 (seconds)."""
    match = _OFFSET.match(text)
    if match is None:
        raise BadInputError(
            f"cannot read time offset {text!r}", hint="write it like -2m, +10m, 30s, 1h or -1d"
        )
    sign, amount, unit = match.groups()
    seconds = int(amount) * _UNIT[unit]
    return -seconds if sign == "-" else seconds


def at_offset(text: str, now: int | None = None) -> int:
    """The NumericDate ``text`` away from now."""
    return (int(time.time()) if now is None else now) + parse_offset(text)
