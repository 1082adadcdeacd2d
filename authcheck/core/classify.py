"""What a pasted string is: a JWS, a JWE, a Better Auth session id or cookie, or junk-wrapped JWT.

Unwraps the usual copy-and-paste damage (``Bearer `` prefix, quotes, whitespace, URL encoding),
records a finding for each layer removed, then names the kind of what is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

from authcheck.core.findings import Finding, Severity, finding
from authcheck.core.jose import MAX_TOKEN_BYTES, DecodedToken, DecodeError, decode_unverified


class TokenKind(StrEnum):
    JWS = "jws"
    JWE = "jwe"
    SESSION_ID = "session_id"
    SIGNED_SESSION_COOKIE = "signed_session_cookie"
    COOKIE_CACHE_JWT = "cookie_cache_jwt"
    NOT_JWT = "not_jwt"
    MALFORMED = "malformed"
    OVERSIZED = "oversized"
    EMPTY = "empty"


@dataclass(frozen=True)
class Classification:
    kind: TokenKind
    token: str | None  # the unwrapped compact JWS/JWE, when there is one
    findings: tuple[Finding, ...]
    decoded: DecodedToken | None = None

    @property
    def is_jwt(self) -> bool:
        return self.kind is TokenKind.JWS


_SESSION_ID = re.compile(r"[A-Za-z0-9]{32}")
# better-auth.session_token = "<session id>.<base64(HMAC-SHA256)>" (standard alphabet, padded).
_SIGNED_COOKIE = re.compile(r"[A-Za-z0-9_-]{16,128}\.[A-Za-z0-9+/]{43}=")
_BEARER = re.compile(r"(?i)^(?:authorization\s*:\s*)?bearer\s+")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_QUOTES = {'"': '"', "'": "'", "`": "`", "“": "”"}

_HINT_TAKE_JWT = (
    "Send the JWT from authClient.token() (GET /api/auth/token, or the set-auth-jwt header of "
    "/api/auth/get-session) as 'Authorization: Bearer <JWT>'."
)


def _unwrap(text: str, max_bytes: int) -> tuple[str, list[Finding]]:
    found: list[Finding] = []
    seen: set[str] = set()
    for _ in range(8):  # each layer shrinks the text; 8 layers is already absurd
        before = text
        stripped = text.strip()
        if stripped != text or any(c in stripped for c in "\r\n\t"):
            if "token.whitespace" not in seen:
                found.append(
                    finding(
                        "token.whitespace",
                        "whitespace or a line break around/inside the value was removed",
                        "Trim the value where it is read (env file, header builder): "
                        "a trailing newline alone makes the backend answer 401.",
                    )
                )
                seen.add("token.whitespace")
            text = stripped
        bearer = _BEARER.match(text)
        if bearer:
            if "token.bearer-prefix" not in seen:
                found.append(
                    finding(
                        "token.bearer-prefix",
                        "the value starts with the 'Bearer ' scheme",
                        "Pass only the token; the client adds 'Bearer ' once. "
                        "'Bearer Bearer eyJ…' is a common 401.",
                    )
                )
                seen.add("token.bearer-prefix")
            text = text[bearer.end() :]
        if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
            if "token.quoted" not in seen:
                found.append(
                    finding(
                        "token.quoted",
                        "the value is wrapped in quotes",
                        "Drop the quotes (JSON.stringify of a string, or quotes in an env file).",
                    )
                )
                seen.add("token.quoted")
            text = text[1:-1]
        if _PERCENT.search(text):
            if "token.url-encoded" not in seen:
                found.append(
                    finding(
                        "token.url-encoded",
                        "the value is URL-encoded (%XX sequences)",
                        "Decode it once (cookie values are URL-encoded).",
                    )
                )
                seen.add("token.url-encoded")
            text = unquote(text)
        # Remove inner whitespace (a token wrapped over lines) only once nothing else changes.
        if text == before:
            compact = "".join(text.split())
            if compact == text:
                break
            if "token.whitespace" not in seen:
                found.append(
                    finding(
                        "token.whitespace",
                        "spaces inside the value were removed",
                        "The value was wrapped or split when copied; send it as one line.",
                    )
                )
                seen.add("token.whitespace")
            text = compact
        if len(text) > max_bytes:
            break
    return text, found


def _jws_kind(text: str, max_bytes: int, found: list[Finding]) -> Classification:
    try:
        decoded = decode_unverified(text, max_bytes=max_bytes)
    except DecodeError as exc:
        return Classification(TokenKind.MALFORMED, text, (*found, exc.finding))
    claims = decoded.claims or {}
    if decoded.alg == "HS256" and isinstance(claims.get("session"), dict) and "user" in claims:
        found.append(
            finding(
                "token.cookie-cache-jwt",
                "an HS256 JWT holding {session, user}: Better Auth's cookie cache "
                "(better-auth.session_data), signed with BETTER_AUTH_SECRET",
                "This cookie is not for backends. " + _HINT_TAKE_JWT,
            )
        )
        return Classification(TokenKind.COOKIE_CACHE_JWT, text, tuple(found), decoded)
    alg = decoded.alg
    if isinstance(alg, str) and alg.strip().lower() == "none":
        found.append(
            finding(
                "header.alg-none",
                "alg none: an unsigned token, which every verifier must reject",
                severity=Severity.WARNING,
            )
        )
    elif isinstance(alg, str) and alg.startswith("HS"):
        found.append(
            finding(
                "header.alg-not-allowed",
                f"alg {alg}: a shared-secret token, not the JWT plugin's (EdDSA by default)",
                "Backends verify Better Auth JWTs with the JWKS (spec FR-010); " + _HINT_TAKE_JWT,
                severity=Severity.WARNING,
            )
        )
    return Classification(TokenKind.JWS, text, tuple(found), decoded)


def classify(raw: str, *, max_bytes: int = MAX_TOKEN_BYTES) -> Classification:
    """Name what ``raw`` is; unwrap junk; decode (without verifying) when it is a JWS."""
    if not raw.strip():
        return Classification(
            TokenKind.EMPTY, None, (finding("token.not-jwt", "the input is empty"),)
        )
    if len(raw) > 4 * max_bytes:  # don't even unwrap a pasted file
        return Classification(TokenKind.OVERSIZED, None, (_oversized(len(raw), max_bytes),))
    if raw.lstrip().startswith("{"):  # JSON: inner spaces are JSON's, not copy-paste damage
        return _json_kind(raw.strip(), max_bytes)
    cookies = _cookie_pairs(raw)
    if cookies:
        return _cookie_kind(cookies, max_bytes)
    text, found = _unwrap(raw, max_bytes)
    if len(text) > max_bytes:
        return Classification(TokenKind.OVERSIZED, None, (*found, _oversized(len(text), max_bytes)))
    if not text.isprintable() or not text.isascii():
        found.append(
            finding(
                "token.not-jwt",
                "the input is binary or has non-ASCII characters: not a token",
                _HINT_TAKE_JWT,
            )
        )
        return Classification(TokenKind.NOT_JWT, None, tuple(found))
    dots = text.count(".")
    if dots == 2:
        return _jws_kind(text, max_bytes, found)
    if dots == 4:
        found.append(
            finding(
                "token.jwe",
                "5 dot-separated parts: an encrypted JWT (JWE)",
                "Better Auth's JWT plugin signs (JWS), it does not encrypt; this is another "
                "issuer's token or an encrypted session. " + _HINT_TAKE_JWT,
            )
        )
        return Classification(TokenKind.JWE, text, tuple(found))
    if dots == 0 and _SESSION_ID.fullmatch(text):
        found.append(
            finding(
                "token.session-id",
                "32 characters, no dots: a Better Auth session id (sign-in body 'token', "
                "bearer plugin), not a JWT",
                "Exchange the session for a JWT: " + _HINT_TAKE_JWT,
            )
        )
        return Classification(TokenKind.SESSION_ID, None, tuple(found))
    if dots == 1 and _SIGNED_COOKIE.fullmatch(text):
        found.append(
            finding(
                "token.signed-session-cookie",
                "<session id>.<HMAC>: the better-auth.session_token cookie value, not a JWT",
                "Backends cannot verify this cookie without BETTER_AUTH_SECRET. " + _HINT_TAKE_JWT,
            )
        )
        return Classification(TokenKind.SIGNED_SESSION_COOKIE, None, tuple(found))
    why = f"{dots + 1} dot-separated part(s) and no known credential shape"
    found.append(finding("token.not-jwt", f"not a JWT: {why}", _HINT_TAKE_JWT))
    return Classification(TokenKind.NOT_JWT, None, tuple(found))


# `Cookie: a=b; c=d` (DevTools' request header), `a=b; c=d`, or one `name=value` pair. A JWT or
# a session id has no `=`; a signed session cookie ends in one, after characters a cookie name
# cannot hold (`.` then `+/`), or with nothing after it — so none of them matches.
_COOKIE_HEADER = re.compile(r"(?i)^\s*cookie\s*:\s*")
_COOKIE_PAIR = re.compile(r"^\s*([A-Za-z0-9_!#$&'*+^`|~-][A-Za-z0-9_.!#$&'*+^`|~-]*)=(.*?)\s*$")


def _cookie_pairs(raw: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs when ``raw`` is a Cookie header or cookie pairs, else []."""
    header = _COOKIE_HEADER.match(raw)
    text = raw[header.end() :] if header else raw
    pairs = []
    for part in text.strip().split(";"):
        if not part.strip():
            continue
        match = _COOKIE_PAIR.match(part)
        if match is None or not match.group(2):
            return []
        pairs.append((match.group(1), match.group(2)))
    if not header and len(pairs) == 1 and "." in pairs[0][0] and "-" not in pairs[0][0]:
        # `<id>.<hmac-without-+/>=<…>` cannot be told from a pair with a dotted name; Better
        # Auth's names carry a dash (better-auth.session_token), so demand one or a header
        return []
    return pairs


_COOKIE_ORDER = ("session_token", "session_data")  # Better Auth's, most useful first


def _cookie_kind(pairs: list[tuple[str, str]], max_bytes: int) -> Classification:
    """Classify the one cookie worth looking at, and say which one it was."""
    kinds = [(name, classify(value, max_bytes=max_bytes)) for name, value in pairs]
    jws = [(n, c) for n, c in kinds if c.kind is TokenKind.JWS]
    named = [(n, c) for suffix in _COOKIE_ORDER for n, c in kinds if n.endswith(suffix)]
    name, chosen = (jws or named or kinds)[0]
    others = [n for n, _ in pairs if n != name]
    besides = f" (of {len(pairs)}: also {', '.join(others[:5])})" if others else ""
    took = finding(
        "token.cookie",
        f"cookies were pasted; took the {name} cookie{besides}",
        "A backend reads the JWT from 'Authorization: Bearer <JWT>', not from cookies. "
        + _HINT_TAKE_JWT,
    )
    return Classification(chosen.kind, chosen.token, (took, *chosen.findings), chosen.decoded)


def _json_kind(text: str, max_bytes: int) -> Classification:
    inner = _token_field(text)
    if inner is not None:
        nested = classify(inner, max_bytes=max_bytes)
        body = finding(
            "token.json-body",
            'a JSON body ({"token": …}, as /api/auth/token answers); its token was taken',
            "Send only the value of the token field.",
        )
        return Classification(nested.kind, nested.token, (body, *nested.findings), nested.decoded)
    not_jwt = finding(
        "token.not-jwt",
        "not a JWT: JSON text (a JWS JSON serialization or a response body)",
        "If this is a response body, its 'token' field holds the value. " + _HINT_TAKE_JWT,
    )
    return Classification(TokenKind.NOT_JWT, None, (not_jwt,))


def _token_field(text: str) -> str | None:
    import json

    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        return None
    token = body.get("token") if isinstance(body, dict) else None
    return token if isinstance(token, str) and token.strip() else None


def _oversized(size: int, max_bytes: int) -> Finding:
    return finding(
        "token.oversized",
        f"the input is {size} characters, over the {max_bytes}-byte token cap",
        "Better Auth JWTs are well under 2 KiB: this is a file or page, not a token.",
    )
