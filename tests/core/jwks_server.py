"""A small real JWKS server (starlette under uvicorn) whose answers the test controls."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class JwksBehaviour:
    body: bytes = b'{"keys": []}'
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # never answer (for timeouts)
    hits: int = 0


def jwks_app(behaviour: JwksBehaviour) -> Starlette:
    async def jwks(request: Request) -> Response:
        behaviour.hits += 1
        while behaviour.hang:  # held open until the test releases it (client times out first)
            await asyncio.sleep(0.02)
        return Response(
            behaviour.body,
            status_code=behaviour.status,
            media_type=behaviour.content_type,
            headers=behaviour.headers,
        )

    return Starlette(routes=[Route("/api/auth/jwks", jwks)])


def as_body(document: Any) -> bytes:
    import json

    return json.dumps(document).encode()
