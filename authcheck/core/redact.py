"""Redaction: no full token, session id or password ever reaches a log or a report."""

from __future__ import annotations

import re

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


def redact_text(text: str) -> str:
    """Redact every token-looking run inside free text (headers, bodies, messages)."""
    return _TOKENISH.sub(lambda m: redact_token(m.group(0)), text)


def redact_authorization(header_value: str) -> str:
    """``Bearer eyJ…`` → ``Bearer eyJhbG…[redacted N chars]``; the scheme stays readable."""
    scheme, sep, credentials = header_value.partition(" ")
    if not sep:
        return redact_token(header_value) if header_value else header_value
    return f"{scheme} {redact_token(credentials.strip())}" if credentials.strip() else header_value
