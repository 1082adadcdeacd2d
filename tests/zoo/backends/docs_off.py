"""Docs switched off (``FastAPI(openapi_url=None)``, as production settings often do):
``/api/tasks``, int ids under ``task_id``, the title under ``name``, ``is_completed`` set through
PATCH (no complete route), create needs a ``due_at`` date-time and a nested ``reminder`` object,
single tasks as ``{"data": {...}}``, lists as ``{"tasks": [...]}``. Another user's task is 403.
The header is parsed by hand; keys from a hand-written JWKS cache."""

import itertools
import threading
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request
from pydantic import BaseModel, Field

from tests.zoo.auth.cache import CachedJwksVerifier
from tests.zoo.auth.claims import InvalidToken, KeysUnavailable


class Reminder(BaseModel):
    minutes_before: int = Field(ge=0, le=10080)
    channel: Literal["email", "push"]


class TaskIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    notes: str | None = None
    due_at: datetime
    reminder: Reminder


class TaskPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    notes: str | None = None
    due_at: datetime | None = None
    reminder: Reminder | None = None
    is_completed: bool | None = None


class TaskOut(TaskIn):
    task_id: int
    user_id: str
    is_completed: bool = False


class One(BaseModel):
    data: TaskOut


class Many(BaseModel):
    tasks: list[TaskOut]


def auth_user(request: Request, authorization: Annotated[str, Header()] = "") -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "Bearer token required", {"WWW-Authenticate": "Bearer"})
    try:
        return str(request.app.state.verifier.user_id(token))
    except InvalidToken as exc:
        raise HTTPException(
            401, exc.detail, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        ) from None
    except KeysUnavailable:
        raise HTTPException(503, "auth keys unavailable", {"Retry-After": "5"}) from None


AuthUser = Annotated[str, Depends(auth_user)]


class Repo:
    def __init__(self) -> None:
        self.rows: dict[int, TaskOut] = {}
        self.seq = itertools.count(1)
        self.lock = threading.Lock()

    def owned(self, task_id: int, user: str) -> TaskOut:
        row = self.rows.get(task_id)
        if row is None:
            raise HTTPException(404, "task not found")
        if row.user_id != user:
            raise HTTPException(403, "forbidden")
        return row


def repo(request: Request) -> Repo:
    return request.app.state.repo  # type: ignore[no-any-return]


RepoDep = Annotated[Repo, Depends(repo)]
router = APIRouter(prefix="/api/tasks")


@router.get("")
def list_tasks(user: AuthUser, db: RepoDep) -> Many:
    return Many(tasks=[row for row in db.rows.values() if row.user_id == user])


@router.post("", status_code=201)
def create_task(body: TaskIn, user: AuthUser, db: RepoDep) -> One:
    with db.lock:
        row = TaskOut(task_id=next(db.seq), user_id=user, **body.model_dump())
        db.rows[row.task_id] = row
    return One(data=row)


@router.get("/{task_id}")
def get_task(task_id: int, user: AuthUser, db: RepoDep) -> One:
    return One(data=db.owned(task_id, user))


@router.patch("/{task_id}")
def patch_task(task_id: int, body: TaskPatch, user: AuthUser, db: RepoDep) -> One:
    with db.lock:
        row = db.owned(task_id, user)
        for field in body.model_fields_set:
            setattr(row, field, getattr(body, field))
    return One(data=row)


@router.delete("/{task_id}")
def delete_task(task_id: int, user: AuthUser, db: RepoDep) -> dict[str, bool]:
    with db.lock:
        db.owned(task_id, user)
        del db.rows[task_id]
    return {"ok": True}


def build_app(issuer_url: str) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.verifier = CachedJwksVerifier(issuer_url)
    app.state.repo = Repo()
    app.include_router(router)
    return app
