"""`authcheck routes discover`: what scenarios run would find, as a routes file it accepts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authcheck.cli.main import app
from authcheck.engine.routes import load_routes
from authcheck.issuer import TestIssuer
from authcheck.serve import ThreadedUvicorn
from tests.broken_backends.app import build_app
from tests.engine.shapes import user_path_app, wrapped_todos_app

runner = CliRunner()


@pytest.fixture(scope="module")
def issuer() -> Iterator[TestIssuer]:
    with TestIssuer() as server:
        yield server


def test_prints_a_routes_file_that_loads_back_the_same(tmp_path: Path) -> None:
    with ThreadedUvicorn(user_path_app()) as server:
        result = runner.invoke(app, ["routes", "discover", "--target", server.url])
        as_json = runner.invoke(app, ["routes", "discover", "--target", server.url, "--json"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"# task API of {server.url}, from /openapi.json")
    path = tmp_path / "routes.toml"
    path.write_text(result.output)
    routes = load_routes(str(path))
    assert routes.title_field == "name" and routes.complete_body == {"status": "done"}
    assert load_routes(str(path)) == routes.model_validate(json.loads(as_json.output)["routes"])


def test_without_a_document_or_a_token_it_says_what_it_tried() -> None:
    with ThreadedUvicorn(wrapped_todos_app(openapi=False)) as server:
        alone = runner.invoke(app, ["routes", "discover", "--target", server.url])
    assert alone.exit_code == 2
    assert "could not find the task routes: /openapi.json: answered 404" in alone.output
    assert "a token source to probe with" in alone.output and "Traceback" not in alone.output


def test_with_the_issuer_it_reads_the_reference_shape(issuer: TestIssuer) -> None:
    with ThreadedUvicorn(build_app(issuer.url)) as server:
        result = runner.invoke(
            app, ["routes", "discover", "--target", server.url, "--issuer-url", issuer.url]
        )
    assert result.exit_code == 0, result.output
    assert 'list = "/api/{user_id}/tasks"' in result.output


def test_unreachable_target_is_exit_3() -> None:
    result = runner.invoke(app, ["routes", "discover", "--target", "http://127.0.0.1:9"])
    assert result.exit_code == 3 and "not reachable" in result.output
