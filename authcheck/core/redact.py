"""Redaction: no full token, session id or password ever reaches a log or a report."""

from __future__ import annotations

import re
from collections.abc import Collection

_KEEP = 6
# A JWT-like run (two long base64url parts, then any more) or a long opaque credential (24+
# characters: session ids, signed cookies). Words such as ``authClient.token()`` survive, and
# ``/`` ends a run, so a URL path keeps its shape.
_TOKENISH = re.compile(
    r"[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}[.A-Za-z0-9_-]*|[A-Za-z0-9_+=%-]{24,}"
)


def redact_token(value: str) -> str:
    """Keep enough to recognise a token (its first characters and length), drop the rest.

    ``eyJhbGciOiJFZERTQSJ9.eyJ…`` → ``eyJhbG…[redacted 412 chars]``.
    """
    if len(value) <= _KEEP:
        return "[redacted]"
    return f"{value[:_KEEP]}…[redacted {len(value)} chars]"


# A UUID is an identifier (a task id), never a Better Auth credential (those have no hyphens in
# these places, or dots): it stays readable, as it is in the URL.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def redact_text(text: str, keep: Collection[str] = ()) -> str:
    """Redact every token-looking run inside free text (headers, bodies, messages).

    ``keep``: values known not to be secret (the run's user ids, shown in URLs anyway) stay.
    """

    def hide(match: re.Match[str]) -> str:
        value = match.group(0)
        if value in keep or _UUID.fullmatch(value):
            return value
        return redact_token(value)

    return _TOKENISH.sub(hide, text)


def redact_authorization(header_value: str) -> str:
    """``Bearer eyJ…`` → ``Bearer eyJhbG…[redacted N chars]``; the scheme stays readable."""
    scheme, sep, credentials = header_value.partition(" ")
    if not sep:
        return redact_token(header_value) if header_value else header_value
    return f"{scheme} {redact_token(credentials.strip())}" if credentials.strip() else header_value
