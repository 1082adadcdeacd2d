"""Strict base64url (RFC 7515 §2): no padding, no whitespace, canonical trailing bits."""

from __future__ import annotations

import base64
import binascii
import re
import string

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


class Base64Error(ValueError):
    """The text is not canonical unpadded base64url."""


_INDEX = {
    c: i
    for i, c in enumerate(string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_")
}


def b64url_decode(text: str, *, alphabet_checked: bool = False) -> bytes:
    """Decode strict base64url; ``alphabet_checked`` skips the character scan already done."""
    if not alphabet_checked and not _ALPHABET.fullmatch(text):
        bad = next(c for c in text if not (c.isascii() and (c.isalnum() or c in "-_")))
        raise Base64Error(f"character {bad!r} is not base64url")
    tail = len(text) % 4
    if tail == 1:
        raise Base64Error("impossible length for base64url")
    # Canonical form: the bits of the last character that encode no data must be zero.
    if tail and _INDEX[text[-1]] & (0x0F if tail == 2 else 0x03):
        raise Base64Error("non-canonical base64url (unused trailing bits are set)")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:  # pragma: no cover - the checks above catch these
        raise Base64Error(str(exc)) from exc


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
