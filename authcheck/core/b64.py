"""Strict base64url (RFC 7515 §2): no padding, no whitespace, canonical trailing bits."""

from __future__ import annotations

import base64
import binascii
import re

_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


class Base64Error(ValueError):
    """The text is not canonical unpadded base64url."""


def b64url_decode(text: str) -> bytes:
    if not _ALPHABET.fullmatch(text):
        bad = next(c for c in text if not (c.isascii() and (c.isalnum() or c in "-_")))
        raise Base64Error(f"character {bad!r} is not base64url")
    if len(text) % 4 == 1:
        raise Base64Error("impossible length for base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:  # pragma: no cover - the alphabet check catches these
        raise Base64Error(str(exc)) from exc
    if b64url_encode(data) != text:
        raise Base64Error("non-canonical base64url (unused trailing bits are set)")
    return data


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
