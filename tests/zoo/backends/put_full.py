"""The first shape of issue 8: ``/api/{user_id}/tasks``, create needs ``priority`` and
``category`` enums, PUT replaces the whole task (every field required, ``completed`` too) and is
also how a task is completed: there is no complete route. Int ids, ``user_id``, bare answers.
The header is parsed by hand; keys from PyJWKClient."""

import itertools
import threading
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request, Response
from pydantic import BaseModel, Field

from tests.zoo.auth.claims import InvalidToken, KeysUnavailable
from tests.zoo.auth.pyjwk import PyJWKVerifier

Priority = Literal["low", "medium", "high"]
Category = Literal["work", "home", "study", "other"]


class TaskCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    priority: Priority
    category: Category


class TaskReplace(TaskCreate):
    completed: bool


class TaskRead(TaskReplace):
    id: int
    user_id: str


def get_current_user_id(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> str:
    if authorization is None:
        raise HTTPException(401, "Authorization header missing", {"WWW-Authenticate": "Bearer"})
    parts = authorization.split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise HTTPException(401, "Invalid authorization header", {"WWW-Authenticate": "Bearer"})
    try:
        return str(request.app.state.verifier.user_id(parts[1]))
    except InvalidToken as exc:
        raise HTTPException(401, exc.detail, {"WWW-Authenticate": "Bearer"}) from None
    except KeysUnavailable:
        raise HTTPException(503, "Unable to fetch signing keys") from None


def verify_user(user_id: str, current: Annotated[str, Depends(get_current_user_id)]) -> str:
    if user_id != current:
        raise HTTPException(403, "Not authorized to access this user's tasks")
    return current


CurrentUser = Annotated[str, Depends(verify_user)]


class Db:
    def __init__(self) -> None:
        self.tasks: dict[int, TaskRead] = {}
        self.next_id = itertools.count(1)
        self.lock = threading.Lock()

    def find(self, user: str, task_id: int) -> TaskRead:
        task = self.tasks.get(task_id)
        if task is None:
            raise HTTPException(404, "Task not found")
        if task.user_id != user:
            raise HTTPException(403, "Not authorized to access this task")
        return task


def get_db(request: Request) -> Db:
    return request.app.state.db  # type: ignore[no-any-return]


DbDep = Annotated[Db, Depends(get_db)]
router = APIRouter(prefix="/api/{user_id}/tasks")


@router.get("", response_model=list[TaskRead])
def list_tasks(user: CurrentUser, db: DbDep) -> list[TaskRead]:
    return [t for t in db.tasks.values() if t.user_id == user]


@router.post("", response_model=TaskRead, status_code=201)
def create_task(task: TaskCreate, user: CurrentUser, db: DbDep) -> TaskRead:
    with db.lock:
        row = TaskRead(id=next(db.next_id), user_id=user, completed=False, **task.model_dump())
        db.tasks[row.id] = row
    return row


@router.get("/{task_id}", response_model=TaskRead)
def get_task(task_id: int, user: CurrentUser, db: DbDep) -> TaskRead:
    return db.find(user, task_id)


@router.put("/{task_id}", response_model=TaskRead)
def replace_task(task_id: int, task: TaskReplace, user: CurrentUser, db: DbDep) -> TaskRead:
    with db.lock:
        db.find(user, task_id)
        row = TaskRead(id=task_id, user_id=user, **task.model_dump())
        db.tasks[task_id] = row
    return row


@router.delete("/{task_id}", status_code=204)
def delete_task(task_id: int, user: CurrentUser, db: DbDep) -> Response:
    with db.lock:
        db.find(user, task_id)
        del db.tasks[task_id]
    return Response(status_code=204)


def build_app(issuer_url: str) -> FastAPI:
    app = FastAPI(title="Task API")
    app.state.verifier = PyJWKVerifier(issuer_url)
    app.state.db = Db()
    app.include_router(router)
    return app
