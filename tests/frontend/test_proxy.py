"""The recording proxy on a loopback port: forwards, records, says when nothing answers."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Header

from authcheck.engine.browser import CapturedRequest
from authcheck.frontend.proxy import ProxyServer, RecordingProxy
from authcheck.serve import ThreadedUvicorn, free_port


def test_requests_are_forwarded_and_recorded_with_the_backends_status() -> None:
    app = FastAPI()

    @app.post("/api/{user}/tasks", status_code=201)
    def create(user: str, body: dict[str, str], authorization: str = Header("")) -> dict[str, str]:
        return {"user": user, "auth": authorization, **body}

    heard: list[CapturedRequest] = []
    with (
        ThreadedUvicorn(app) as backend,
        ProxyServer(RecordingProxy(backend.url, heard.append)) as proxy,
    ):
        answer = httpx.post(
            f"{proxy.url}/api/u1/tasks?x=1",
            json={"title": "t"},
            headers={"Authorization": "Bearer abc"},
        )
        seen = proxy.proxy.requests()
    assert answer.status_code == 201
    assert answer.json() == {"user": "u1", "auth": "Bearer abc", "title": "t"}
    assert seen == (CapturedRequest("POST", f"{backend.url}/api/u1/tasks?x=1", "Bearer abc", 201),)
    assert heard == list(seen)  # the live callback heard the same request


def test_a_backend_that_does_not_answer_is_recorded_as_no_answer() -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with ProxyServer(RecordingProxy(dead)) as proxy:
        answer = httpx.get(f"{proxy.url}/api/u1/tasks")
        seen = proxy.proxy.requests()
    assert answer.status_code == 502 and "authcheck proxy" in answer.text
    assert [r.status for r in seen] == [None]
