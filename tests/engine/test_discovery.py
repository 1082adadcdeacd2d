"""Route discovery: from the OpenAPI document, by probing without one, and its bad inputs."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import httpx
import pytest

from authcheck.engine.discovery import discover
from authcheck.engine.routes import Routes
from authcheck.errors import BadInputError
from tests.engine.shapes import client, user_path_app, wrapped_todos_app

TARGET = "http://testserver"


def test_openapi_finds_a_wrapped_paged_todo_api_with_required_fields() -> None:
    found = discover(client(wrapped_todos_app()), TARGET)
    r = found.routes
    assert found.origin == "/openapi.json"
    assert (r.list, r.create, r.item) == (
        "/api/v1/todos/",
        "/api/v1/todos/",
        "/api/v1/todos/{task_id}",
    )
    assert r.update_method == "PATCH" and r.complete == "" and r.completed_field == "done"
    assert (r.id_field, r.owner_field, r.title_field) == ("task_id", "owner_id", "title")
    assert (r.item_key, r.list_key) == ("data", "items")
    fields = r.create_fields
    assert fields["priority"] == "low" and fields["category"] == "work"
    assert date.fromisoformat(fields["due_date"]) > date.today()
    assert fields["estimate"] == 5  # the smallest the schema allows (ge=5)
    assert any("via update (done = true)" in line for line in r.summary())


def test_openapi_finds_user_path_put_and_a_complete_route_with_a_body() -> None:
    r = discover(client(user_path_app()), TARGET).routes
    assert r.list == "/users/{user_id}/tasks" and r.item == "/users/{user_id}/tasks/{task_id}"
    assert r.update_method == "PUT" and r.title_field == "name"
    assert r.complete == "/users/{user_id}/tasks/{task_id}/complete"
    assert r.complete_method == "POST" and r.complete_body == {"status": "done"}
    assert (r.item_key, r.list_key, r.owner_field) == ("task", None, "userId")


def test_without_openapi_probing_follows_the_redirect_and_fills_the_fields_the_422_names() -> None:
    found = discover(
        client(wrapped_todos_app(openapi=False)), TARGET, token="ok-alice", user_id="alice"
    )
    r = found.routes
    assert found.origin == "probing" and "no OpenAPI document" in found.lines[0]
    assert r.list == "/api/v1/todos/" and r.item == "/api/v1/todos/{task_id}"
    assert r.update_method == "PATCH" and r.item_key == "data" and r.list_key == "items"
    assert (r.id_field, r.owner_field, r.completed_field) == ("task_id", "owner_id", "done")
    assert r.create_fields["priority"] in ("low", "medium", "high")
    assert r.create_fields["estimate"] >= 5


def test_without_openapi_or_token_it_is_bad_input_naming_what_was_tried() -> None:
    with pytest.raises(BadInputError) as caught:
        discover(client(wrapped_todos_app(openapi=False)), TARGET)
    assert "could not find the task routes" in caught.value.message
    assert "/openapi.json: answered 404" in caught.value.message
    assert "--routes" in (caught.value.hint or "")


def _serving(doc: bytes | str, app_paths: dict[str, Any] | None = None) -> httpx.Client:
    body = doc.encode() if isinstance(doc, str) else doc

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/openapi.json":
            return httpx.Response(200, content=body, headers={"content-type": "application/json"})
        return httpx.Response(404, json={"detail": "Not Found"})

    return httpx.Client(transport=httpx.MockTransport(handler))


def _doc(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> str:
    return json.dumps(
        {"openapi": "3.1.0", "paths": paths, "components": {"schemas": schemas or {}}}
    )


_OPS = {"get": {"responses": {}}, "post": {"responses": {}}}
_ITEM = {"get": {"responses": {}}, "delete": {"responses": {}}}


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ("{not json", "/openapi.json: not JSON"),
        (b"{" + b" " * (6 * 1024 * 1024) + b"}", "larger than 5 MB"),
        (json.dumps({"openapi": "3.1.0", "paths": {}}), "no paths"),
        (_doc({"/health": {"get": {}}}), "no collection with GET and POST"),
        (
            _doc(
                {
                    "/tasks": {
                        "get": {
                            "responses": {
                                "200": {
                                    "content": {
                                        "application/json": {
                                            "schema": {"$ref": "#/components/schemas/Loop"}
                                        }
                                    }
                                }
                            }
                        },
                        "post": {},
                    },
                    "/tasks/{id}": _ITEM,
                },
                {"Loop": {"$ref": "#/components/schemas/Loop"}},
            ),
            "$ref that cannot be resolved",
        ),
    ],
)
def test_hostile_documents_give_one_line_and_no_traceback(doc: bytes | str, words: str) -> None:
    with pytest.raises(BadInputError) as caught:
        discover(_serving(doc), "http://target.test")
    assert (
        words in caught.value.message and "could not find the task routes" in caught.value.message
    )
    assert "\n" not in caught.value.message


def test_two_resources_that_fit_ask_for_resource_and_resource_picks_one() -> None:
    doc = _doc({"/tasks": _OPS, "/tasks/{id}": _ITEM, "/todos": _OPS, "/todos/{id}": _ITEM})
    with pytest.raises(BadInputError, match=r"several resources fit \(tasks, todos\)"):
        discover(_serving(doc), "http://target.test")
    routes = discover(_serving(doc), "http://target.test", resource="todos").routes
    assert routes.list == "/todos" and routes.item == "/todos/{task_id}"


def test_the_docs_page_names_a_document_elsewhere() -> None:
    doc = _doc({"/api/tasks": _OPS, "/api/tasks/{task_id}": _ITEM})
    page = "<script>SwaggerUIBundle({url: '/internal/spec.json', dom_id: '#swagger-ui'})</script>"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/docs":
            return httpx.Response(200, text=page, headers={"content-type": "text/html"})
        if request.url.path == "/internal/spec.json":
            return httpx.Response(200, text=doc)
        return httpx.Response(404)

    found = discover(httpx.Client(transport=httpx.MockTransport(handler)), "http://t.test")
    assert found.origin == "/internal/spec.json" and found.routes.list == "/api/tasks"


def test_openapi_option_reads_a_file_and_a_bad_one_is_bad_input(tmp_path: Any) -> None:
    path = tmp_path / "openapi.json"
    path.write_text(_doc({"/v2/todos/": _OPS, "/v2/todos/{todo_id}": _ITEM}))
    found = discover(_serving("{}"), "http://t.test", openapi=str(path))
    assert found.routes == Routes(
        list="/v2/todos/",
        create="/v2/todos/",
        item="/v2/todos/{task_id}",
        complete="",
        owner_field="",
        completed_field="",
    )
    with pytest.raises(BadInputError, match=r"--openapi .*nope.json: cannot read"):
        discover(_serving("{}"), "http://t.test", openapi=str(tmp_path / "nope.json"))
