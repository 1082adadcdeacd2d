"""The CORS preflight verdict, against FastAPI's own CORSMiddleware (in process)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.testclient import TestClient

from authcheck.engine.checks.cors import diagnose, origin_difference

URL = "http://testserver/api/u1/tasks"
PAGE = "http://127.0.0.1:3100"


def backend(origins: list[str], headers: list[str] | None = None) -> TestClient:
    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["*"],
        allow_headers=headers if headers is not None else ["*"],
    )

    @app.get("/api/{user}/tasks")
    def tasks(user: str) -> list[str]:
        return []

    return TestClient(app)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_pages_exact_origin_is_allowed(method: str) -> None:
    verdict = diagnose(backend([PAGE]), URL, PAGE, method)
    assert verdict.ok, verdict.message()
    assert "is allowed" in verdict.message()


@pytest.mark.parametrize(
    ("allowed", "difference"),
    [
        ("http://localhost:3100", "host (127.0.0.1 vs localhost: the same machine"),
        ("https://127.0.0.1:3100", "scheme (http vs https)"),
    ],
)
def test_a_look_alike_origin_is_named_with_the_difference(allowed: str, difference: str) -> None:
    verdict = diagnose(backend([allowed]), URL, PAGE)
    assert not verdict.ok
    assert verdict.allowed_instead == allowed
    message = verdict.message()
    assert f"the backend allows {allowed} instead" in message and difference in message
    assert verdict.hint().startswith(f"add {PAGE} to the backend's CORS allowed origins")


def test_an_unrelated_origin_is_blocked_without_a_guess() -> None:
    verdict = diagnose(backend(["http://127.0.0.1:5173"]), URL, PAGE)
    assert not verdict.ok and verdict.allowed_instead is None
    assert "does not allow the origin http://127.0.0.1:3100" in verdict.message()


def test_authorization_must_be_an_allowed_header() -> None:
    verdict = diagnose(backend([PAGE], headers=["content-type"]), URL, PAGE)
    assert not verdict.ok
    assert "Access-Control-Allow-Headers" in verdict.message()
    assert "does not name Authorization" in verdict.message()


def test_a_wildcard_allow_headers_does_not_cover_authorization() -> None:
    """Fetch standard: `*` in Access-Control-Allow-Headers never includes Authorization."""
    answer = {
        "access-control-allow-origin": "*",
        "access-control-allow-headers": "*",
        "access-control-allow-methods": "*",
    }
    client = httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(204, headers=answer))
    )
    verdict = diagnose(client, URL, PAGE)
    assert not verdict.ok and "does not name Authorization" in verdict.message()


def test_origin_difference_names_the_port() -> None:
    said = origin_difference("http://localhost:3000", "http://localhost:3001")
    assert said == "port (3000 vs 3001)"
