"""A loopback recording reverse proxy in front of the backend: every client's requests, seen.

The browser's calls and the frontend server's own calls (Next.js route handlers, server actions,
``auth.api.getToken()``) both pass through it when the frontend's backend URL points at it.
Each request is forwarded unchanged (``Origin`` and preflights included, so the backend's CORS
still decides) and recorded as a `CapturedRequest` with the backend's status; ``on_request``
hears about each one as it completes, for the live line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx

from authcheck.engine.browser import CapturedRequest
from authcheck.errors import UnreachableError
from authcheck.serve import ThreadedUvicorn

_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-connection", "host"}
)
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


class RecordingProxy:
    """An ASGI app forwarding to ``backend`` and recording what passed (thread-safe)."""

    def __init__(
        self,
        backend: str,
        on_request: Callable[[CapturedRequest], None] | None = None,
        *,
        timeout: float = 30.0,
    ) -> None:
        self.backend = backend.rstrip("/")
        self.on_request = on_request
        self.timeout = timeout
        self._lock = threading.Lock()
        self._requests: list[CapturedRequest] = []
        self.preflights = 0

    def requests(self) -> tuple[CapturedRequest, ...]:
        with self._lock:
            return tuple(self._requests)

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                event = (await receive())["type"]
                await send({"type": event + ".complete"})  # lifespan.startup/shutdown
                if event == "lifespan.shutdown":
                    return
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in scope["headers"]
            if k.decode("latin-1").lower() not in _HOP
        ]
        path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string") or b""
        url = self.backend + path.decode("latin-1") + ("?" + query.decode() if query else "")
        method = scope["method"]
        authorization = next((v for k, v in headers if k.lower() == "authorization"), None)
        status: int | None = None
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                answer = await client.request(method, url, headers=headers, content=body)
            status = answer.status_code
            out = [
                (k.encode("latin-1"), v.encode("latin-1"))
                for k, v in answer.headers.items()
                if k.lower() not in _HOP and k.lower() != "content-length"
            ]
            content = answer.content
            out.append((b"content-length", str(len(content)).encode()))
        except httpx.HTTPError as exc:
            status, content = None, f"authcheck proxy: backend {self.backend}: {exc}".encode()
            out = [(b"content-type", b"text/plain; charset=utf-8")]
            out.append((b"content-length", str(len(content)).encode()))
        if method == "OPTIONS" and any(k.lower() == "origin" for k, _ in headers):
            with self._lock:
                self.preflights += 1
        else:
            self._record(CapturedRequest(method, url, authorization, status))
        await send({"type": "http.response.start", "status": status or 502, "headers": out})
        await send({"type": "http.response.body", "body": content})

    def _record(self, request: CapturedRequest) -> None:
        with self._lock:
            self._requests.append(request)
        if self.on_request is not None:
            self.on_request(request)


class ProxyServer:
    """The recording proxy served by uvicorn on a loopback port (``port`` 0 = a free one)."""

    def __init__(self, proxy: RecordingProxy, port: int = 0) -> None:
        self.proxy = proxy
        self._server = ThreadedUvicorn(proxy, port=port or None)

    @property
    def url(self) -> str:
        return self._server.url

    def __enter__(self) -> ProxyServer:
        try:
            self._server.start()
        except UnreachableError as exc:
            raise UnreachableError(
                f"cannot start the recording proxy on {self.url}: {exc.message}",
                "choose another --proxy-port",
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()
