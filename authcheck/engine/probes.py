"""Turning a catalogue `Probe` into the Authorization value to send (None = no header)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import string
import time
from typing import Any

import jwt

from authcheck.core.b64 import b64url_encode
from authcheck.core.jose import decode_unverified
from authcheck.engine.catalogue import DeriveKind, MintSpec, Probe
from authcheck.engine.source import TokenSource, User, user_claims
from authcheck.issuer.forge import MintRequest, MintUnavailable
from authcheck.issuer.timespec import at_offset

_ALNUM = string.ascii_letters + string.digits
ABSENT = "{absent}"  # a header value that leaves the member out (TOML has no null)


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, text in names.items():
            value = value.replace("{" + key + "}", text)
        return value
    if isinstance(value, list):
        return [_fill(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, names) for key, item in value.items()}
    return value


def placeholders(source: TokenSource) -> dict[str, str]:
    facts = source.facts()
    a, b = source.users
    return {
        "issuer": facts.issuer,
        "issuer_upper": facts.issuer.upper(),
        "audience": facts.audience,
        "kid": facts.kid,
        "user_a": a.id,
        "user_b": b.id,
    }


def mint_request(spec: MintSpec, source: TokenSource) -> MintRequest:
    names = placeholders(source)
    user = source.users[0] if spec.user == "a" else source.users[1]
    now = int(time.time())
    claims: dict[str, Any] = {**user_claims(user), **_fill(spec.claims, names)}
    for name, offset in spec.times.items():
        claims[name] = at_offset(offset, now)
    return MintRequest(
        claims=claims,
        omit=list(spec.omit),
        header={
            name: None if value == ABSENT else value
            for name, value in _fill(spec.header, names).items()
        },
        signer=spec.signer,
        key_format=spec.key_format,
        embed=spec.embed,
        raw_payload=None if spec.raw_payload is None else _fill(spec.raw_payload, names),
    )


def probe_user(probe: Probe, source: TokenSource) -> User:
    """Whose path the probe goes to: the user its token claims to be."""
    if probe.mint is not None and probe.mint.user == "b":
        return source.users[1]
    if probe.derive is DeriveKind.TAMPER_SUB:
        return source.users[1]
    return source.users[0]


def authorization_for(probe: Probe, source: TokenSource) -> str | None:
    if probe.no_authorization:
        return None
    if probe.authorization is not None:
        return probe.authorization
    if probe.mint is not None:
        try:
            return "Bearer " + source.mint(mint_request(probe.mint, source))
        except MintUnavailable:
            if probe.fallback == "expired-token" and source.expired_token:
                return "Bearer " + source.expired_token
            raise
    assert probe.derive is not None
    return derive(probe.derive, source)


def _session_id(user: User) -> str:
    return user.session_id or "".join(secrets.choice(_ALNUM) for _ in range(32))


def derive(kind: DeriveKind, source: TokenSource) -> str:
    a, b = source.users
    if kind is DeriveKind.SESSION_ID:
        return "Bearer " + _session_id(a)
    if kind is DeriveKind.SESSION_COOKIE:
        if a.session_cookie:
            return "Bearer " + a.session_cookie
        mac = hmac.new(secrets.token_bytes(32), _session_id(a).encode(), hashlib.sha256).digest()
        return f"Bearer {_session_id(a)}.{base64.b64encode(mac).decode()}"
    if kind is DeriveKind.COOKIE_CACHE_JWT:
        now = int(time.time())
        cached: dict[str, Any] = {
            "session": {"token": _session_id(a), "userId": a.id, "expiresAt": now + 3600},
            "user": {"id": a.id},
            "expiresAt": now + 300,
        }
        return "Bearer " + jwt.encode(cached, secrets.token_hex(32), algorithm="HS256")
    token = source.valid_token(a)
    if kind is DeriveKind.NO_SCHEME:
        return token
    if kind is DeriveKind.QUOTED:
        return f'Bearer "{token}"'
    header, payload, signature = token.split(".")
    if kind is DeriveKind.STRIP_SIGNATURE:
        return f"Bearer {header}.{payload}."
    claims = {**(decode_unverified(token).claims or {}), "sub": b.id}
    if "id" in claims:
        claims["id"] = b.id
    forged = b64url_encode(json.dumps(claims, separators=(",", ":")).encode())
    return f"Bearer {header}.{forged}.{signature}"
