"""Compact JWS parsing without verification: segments, strict base64url, strict JSON.

No cryptography and no PyJWT here, so ``authcheck decode`` stays fast. Damage raises
``DecodeError`` carrying the finding that names it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from authcheck.core.b64 import Base64Error, b64url_decode
from authcheck.core.findings import Finding, finding
from authcheck.errors import AuthcheckError, ExitStatus

MAX_TOKEN_BYTES = 16 * 1024
_PART_NAMES = ("header", "payload", "signature")


class DecodeError(AuthcheckError):
    """The token is damaged; ``finding`` names how (token.malformed, token.oversized, ...)."""

    exit_status = ExitStatus.FINDINGS

    def __init__(self, found: Finding) -> None:
        super().__init__(found.message, found.hint)
        self.finding = found


@dataclass(frozen=True, slots=True)
class JsonObject:
    """A decoded JSON object and the member names it repeated (at any depth)."""

    value: dict[str, Any]
    duplicates: tuple[str, ...]


@dataclass(frozen=True)
class DecodedToken:
    header: dict[str, Any]
    claims: dict[str, Any] | None  # None when the payload is not a JSON object (plain JWS)
    payload: bytes = field(repr=False)
    signing_input: bytes = field(repr=False)
    signature: bytes = field(repr=False)
    header_duplicates: tuple[str, ...] = ()
    claim_duplicates: tuple[str, ...] = ()
    payload_problem: str | None = None  # why claims is None

    @property
    def signature_len(self) -> int:
        return len(self.signature)

    @property
    def alg(self) -> Any:
        return self.header.get("alg")

    @property
    def kid(self) -> Any:
        return self.header.get("kid")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _Repeated(Exception):
    """A JSON object repeated a member name (the fast decoder bails out to the recording one)."""


def _pairs_fast(items: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(items)
    if len(value) != len(items):
        raise _Repeated
    return value


# One shared decoder for the common case (json.loads would build a decoder per call).
_FAST = json.JSONDecoder(object_pairs_hook=_pairs_fast, parse_constant=_reject_constant)


def _loads_recording(text: str) -> tuple[Any, tuple[str, ...]]:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in items:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    value = json.loads(text, object_pairs_hook=pairs, parse_constant=_reject_constant)
    return value, tuple(duplicates)


def parse_json_object(data: bytes, what: str) -> JsonObject:
    """Strict UTF-8 JSON object; repeated member names are recorded, never silently merged."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{what} is not valid UTF-8") from exc
    duplicates: tuple[str, ...] = ()
    try:
        try:
            value = _FAST.decode(text)
        except _Repeated:
            value, duplicates = _loads_recording(text)
    except RecursionError as exc:
        raise ValueError(f"{what} JSON is nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, int digit limit, NaN/Infinity
        raise ValueError(f"{what} is not valid JSON ({exc})") from exc
    if not isinstance(value, dict):
        raise ValueError(f"{what} is JSON {type(value).__name__}, not an object")
    return JsonObject(value, duplicates)


def split_compact(token: str, max_bytes: int = MAX_TOKEN_BYTES) -> list[str]:
    if len(token) > max_bytes:
        raise DecodeError(
            finding(
                "token.oversized",
                f"the token is {len(token)} bytes, over the {max_bytes}-byte cap",
                "Better Auth JWTs are under 2 KiB; a huge token is an attack or the wrong value.",
            )
        )
    parts = token.split(".")
    if len(parts) == 5:
        raise DecodeError(
            finding("token.jwe", "the token has 5 parts: an encrypted JWT (JWE), not a JWS")
        )
    if len(parts) != 3:
        raise DecodeError(
            finding("token.malformed", f"a JWS has 3 dot-separated parts, this has {len(parts)}")
        )
    for name, part in zip(_PART_NAMES, parts, strict=True):
        if not part and name == "header":
            raise DecodeError(finding("token.malformed", f"the {name} part is empty"))
    return parts


def _segment(part: str, name: str, checked: bool = False) -> bytes:
    try:
        return b64url_decode(part, alphabet_checked=checked)
    except Base64Error as exc:
        raise DecodeError(finding("token.malformed", f"the {name} part: {exc}")) from exc


def decode_unverified(
    token: str,
    *,
    max_bytes: int = MAX_TOKEN_BYTES,
    require_claims: bool = True,
    alphabet_checked: bool = False,
) -> DecodedToken:
    """Split and decode a compact JWS. Never verifies anything; never returns the signature text.

    ``require_claims=False`` accepts any payload bytes (plain JWS, as in test vectors).
    ``alphabet_checked`` says the caller already matched ``[A-Za-z0-9_-.]`` on the whole token.
    """
    header_b64, payload_b64, signature_b64 = split_compact(token, max_bytes)
    header_bytes = _segment(header_b64, "header", alphabet_checked)
    payload = _segment(payload_b64, "payload", alphabet_checked)
    signature = _segment(signature_b64, "signature", alphabet_checked)
    try:
        header = parse_json_object(header_bytes, "the header")
    except ValueError as exc:
        raise DecodeError(finding("token.malformed", str(exc))) from exc
    claims: dict[str, Any] | None = None
    claim_duplicates: tuple[str, ...] = ()
    problem: str | None = None
    try:
        parsed = parse_json_object(payload, "the payload")
        claims, claim_duplicates = parsed.value, parsed.duplicates
    except ValueError as exc:
        problem = str(exc)
        if require_claims:
            raise DecodeError(finding("token.malformed", problem)) from exc
    return DecodedToken(
        header=header.value,
        claims=claims,
        payload=payload,
        signing_input=f"{header_b64}.{payload_b64}".encode("ascii"),
        signature=signature,
        header_duplicates=header.duplicates,
        claim_duplicates=claim_duplicates,
        payload_problem=problem,
    )
