"""Verifying Better Auth JWTs with PyJWT, locally, against the cached JWKS.

What a token must satisfy, in order (each failure says what is wrong in words a user can act on):
1. at most 16 KiB, three base64url segments, header and payload JSON objects without duplicate
   member names, NumericDate claims (exp, iat, nbf) that are JSON numbers — PyJWT would accept
   ``"exp": "9999999999"`` and a second ``"sub"`` (last wins), so we refuse those first;
2. ``alg`` in the configured allow-list and a ``kid`` that names a key in the JWKS, whose own
   algorithm is the token's ``alg``. Keys are never taken from the token (``jwk``, ``jku``,
   ``x5u``, ``x5c`` headers are ignored, never fetched);
3. PyJWT: the signature, then exp, iat, sub, iss and aud present, iss and aud equal to the
   configured values exactly, exp/iat/nbf within the leeway.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt

from reference_backend.core.config import SUPPORTED_ALGORITHMS, Settings
from reference_backend.core.jwks import JWKSCache

MAX_TOKEN_BYTES = 16 * 1024
REQUIRED_CLAIMS = ("exp", "iat", "sub", "iss", "aud")
_NUMERIC_DATES = ("exp", "iat", "nbf")
_MAX_NUMERIC_DATE = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second a datetime holds
_BASE64URL_AND_DOTS = re.compile(r"[A-Za-z0-9_\-.]+")
_SESSION_ID = re.compile(r"[A-Za-z0-9]{32}")
_HOW_TO_GET_A_JWT = "send the JWT from authClient.token() (Better Auth's JWT plugin) instead"


class TokenRejected(Exception):
    """The token is not acceptable; ``description`` tells the caller why, in plain words."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class Principal:
    """Who a verified token says the caller is. ``user_id`` is the ``sub`` claim (FR-004)."""

    user_id: str
    claims: Mapping[str, Any]
    expires_at: datetime


class TokenVerifier:
    def __init__(
        self,
        keys: JWKSCache,
        *,
        issuer: str,
        audience: str,
        algorithms: Sequence[str],
        leeway: int,
    ) -> None:
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.algorithms = tuple(algorithms)
        self.leeway = leeway

    @classmethod
    def from_settings(cls, settings: Settings, keys: JWKSCache) -> TokenVerifier:
        """The verifier the settings describe, reading keys from ``keys``."""
        return cls(
            keys,
            issuer=settings.issuer,
            audience=settings.audience,
            algorithms=settings.JWT_ALGORITHMS,
            leeway=settings.JWT_LEEWAY,
        )

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; ``TokenRejected`` otherwise.

        Raises ``KeySetUnavailable`` when no key could ever be fetched (answer 503, not 401).
        """
        header, payload = _parse_strictly(token)
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in self.algorithms:
            raise TokenRejected(_describe_alg(alg, self.algorithms))
        if not isinstance(kid, str) or not kid:
            raise TokenRejected("The token has no kid header, so no key can be chosen to verify it")
        key = self.keys.get(kid)
        if key is None:
            raise TokenRejected(
                f"The token was signed with key {_short(kid)}, which is not in the key set at "
                f"{self.keys.url}: it comes from another issuer or a key that no longer exists"
            )
        if key.algorithm_name != alg:
            raise TokenRejected(
                f"The token says alg {alg} but key {_short(kid)} is for {key.algorithm_name}"
            )
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[alg],
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway,
                options={"require": list(REQUIRED_CLAIMS), "enforce_minimum_key_length": True},
            )
        except jwt.InvalidTokenError as exc:
            raise TokenRejected(self._explain(exc, payload)) from None
        if not claims["sub"]:
            raise TokenRejected("The token's sub claim is empty; it must be the user id")
        return Principal(user_id=claims["sub"], claims=claims, expires_at=_utc(claims["exp"]))

    def _explain(self, exc: jwt.InvalidTokenError, payload: Mapping[str, Any]) -> str:
        if isinstance(exc, jwt.ExpiredSignatureError):
            exp = payload["exp"]
            ago = int(datetime.now(UTC).timestamp() - exp)
            return (
                f"The token expired at {_utc(exp):%Y-%m-%dT%H:%M:%SZ} ({ago} s ago). Better Auth "
                "JWTs live 15 minutes by default: get a fresh one with authClient.token()"
            )
        if isinstance(exc, jwt.InvalidSignatureError):
            return "The token's signature does not verify: it was altered or signed by another key"
        if isinstance(exc, jwt.InvalidIssuerError):
            return (
                f"The token's issuer (iss) is {_short(str(payload.get('iss')), 80)}, not "
                f"{self.issuer!r}; iss must match exactly (scheme, host, port, no trailing "
                "slash): set BETTER_AUTH_URL to the URL Better Auth runs at"
            )
        if isinstance(exc, jwt.InvalidAudienceError):
            return (
                f"The token's audience (aud) is {_short(str(payload.get('aud')), 80)}, not "
                f"{self.audience!r}; aud must match exactly: check BETTER_AUTH_URL (or "
                "JWT_AUDIENCE) against Better Auth's jwt.audience"
            )
        if isinstance(exc, jwt.MissingRequiredClaimError):
            required = ", ".join(REQUIRED_CLAIMS)
            return f"The token has no {exc.claim} claim; this API requires {required}"
        if isinstance(exc, jwt.ImmatureSignatureError):
            return (
                f"The token is not valid yet ({exc}); check the clocks of Better Auth and this "
                f"API (leeway {self.leeway} s)"
            )
        return f"The token is invalid: {exc}"


def _parse_strictly(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload as parsed for the checks PyJWT leaves to us (see module doc, step 1)."""
    if len(token) > MAX_TOKEN_BYTES:
        raise TokenRejected(f"The token is {len(token)} bytes; this API accepts at most 16 KiB")
    parts = token.split(".")
    if len(parts) != 3 or not _BASE64URL_AND_DOTS.fullmatch(token):
        raise TokenRejected(_describe_shape(token, parts))
    header = _json_object(parts[0], "header")
    payload = _json_object(parts[1], "payload")
    for name in _NUMERIC_DATES:
        value = payload.get(name)
        if name in payload and not _is_numeric_date(value):
            raise TokenRejected(
                f"The token's {name} claim must be a number of seconds (NumericDate)"
            )
    return header, payload


def _json_object(segment: str, part: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        value = json.loads(raw, object_pairs_hook=_no_duplicates)
    except _DuplicateName as exc:
        raise TokenRejected(f"The token's {part} names {exc} twice") from None
    except (binascii.Error, ValueError, RecursionError):
        raise TokenRejected(f"The token's {part} is not base64url-encoded JSON") from None
    if not isinstance(value, dict):
        raise TokenRejected(f"The token's {part} is not a JSON object")
    return value


def _is_numeric_date(value: object) -> bool:
    """A JSON number that a datetime can hold (not a string, bool, NaN, negative or beyond 9999)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return 0 <= value < _MAX_NUMERIC_DATE


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


class _DuplicateName(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise _DuplicateName(_short(name))
        result[name] = value
    return result


def _describe_shape(token: str, parts: list[str]) -> str:
    if any(ch.isspace() or ch in "\"'" for ch in token):
        return "The token contains spaces or quotes: send only the JWT after 'Bearer '"
    if len(parts) == 1 and _SESSION_ID.fullmatch(token):
        return f"This is a Better Auth session token, not a JWT: {_HOW_TO_GET_A_JWT}"
    if len(parts) == 2 or "%" in token:
        return f"This looks like the signed session cookie, not a JWT: {_HOW_TO_GET_A_JWT}"
    if len(parts) == 5:
        return "This is an encrypted JWT (JWE); this API expects a signed JWT (JWS)"
    if len(parts) == 3:
        return "The token has characters outside base64url: send the JWT exactly as issued"
    return (
        f"The bearer token is not a JWT (expected three dot-separated parts): {_HOW_TO_GET_A_JWT}"
    )


def _describe_alg(alg: object, allowed: Sequence[str]) -> str:
    if isinstance(alg, str) and alg.upper() == "HS256":
        return (
            "The token is signed with HS256 (a shared secret), which Better Auth's JWT plugin "
            f"never does; it may be the session_data cookie: {_HOW_TO_GET_A_JWT}"
        )
    hint = ""
    if alg in SUPPORTED_ALGORITHMS:
        hint = " (add it to JWT_ALGORITHMS if Better Auth signs with it)"
    allowed_list = ", ".join(allowed)
    return f"The token's alg {_short(str(alg))} is not allowed here{hint}; allowed: {allowed_list}"


def _short(text: str, limit: int = 40) -> str:
    """Attacker-controlled text, made safe and short for messages and headers."""
    printable = "".join(ch if ch.isascii() and ch.isprintable() else "?" for ch in text)
    return repr(printable if len(printable) <= limit else printable[:limit] + "...")
