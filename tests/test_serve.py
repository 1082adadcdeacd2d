import sys
from pathlib import Path

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


def test_managed_process_says_what_a_dying_child_logged_last(tmp_path: Path) -> None:
    log = tmp_path / "child.log"
    log.write_text("an older run's line\n")
    script = "print('starting'); print('child: PORT is in use'); raise SystemExit(2)"
    proc = ManagedProcess(
        [sys.executable, "-c", script],
        ready_url=f"http://127.0.0.1:{free_port()}/",
        name="child",
        log_path=log,
    )
    with pytest.raises(UnreachableError) as failure:
        proc.start()
    assert failure.value.message.startswith("child exited with status 2 before answering")
    assert failure.value.message.endswith("its last words: child: PORT is in use")


def test_managed_process_does_not_quote_an_older_run(tmp_path: Path) -> None:
    log = tmp_path / "child.log"
    log.write_text("an older run's line\n")
    proc = ManagedProcess(
        [sys.executable, "-c", "raise SystemExit(3)"],
        ready_url=f"http://127.0.0.1:{free_port()}/",
        name="silent",
        log_path=log,
    )
    with pytest.raises(UnreachableError) as failure:
        proc.start()
    assert failure.value.message.startswith("silent exited with status 3")
    assert "older run" not in failure.value.message
