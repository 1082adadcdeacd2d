"""Versioned, user in the path, trailing slashes: ``/api/v1/{user_id}/todos/`` (so
``/api/v1/{user_id}/todos`` answers 307), UUID ids, PATCH to update, ``POST …/{id}/complete``
toggles, create needs a ``title`` of at least 3 characters, a ``priority`` from 1 to 5 and a
nested ``details`` object; single todos bare, lists as ``{"todos": [...]}``. HTTPBearer and a
hand-written JWKS cache; another user's path is 403."""

import threading
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tests.zoo.auth.cache import CachedJwksVerifier
from tests.zoo.auth.claims import InvalidToken, KeysUnavailable


class Details(BaseModel):
    notes: str = Field(max_length=500)
    color: Literal["red", "green", "blue"]


class TodoBase(BaseModel):
    title: str = Field(min_length=3, max_length=140)
    priority: int = Field(ge=1, le=5)
    details: Details


class TodoCreate(TodoBase):
    pass


class TodoUpdate(BaseModel):
    title: str | None = Field(default=None, min_length=3, max_length=140)
    priority: int | None = Field(default=None, ge=1, le=5)
    details: Details | None = None
    completed: bool | None = None


class TodoPublic(TodoBase):
    id: uuid.UUID
    user_id: str
    completed: bool


class TodosPublic(BaseModel):
    todos: list[TodoPublic]


bearer_scheme = HTTPBearer(auto_error=False)


async def verified_user_id(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str:
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "Not authenticated", {"WWW-Authenticate": "Bearer"}
        )
    verifier: CachedJwksVerifier = request.app.state.verifier
    try:
        # the cache may fetch the JWKS: keep that blocking call off the event loop
        return await run_in_threadpool(verifier.user_id, credentials.credentials)
    except InvalidToken as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, exc.detail, {"WWW-Authenticate": "Bearer"}
        ) from None
    except KeysUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "JWKS unavailable") from None


async def owner(user_id: str, sub: Annotated[str, Depends(verified_user_id)]) -> str:
    if user_id != sub:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Forbidden: not your todos")
    return sub


Owner = Annotated[str, Depends(owner)]


class Todos:
    def __init__(self) -> None:
        self.by_id: dict[uuid.UUID, TodoPublic] = {}
        self.lock = threading.Lock()

    def get(self, todo_id: uuid.UUID, user: str) -> TodoPublic:
        todo = self.by_id.get(todo_id)
        if todo is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Todo not found")
        if todo.user_id != user:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Forbidden: not your todo")
        return todo


def todos(request: Request) -> Todos:
    return request.app.state.todos  # type: ignore[no-any-return]


TodosDep = Annotated[Todos, Depends(todos)]
router = APIRouter(prefix="/{user_id}/todos", tags=["todos"])


@router.get("/", response_model=TodosPublic)
async def read_todos(user: Owner, db: TodosDep) -> TodosPublic:
    return TodosPublic(todos=[t for t in db.by_id.values() if t.user_id == user])


@router.post("/", response_model=TodoPublic, status_code=status.HTTP_201_CREATED)
async def create_todo(todo_in: TodoCreate, user: Owner, db: TodosDep) -> TodoPublic:
    todo = TodoPublic(id=uuid.uuid4(), user_id=user, completed=False, **todo_in.model_dump())
    with db.lock:
        db.by_id[todo.id] = todo
    return todo


@router.get("/{todo_id}", response_model=TodoPublic)
async def read_todo(todo_id: uuid.UUID, user: Owner, db: TodosDep) -> TodoPublic:
    return db.get(todo_id, user)


@router.patch("/{todo_id}", response_model=TodoPublic)
async def update_todo(
    todo_id: uuid.UUID, todo_in: TodoUpdate, user: Owner, db: TodosDep
) -> TodoPublic:
    with db.lock:
        todo = db.get(todo_id, user)
        for field in todo_in.model_fields_set:
            setattr(todo, field, getattr(todo_in, field))
    return todo


@router.post("/{todo_id}/complete", response_model=TodoPublic)
async def toggle_todo(todo_id: uuid.UUID, user: Owner, db: TodosDep) -> TodoPublic:
    with db.lock:
        todo = db.get(todo_id, user)
        todo.completed = not todo.completed
    return todo


@router.delete("/{todo_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_todo(todo_id: uuid.UUID, user: Owner, db: TodosDep) -> None:
    with db.lock:
        db.get(todo_id, user)
        del db.by_id[todo_id]


def build_app(issuer_url: str) -> FastAPI:
    app = FastAPI(title="Todo API", version="1.0.0")
    app.state.verifier = CachedJwksVerifier(issuer_url)
    app.state.todos = Todos()
    app.include_router(router, prefix="/api/v1")
    return app
