import sys

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from authcheck.errors import UnreachableError
from authcheck.serve import ManagedProcess, ThreadedUvicorn, free_port


def _hello(_request: object) -> PlainTextResponse:
    return PlainTextResponse("hello")


def test_threaded_uvicorn_serves_and_stops() -> None:
    app = Starlette(routes=[Route("/", _hello)])
    with ThreadedUvicorn(app) as server:
        assert httpx.get(server.url).text == "hello"
    with pytest.raises(httpx.TransportError):
        httpx.get(server.url, timeout=1)


def test_managed_process_reports_a_child_that_dies_before_ready() -> None:
    port = free_port()
    proc = ManagedProcess(
        [sys.executable, "-c", "raise SystemExit(4)"],
        ready_url=f"http://127.0.0.1:{port}/",
        name="doomed",
    )
    with pytest.raises(UnreachableError, match="doomed exited with status 4"):
        proc.start()
