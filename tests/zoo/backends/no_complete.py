"""No prefix and no completion at all, like the template's items: ``/tasks`` holds a title and
a description, nothing else to tick off. Int ids, ``user_id``, a partial PUT, bare answers.
HTTPBearer and a hand-written JWKS cache; another user's task is 403."""

import itertools
import threading
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from tests.zoo.auth.cache import CachedJwksVerifier
from tests.zoo.auth.claims import InvalidToken, KeysUnavailable


class TaskCreate(BaseModel):
    title: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=2000)


class TaskUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=2000)


class TaskPublic(TaskCreate):
    id: int
    user_id: str


bearer = HTTPBearer(auto_error=False)


def current_user(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> str:
    if creds is None:
        raise HTTPException(401, "Not authenticated", {"WWW-Authenticate": "Bearer"})
    try:
        return str(request.app.state.verifier.user_id(creds.credentials))
    except InvalidToken as exc:
        raise HTTPException(401, exc.detail, {"WWW-Authenticate": "Bearer"}) from None
    except KeysUnavailable:
        raise HTTPException(503, "Signing keys unavailable") from None


CurrentUser = Annotated[str, Depends(current_user)]


class Tasks:
    def __init__(self) -> None:
        self.rows: dict[int, TaskPublic] = {}
        self.ids = itertools.count(1)
        self.lock = threading.Lock()

    def owned(self, task_id: int, user: str) -> TaskPublic:
        task = self.rows.get(task_id)
        if task is None:
            raise HTTPException(404, "Task not found")
        if task.user_id != user:
            raise HTTPException(403, "Not enough permissions")
        return task


def tasks(request: Request) -> Tasks:
    return request.app.state.tasks  # type: ignore[no-any-return]


TasksDep = Annotated[Tasks, Depends(tasks)]
router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("", response_model=list[TaskPublic])
def read_tasks(user: CurrentUser, db: TasksDep) -> list[TaskPublic]:
    return [t for t in db.rows.values() if t.user_id == user]


@router.post("", response_model=TaskPublic, status_code=201)
def create_task(body: TaskCreate, user: CurrentUser, db: TasksDep) -> TaskPublic:
    with db.lock:
        task = TaskPublic(id=next(db.ids), user_id=user, **body.model_dump())
        db.rows[task.id] = task
    return task


@router.get("/{task_id}", response_model=TaskPublic)
def read_task(task_id: int, user: CurrentUser, db: TasksDep) -> TaskPublic:
    return db.owned(task_id, user)


@router.put("/{task_id}", response_model=TaskPublic)
def update_task(task_id: int, body: TaskUpdate, user: CurrentUser, db: TasksDep) -> TaskPublic:
    with db.lock:
        task = db.owned(task_id, user)
        for field in body.model_fields_set:
            setattr(task, field, getattr(body, field))
    return task


@router.delete("/{task_id}", status_code=204)
def delete_task(task_id: int, user: CurrentUser, db: TasksDep) -> None:
    with db.lock:
        db.owned(task_id, user)
        del db.rows[task_id]


def build_app(issuer_url: str) -> FastAPI:
    app = FastAPI(title="Tasks")
    app.state.verifier = CachedJwksVerifier(issuer_url)
    app.state.tasks = Tasks()
    app.include_router(router)
    return app
