"""A todo list with no prefix and no user in the path: ``/todos``, UUID ids, no owner field in
the answers, PATCH with ``done``, ``POST /todos/{id}/complete`` sets it, create needs a
``category`` enum and an ``estimate_minutes`` int within bounds, the list as
``{"items": [...], "total": n}``. Another user's todo is 404 (its existence is not revealed).
HTTPBearer and PyJWKClient."""

import threading
import uuid
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from tests.zoo.auth.claims import InvalidToken, KeysUnavailable
from tests.zoo.auth.pyjwk import PyJWKVerifier


class Category(StrEnum):
    work = "work"
    personal = "personal"
    errands = "errands"


class TodoCreate(BaseModel):
    title: str = Field(min_length=1, max_length=120)
    category: Category
    estimate_minutes: int = Field(ge=1, le=480)


class TodoUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=120)
    category: Category | None = None
    estimate_minutes: int | None = Field(default=None, ge=1, le=480)
    done: bool | None = None


class Todo(BaseModel):
    id: uuid.UUID
    title: str
    category: Category
    estimate_minutes: int
    done: bool


class TodoPage(BaseModel):
    items: list[Todo]
    total: int


security = HTTPBearer(auto_error=False)


def get_current_user(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(security)]
) -> str:
    challenge = {"WWW-Authenticate": "Bearer"}
    if creds is None:
        raise HTTPException(401, "Not authenticated", challenge)
    try:
        return str(request.app.state.verifier.user_id(creds.credentials))
    except InvalidToken as exc:
        raise HTTPException(401, exc.detail, challenge) from None
    except KeysUnavailable:
        raise HTTPException(503, "Authentication is temporarily unavailable") from None


User = Annotated[str, Depends(get_current_user)]

_lock = threading.Lock()


def todos_of(request: Request, user: User) -> dict[uuid.UUID, Todo]:
    box: dict[str, dict[uuid.UUID, Todo]] = request.app.state.todos
    with _lock:
        return box.setdefault(user, {})


Mine = Annotated[dict[uuid.UUID, Todo], Depends(todos_of)]


def find(mine: dict[uuid.UUID, Todo], todo_id: uuid.UUID) -> Todo:
    if todo_id not in mine:
        raise HTTPException(404, "Todo not found")
    return mine[todo_id]


router = APIRouter(prefix="/todos", tags=["todos"])


@router.get("", response_model=TodoPage)
def list_todos(mine: Mine, limit: int = 50, offset: int = 0) -> TodoPage:
    items = list(mine.values())
    return TodoPage(items=items[offset : offset + limit], total=len(items))


@router.post("", response_model=Todo, status_code=201)
def create_todo(body: TodoCreate, mine: Mine) -> Todo:
    todo = Todo(id=uuid.uuid4(), done=False, **body.model_dump())
    mine[todo.id] = todo
    return todo


@router.get("/{todo_id}", response_model=Todo)
def get_todo(todo_id: uuid.UUID, mine: Mine) -> Todo:
    return find(mine, todo_id)


@router.patch("/{todo_id}", response_model=Todo)
def update_todo(todo_id: uuid.UUID, body: TodoUpdate, mine: Mine) -> Todo:
    todo = find(mine, todo_id).model_copy(update=body.model_dump(exclude_none=True))
    mine[todo_id] = todo
    return todo


@router.post("/{todo_id}/complete", response_model=Todo)
def complete_todo(todo_id: uuid.UUID, mine: Mine) -> Todo:
    find(mine, todo_id).done = True
    return mine[todo_id]


@router.delete("/{todo_id}", status_code=204)
def delete_todo(todo_id: uuid.UUID, mine: Mine) -> None:
    find(mine, todo_id)
    del mine[todo_id]


def build_app(issuer_url: str) -> FastAPI:
    app = FastAPI(title="Todos")
    app.state.verifier = PyJWKVerifier(issuer_url)
    app.state.todos = {}
    app.include_router(router)
    return app
