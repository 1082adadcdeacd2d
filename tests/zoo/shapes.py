"""The zoo: each backend, how to start it, and the routes file that describes its shape.

``ROUTES`` are the explicit routes (what a user would write in a routes file today); the
zero-configuration test runs the same backends with none.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI

from authcheck.engine.routes import Routes
from authcheck.serve import LOOPBACK, ManagedProcess, ThreadedUvicorn, free_port
from tests.zoo.backends import (
    docs_off,
    fs_template,
    no_complete,
    put_full,
    todos,
    user_path,
    v1_todos,
)

EXPRESS_DIR = Path(__file__).parent / "express"


@dataclass(frozen=True)
class Shape:
    routes: Routes
    build_app: Callable[[str], FastAPI] | None = None  # None: the Node (Express) backend
    openapi: str | None = "/openapi.json"  # where its OpenAPI document is, if it has one
    redirects: str | None = None  # a collection path without its trailing slash (307)
    missing_create_field: str | None = None  # a required create field its 4xx names
    notes: list[str] = field(default_factory=list)


ZOO: dict[str, Shape] = {
    "fs_template": Shape(
        build_app=fs_template.build_app,
        openapi="/api/v1/openapi.json",
        redirects="/api/v1/tasks",
        missing_create_field="priority",
        routes=Routes(
            list="/api/v1/tasks/",
            create="/api/v1/tasks/",
            item="/api/v1/tasks/{task_id}",
            update_method="PUT",
            complete=None,
            owner_field="owner_id",
            list_key="data",
            create_fields={"priority": "medium"},
        ),
    ),
    "user_path": Shape(
        build_app=user_path.build_app,
        missing_create_field="due_date",
        routes=Routes(
            update_method="PATCH",
            complete="/api/{user_id}/tasks/{task_id}/complete",
            complete_method="PATCH",
            item_key="task",
            create_fields={"priority": "high", "due_date": "2030-01-31"},
        ),
    ),
    "todos": Shape(
        build_app=todos.build_app,
        missing_create_field="estimate_minutes",
        routes=Routes(
            list="/todos",
            create="/todos",
            item="/todos/{task_id}",
            update_method="PATCH",
            complete="/todos/{task_id}/complete",
            complete_method="POST",
            owner_field="",
            completed_field="done",
            list_key="items",
            create_fields={"category": "work", "estimate_minutes": 30},
        ),
    ),
    "docs_off": Shape(
        build_app=docs_off.build_app,
        openapi=None,
        missing_create_field="reminder",
        routes=Routes(
            list="/api/tasks",
            create="/api/tasks",
            item="/api/tasks/{task_id}",
            update_method="PATCH",
            complete=None,
            id_field="task_id",
            title_field="name",
            completed_field="is_completed",
            list_key="tasks",
            item_key="data",
            create_fields={
                "due_at": "2030-01-31T09:00:00Z",
                "reminder": {"minutes_before": 15, "channel": "email"},
            },
        ),
    ),
    "v1_todos": Shape(
        build_app=v1_todos.build_app,
        redirects="/api/v1/{user_id}/todos",
        missing_create_field="details",
        routes=Routes(
            list="/api/v1/{user_id}/todos/",
            create="/api/v1/{user_id}/todos/",
            item="/api/v1/{user_id}/todos/{task_id}",
            update_method="PATCH",
            complete="/api/v1/{user_id}/todos/{task_id}/complete",
            complete_method="POST",
            list_key="todos",
            create_fields={"priority": 3, "details": {"notes": "from authcheck", "color": "red"}},
        ),
    ),
    "put_full": Shape(
        build_app=put_full.build_app,
        missing_create_field="category",
        routes=Routes(
            update_method="PUT",
            complete=None,
            create_fields={"priority": "low", "category": "work"},
            # PUT replaces the whole task, and completing is a PUT with completed = true: the
            # routes file can only say so by repeating every field, the title included
            update_fields={
                "title": "authcheck renamed",
                "description": None,
                "priority": "low",
                "category": "work",
                "completed": False,
            },
        ),
    ),
    "no_complete": Shape(
        build_app=no_complete.build_app,
        missing_create_field="title",
        routes=Routes(
            list="/tasks",
            create="/tasks",
            item="/tasks/{task_id}",
            update_method="PUT",
            complete=None,
            completed_field="",
        ),
    ),
    "express": Shape(
        openapi=None,
        missing_create_field="priority",
        routes=Routes(
            list="/api/tasks",
            create="/api/tasks",
            item="/api/tasks/{task_id}",
            update_method="PATCH",
            complete="/api/tasks/{task_id}/complete",
            complete_method="PATCH",
            owner_field="userId",
            create_fields={"priority": "medium"},
        ),
    ),
}


def params() -> list[object]:
    """The zoo as pytest params; the Node backend carries the ``node`` marker."""
    return [
        pytest.param(name, marks=[pytest.mark.node] if ZOO[name].build_app is None else [])
        for name in sorted(ZOO)
    ]


@contextlib.contextmanager
def serve(name: str, issuer_url: str, log_dir: Path) -> Iterator[str]:
    """Start zoo backend ``name`` on a free loopback port; yields its base URL."""
    shape = ZOO[name]
    if shape.build_app is not None:
        with ThreadedUvicorn(shape.build_app(issuer_url)) as server:
            yield server.url
        return
    node = shutil.which("node")
    assert node, "node is not installed (scripts/setup.sh installs it)"
    assert (EXPRESS_DIR / "node_modules").is_dir(), (
        "run scripts/setup.sh (npm ci in tests/zoo/express)"
    )
    port = free_port()
    url = f"http://{LOOPBACK}:{port}"
    with ManagedProcess(
        [node, "server.mjs"],
        ready_url=url + "/health",
        name="zoo express backend",
        env={"ISSUER_URL": issuer_url, "PORT": str(port)},
        cwd=EXPRESS_DIR,
        log_path=log_dir / "express.log",
        timeout=30,
    ):
        yield url
