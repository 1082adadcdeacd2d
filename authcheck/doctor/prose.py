"""Redacting tokens inside prose (backend messages, scenario reasons) without eating words.

`authcheck.core.redact.redact_text` treats any ``word.word`` run as a token, so a message like
"get a fresh one with authClient.token()" loses its advice. This one redacts a JWT-like run (two
long base64url parts) or a long opaque credential (24+ characters: session ids, cookies);
``/`` ends a run, so a URL path keeps its shape.
"""

from __future__ import annotations

import re

from authcheck.core.redact import redact_token

_SECRETISH = re.compile(
    r"[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}[.A-Za-z0-9_-]*|[A-Za-z0-9_+=%-]{24,}"
)


def redact_prose(text: str) -> str:
    return _SECRETISH.sub(lambda m: redact_token(m.group(0)), text)
