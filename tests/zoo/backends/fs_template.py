"""Shaped like full-stack-fastapi-template: ``/api/v1/tasks/`` with trailing slashes (so
``/api/v1/tasks`` answers 307), SQLModel Base/Create/Update/Public models in SQLite, UUID ids,
``owner_id``, a partial PUT, completion as the ``completed`` field, a required ``priority`` enum,
the list as ``{"data": [...], "count": n}``; HTTPBearer and PyJWKClient. No user id in the path:
another user's task is 403 "Not enough permissions" like the template's items."""

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Field, Session, SQLModel, col, create_engine, func, select

from tests.zoo.auth.claims import InvalidToken, KeysUnavailable
from tests.zoo.auth.pyjwk import PyJWKVerifier


class Priority(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class TaskBase(SQLModel):
    title: str = Field(min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=255)
    priority: Priority


class TaskCreate(TaskBase):
    pass


class TaskUpdate(SQLModel):
    title: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=255)
    priority: Priority | None = None
    completed: bool | None = None


class Task(TaskBase, table=True):
    # its own table name: the reference backend's SQLModel `task` shares the metadata in a process
    __tablename__ = "zoo_template_task"
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: str = Field(index=True, max_length=255)
    completed: bool = False


class TaskPublic(TaskBase):
    id: uuid.UUID
    owner_id: str
    completed: bool


class TasksPublic(SQLModel):
    data: list[TaskPublic]
    count: int


reusable_oauth2 = HTTPBearer(auto_error=False)
TokenDep = Annotated[HTTPAuthorizationCredentials | None, Depends(reusable_oauth2)]


def get_db(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


def get_current_user(request: Request, token: TokenDep) -> str:
    if token is None:
        raise HTTPException(401, "Not authenticated", {"WWW-Authenticate": "Bearer"})
    try:
        return str(request.app.state.verifier.user_id(token.credentials))
    except InvalidToken as exc:
        raise HTTPException(
            401, f"Could not validate credentials: {exc.detail}", {"WWW-Authenticate": "Bearer"}
        ) from None
    except KeysUnavailable:
        raise HTTPException(503, "Auth keys unavailable", {"Retry-After": "10"}) from None


CurrentUser = Annotated[str, Depends(get_current_user)]

router = APIRouter(prefix="/tasks", tags=["tasks"])


def owned(session: Session, user: str, id: uuid.UUID) -> Task:
    task = session.get(Task, id)
    if not task:
        raise HTTPException(status_code=404, detail="Task not found")
    if task.owner_id != user:
        raise HTTPException(status_code=403, detail="Not enough permissions")
    return task


@router.get("/", response_model=TasksPublic)
def read_tasks(
    session: SessionDep, current_user: CurrentUser, skip: int = 0, limit: int = 100
) -> TasksPublic:
    mine = Task.owner_id == current_user
    count = session.exec(select(func.count()).select_from(Task).where(mine)).one()
    tasks = session.exec(
        select(Task).where(mine).order_by(col(Task.title)).offset(skip).limit(limit)
    )
    return TasksPublic(data=[TaskPublic.model_validate(t) for t in tasks], count=count)


@router.post("/", response_model=TaskPublic, status_code=201)
def create_task(session: SessionDep, current_user: CurrentUser, task_in: TaskCreate) -> Task:
    task = Task.model_validate(task_in, update={"owner_id": current_user})
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@router.get("/{id}", response_model=TaskPublic)
def read_task(session: SessionDep, current_user: CurrentUser, id: uuid.UUID) -> Task:
    return owned(session, current_user, id)


@router.put("/{id}", response_model=TaskPublic)
def update_task(
    session: SessionDep, current_user: CurrentUser, id: uuid.UUID, task_in: TaskUpdate
) -> Task:
    task = owned(session, current_user, id)
    task.sqlmodel_update(task_in.model_dump(exclude_unset=True))
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@router.delete("/{id}")
def delete_task(session: SessionDep, current_user: CurrentUser, id: uuid.UUID) -> dict[str, str]:
    session.delete(owned(session, current_user, id))
    session.commit()
    return {"message": "Task deleted successfully"}


def build_app(issuer_url: str) -> FastAPI:
    # SQLite in a file of its own (the template uses PostgreSQL): one connection per thread, so
    # concurrent requests get separate transactions, unlike one shared in-memory connection
    folder = Path(tempfile.mkdtemp(prefix="zoo-template-"))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)

    app = FastAPI(
        title="Tasks (template style)", openapi_url="/api/v1/openapi.json", lifespan=lifespan
    )
    app.state.engine = create_engine(
        f"sqlite:///{folder / 'app.db'}", connect_args={"check_same_thread": False}
    )
    SQLModel.metadata.create_all(app.state.engine)
    app.state.verifier = PyJWKVerifier(issuer_url)
    app.include_router(router, prefix="/api/v1")
    return app
