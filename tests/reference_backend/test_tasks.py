"""The task API on SQLite and on a real PostgreSQL: CRUD, ownership, validation, concurrency.

The database tests start a server of their own per database; the rest share the module's
server (emptied of tasks before each test)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from tests.reference_backend.conftest import Backend, StartBackend
from tests.reference_backend.jwks_server import TestIssuer


def test_task_crud_flow(issuer: TestIssuer, start_backend: StartBackend, database_url: str) -> None:
    token = issuer.mint("user-a")
    with start_backend(database_url=database_url) as api:
        created = api.call("POST", "/api/user-a/tasks", token, json={"title": "Buy milk"})
        assert created.status_code == 201
        task = created.json()
        assert set(task) == {
            "id", "user_id", "title", "description", "completed", "created_at", "updated_at"
        }  # fmt: skip
        assert (task["user_id"], task["title"], task["description"], task["completed"]) == (
            "user-a", "Buy milk", None, False,
        )  # fmt: skip
        assert datetime.fromisoformat(task["created_at"]).utcoffset() is not None
        url = f"/api/user-a/tasks/{task['id']}"

        assert api.call("GET", "/api/user-a/tasks", token).json() == [task]
        assert api.call("GET", url, token).json() == task

        updated = api.call("PUT", url, token, json={"description": "2 litres"}).json()
        assert (updated["title"], updated["description"]) == ("Buy milk", "2 litres")
        assert updated["updated_at"] >= task["updated_at"]
        updated = api.call("PUT", url, token, json={"title": "Buy oat milk", "completed": True})
        assert (updated.json()["title"], updated.json()["completed"]) == ("Buy oat milk", True)

        assert api.call("PATCH", f"{url}/complete", token).json()["completed"] is False
        assert api.call("PATCH", f"{url}/complete", token).json()["completed"] is True

        deleted = api.call("DELETE", url, token)
        assert (deleted.status_code, deleted.content) == (204, b"")
        assert api.call("GET", url, token).status_code == 404
        assert api.call("GET", "/api/user-a/tasks", token).json() == []


def test_another_users_task_is_forbidden_and_own_missing_task_is_not_found(
    issuer: TestIssuer, backend: Backend
) -> None:
    alice, bob = issuer.mint("user-a"), issuer.mint("user-b")
    bobs = backend.call("POST", "/api/user-b/tasks", bob, json={"title": "Bob's"}).json()["id"]
    for method, suffix, body in [
        ("GET", "", None),
        ("PUT", "", {"title": "mine now"}),
        ("PATCH", "/complete", None),
        ("DELETE", "", None),
    ]:
        theirs = backend.call(method, f"/api/user-a/tasks/{bobs}{suffix}", alice, json=body)
        assert theirs.status_code == 403, (method, theirs.text)
        missing = backend.call(method, f"/api/user-a/tasks/999999{suffix}", alice, json=body)
        assert missing.status_code == 404, (method, missing.text)
        other_path = backend.call(method, f"/api/user-b/tasks/{bobs}{suffix}", alice, json=body)
        assert other_path.status_code == 403
    assert backend.call("GET", f"/api/user-b/tasks/{bobs}", bob).json()["title"] == "Bob's"
    assert backend.call("GET", "/api/user-a/tasks", alice).json() == []


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("POST", {}, "title"),
        ("POST", {"title": ""}, "title"),
        ("POST", {"title": "x" * 201}, "title"),
        ("POST", {"title": "ok", "titel": "typo"}, "titel"),
        ("POST", {"title": "ok", "description": 5}, "description"),
        ("PUT", {"title": None}, "title"),
        ("PUT", {"completed": "maybe"}, "completed"),
        ("PUT", {"title": "y" * 201}, "title"),
    ],
)
def test_invalid_bodies_get_422_naming_the_field(
    issuer: TestIssuer, backend: Backend, method: str, body: dict[str, object], field: str
) -> None:
    token = issuer.mint("user-a")
    task_id = backend.call("POST", "/api/user-a/tasks", token, json={"title": "t"}).json()["id"]
    path = "/api/user-a/tasks" + ("" if method == "POST" else f"/{task_id}")
    response = backend.call(method, path, token, json=body)
    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == [field]


def test_title_of_200_characters_is_accepted(issuer: TestIssuer, backend: Backend) -> None:
    response = backend.call("POST", "/api/u/tasks", issuer.mint("u"), json={"title": "x" * 200})
    assert response.status_code == 201


def test_eight_clients_creating_tasks_at_once_get_every_one_exactly_once(
    issuer: TestIssuer, start_backend: StartBackend, database_url: str
) -> None:
    token, clients, each = issuer.mint("user-a"), 8, 50
    with start_backend(database_url=database_url) as api:
        start = threading.Barrier(clients)

        def create(client: int) -> list[int]:
            start.wait()  # all eight write at the same time
            return [
                api.call(
                    "POST", "/api/user-a/tasks", token, json={"title": f"{client}-{n}"}
                ).status_code
                for n in range(each)
            ]

        with ThreadPoolExecutor(max_workers=clients) as pool:
            statuses = [status for batch in pool.map(create, range(clients)) for status in batch]
        assert statuses == [201] * clients * each
        tasks = api.call("GET", "/api/user-a/tasks", token).json()
        assert len({task["id"] for task in tasks}) == len(tasks) == clients * each
        assert {task["title"] for task in tasks} == {
            f"{c}-{n}" for c in range(clients) for n in range(each)
        }


def test_data_survives_a_restart(
    issuer: TestIssuer, start_backend: StartBackend, database_url: str
) -> None:
    token = issuer.mint("user-a")
    with start_backend(database_url=database_url) as api:
        task = api.call("POST", "/api/user-a/tasks", token, json={"title": "keep me"}).json()
    with start_backend(database_url=database_url) as api:
        assert api.call("GET", "/api/user-a/tasks", token).json() == [task]


def test_health_needs_no_token(backend: Backend) -> None:
    response = backend.client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
