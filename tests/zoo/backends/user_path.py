"""The hackathon "Todo app, phase II" shape: ``/api/{user_id}/tasks`` (the path's user id must
be the token's sub, else 403), int ids, PATCH to update, ``PATCH …/{id}/complete`` toggles,
create needs a ``priority`` enum and a ``due_date`` date, single tasks wrapped as
``{"task": {...}}``, lists bare. The token is read from the Authorization header by hand and
the keys come from a hand-written JWKS cache."""

import itertools
import threading
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Request
from pydantic import BaseModel, Field

from tests.zoo.auth.cache import CachedJwksVerifier
from tests.zoo.auth.claims import InvalidToken, KeysUnavailable


class TaskCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    priority: Literal["low", "medium", "high"]
    due_date: date


class TaskPatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None
    priority: Literal["low", "medium", "high"] | None = None
    due_date: date | None = None


class Task(TaskCreate):
    id: int
    user_id: str
    completed: bool = False


class TaskEnvelope(BaseModel):
    task: Task


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def current_user(request: Request, authorization: Annotated[str | None, Header()] = None) -> str:
    if not authorization or not authorization.startswith("Bearer "):
        raise unauthorized("Missing or invalid Authorization header")
    token = authorization.removeprefix("Bearer ").strip()
    try:
        return str(request.app.state.verifier.user_id(token))
    except InvalidToken as exc:
        raise unauthorized(f"Invalid token: {exc.detail}") from None
    except KeysUnavailable:
        raise HTTPException(503, "Cannot verify tokens right now") from None


def path_user(user_id: Annotated[str, Path()], sub: Annotated[str, Depends(current_user)]) -> str:
    if user_id != sub:
        raise HTTPException(403, "You can only access your own tasks")
    return sub


UserId = Annotated[str, Depends(path_user)]


class TaskStore:
    def __init__(self) -> None:
        self.rows: dict[int, Task] = {}
        self.ids = itertools.count(1)
        self.lock = threading.Lock()

    def own(self, user: str, task_id: int) -> Task:
        task = self.rows.get(task_id)
        if task is None:
            raise HTTPException(404, "Task not found")
        if task.user_id != user:
            raise HTTPException(403, "Not your task")
        return task


def store(request: Request) -> TaskStore:
    return request.app.state.store  # type: ignore[no-any-return]


Store = Annotated[TaskStore, Depends(store)]
router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"])


@router.get("", response_model=list[Task])
def list_tasks(user: UserId, db: Store) -> list[Task]:
    return [t for t in db.rows.values() if t.user_id == user]


@router.post("", response_model=TaskEnvelope, status_code=201)
def create_task(body: TaskCreate, user: UserId, db: Store) -> TaskEnvelope:
    with db.lock:
        task = Task(id=next(db.ids), user_id=user, **body.model_dump())
        db.rows[task.id] = task
    return TaskEnvelope(task=task)


@router.get("/{task_id}", response_model=TaskEnvelope)
def get_task(task_id: int, user: UserId, db: Store) -> TaskEnvelope:
    return TaskEnvelope(task=db.own(user, task_id))


@router.patch("/{task_id}", response_model=TaskEnvelope)
def update_task(task_id: int, body: TaskPatch, user: UserId, db: Store) -> TaskEnvelope:
    with db.lock:
        task = db.own(user, task_id)
        changed = task.model_copy(update=body.model_dump(exclude_unset=True, exclude_none=True))
        db.rows[task_id] = changed
    return TaskEnvelope(task=changed)


@router.patch("/{task_id}/complete", response_model=TaskEnvelope)
def toggle_complete(task_id: int, user: UserId, db: Store) -> TaskEnvelope:
    with db.lock:
        task = db.own(user, task_id)
        task.completed = not task.completed
    return TaskEnvelope(task=task)


@router.delete("/{task_id}", status_code=204)
def delete_task(task_id: int, user: UserId, db: Store) -> None:
    with db.lock:
        db.own(user, task_id)
        del db.rows[task_id]


def build_app(issuer_url: str) -> FastAPI:
    app = FastAPI(title="Todo API (phase II)")
    app.state.verifier = CachedJwksVerifier(issuer_url)
    app.state.store = TaskStore()
    app.include_router(router)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "healthy"}

    return app
