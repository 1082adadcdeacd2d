"""Small in-process task APIs of other shapes, for discovery and preflight tests.

Auth is not what these test: any ``Bearer ok-<user>`` token is user ``<user>``. Each app is served
through Starlette's TestClient, an ``httpx.Client``, so discovery runs on real HTTP semantics
(redirects, 405s, 422 bodies) without sockets.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field


def user_of(authorization: Annotated[str, Header()] = "") -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.startswith("ok-"):
        raise HTTPException(401, "Invalid or expired token", {"WWW-Authenticate": "Bearer"})
    return token.removeprefix("ok-")


User = Annotated[str, Depends(user_of)]


class Priority(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class Category(StrEnum):
    work = "work"
    home = "home"


class TodoCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    priority: Priority
    category: Category
    due_date: date
    estimate: int = Field(ge=5, le=480)


class TodoUpdate(BaseModel):
    title: str | None = None
    done: bool | None = None


class TodoPublic(BaseModel):
    task_id: str
    title: str
    done: bool
    owner_id: str
    priority: Priority


class Wrapped(BaseModel):
    data: TodoPublic


class Page(BaseModel):
    items: list[TodoPublic]
    total: int


def wrapped_todos_app(*, openapi: bool = True) -> FastAPI:
    """``/api/v1/todos/`` (307 without the slash), UUID ids under ``task_id``, ``{"data": …}``
    answers, a paged list, required enums/date/bounded int, PATCH with ``done``, no complete
    route, owner ``owner_id``."""
    app = FastAPI(openapi_url="/openapi.json" if openapi else None)
    router = APIRouter(prefix="/api/v1/todos")
    store: dict[str, dict[str, Any]] = {}

    def own(task_id: str, user: str) -> dict[str, Any]:
        task = store.get(task_id)
        if task is None or task["owner_id"] != user:
            raise HTTPException(404, "Todo not found")
        return task

    @router.get("/", response_model=Page)
    def list_todos(user: User) -> dict[str, Any]:
        mine = [t for t in store.values() if t["owner_id"] == user]
        return {"items": mine, "total": len(mine)}

    @router.post("/", response_model=Wrapped, status_code=201)
    def create(body: TodoCreate, user: User) -> dict[str, Any]:
        task = {"task_id": str(uuid.uuid4()), "done": False, "owner_id": user, **body.model_dump()}
        store[task["task_id"]] = task
        return {"data": task}

    @router.get("/{todo_id}", response_model=Wrapped)
    def read(todo_id: str, user: User) -> dict[str, Any]:
        return {"data": own(todo_id, user)}

    @router.patch("/{todo_id}", response_model=Wrapped)
    def update(todo_id: str, body: TodoUpdate, user: User) -> dict[str, Any]:
        task = own(todo_id, user)
        task.update(body.model_dump(exclude_unset=True))
        return {"data": task}

    @router.delete("/{todo_id}", status_code=204)
    def delete(todo_id: str, user: User) -> None:
        own(todo_id, user)
        del store[todo_id]

    app.include_router(router)
    return app


class TaskIn(BaseModel):
    name: str
    notes: str | None = None


class TaskFull(BaseModel):
    name: str
    notes: str | None = None
    status: str = "open"


class TaskOut(BaseModel):
    id: int
    name: str
    status: str
    userId: str  # noqa: N815 - camelCase like a JS-minded API


class TaskEnvelope(BaseModel):
    task: TaskOut


class StatusIn(BaseModel):
    status: str = Field(json_schema_extra={"enum": ["open", "done"]})


def user_path_app() -> FastAPI:
    """``/users/{uid}/tasks`` with ``name`` as the title, PUT full replacement, ``POST
    …/complete`` taking a status body, ``{"task": …}`` answers, a bare list, owner ``userId``."""
    app = FastAPI()
    store: dict[int, dict[str, Any]] = {}
    ids = itertools.count(1)

    def own(uid: str, task_id: int, user: str) -> dict[str, Any]:
        if uid != user:
            raise HTTPException(403, "Not your tasks")
        task = store.get(task_id)
        if task is None or task["userId"] != user:
            raise HTTPException(404, "No such task")
        return task

    @app.get("/users/{uid}/tasks", response_model=list[TaskOut])
    def list_tasks(uid: str, user: User) -> list[dict[str, Any]]:
        if uid != user:
            raise HTTPException(403, "Not your tasks")
        return [t for t in store.values() if t["userId"] == user]

    @app.post("/users/{uid}/tasks", response_model=TaskEnvelope)
    def create(uid: str, body: TaskIn, user: User) -> dict[str, Any]:
        if uid != user:
            raise HTTPException(403, "Not your tasks")
        task = {"id": next(ids), "status": "open", "userId": user, **body.model_dump()}
        store[task["id"]] = task
        return {"task": task}

    @app.get("/users/{uid}/tasks/{tid}", response_model=TaskEnvelope)
    def read(uid: str, tid: int, user: User) -> dict[str, Any]:
        return {"task": own(uid, tid, user)}

    @app.put("/users/{uid}/tasks/{tid}", response_model=TaskEnvelope)
    def replace(uid: str, tid: int, body: TaskFull, user: User) -> dict[str, Any]:
        task = own(uid, tid, user)
        task.update(body.model_dump())
        return {"task": task}

    @app.post("/users/{uid}/tasks/{tid}/complete", response_model=TaskEnvelope)
    def complete(uid: str, tid: int, body: StatusIn, user: User) -> dict[str, Any]:
        task = own(uid, tid, user)
        task["status"] = body.status
        return {"task": task}

    @app.delete("/users/{uid}/tasks/{tid}")
    def delete(uid: str, tid: int, user: User) -> dict[str, str]:
        own(uid, tid, user)
        del store[tid]
        return {"ok": "deleted"}

    return app


def client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://testserver")
