"""The task API. Every route takes ``OwnerId``: the path's user id, checked against the token.

``owner`` comes first in each signature: FastAPI resolves dependencies in order, so a request
without a valid token is turned away before a database session is opened.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status
from sqlmodel import Session, col, select

from reference_backend.api.deps import OwnerId, SessionDep
from reference_backend.models import Task, TaskCreate, TaskPublic, TaskUpdate, utcnow

router = APIRouter(prefix="/api/{user_id}/tasks", tags=["tasks"])


def _own_task(session: Session, owner: str, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"You have no task {task_id}")
    if task.user_id != owner:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="This task belongs to another user")
    return task


@router.get("", response_model=list[TaskPublic])
def list_tasks(owner: OwnerId, session: SessionDep) -> list[Task]:
    return list(session.exec(select(Task).where(Task.user_id == owner).order_by(col(Task.id))))


@router.post("", response_model=TaskPublic, status_code=status.HTTP_201_CREATED)
def create_task(owner: OwnerId, session: SessionDep, body: TaskCreate) -> Task:
    task = Task.model_validate(body, update={"user_id": owner})
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@router.get("/{task_id}", response_model=TaskPublic)
def read_task(owner: OwnerId, session: SessionDep, task_id: int) -> Task:
    return _own_task(session, owner, task_id)


@router.put("/{task_id}", response_model=TaskPublic)
def update_task(owner: OwnerId, session: SessionDep, task_id: int, body: TaskUpdate) -> Task:
    task = _own_task(session, owner, task_id)
    task.sqlmodel_update(body.model_dump(exclude_unset=True), update={"updated_at": utcnow()})
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@router.patch("/{task_id}/complete", response_model=TaskPublic)
def toggle_complete(owner: OwnerId, session: SessionDep, task_id: int) -> Task:
    task = _own_task(session, owner, task_id)
    task.completed = not task.completed
    task.updated_at = utcnow()
    session.add(task)
    session.commit()
    session.refresh(task)
    return task


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_task(owner: OwnerId, session: SessionDep, task_id: int) -> Response:
    session.delete(_own_task(session, owner, task_id))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
