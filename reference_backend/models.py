"""Tasks: the table model and the request/response shapes (Base/Create/Update/Public)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import ConfigDict, field_validator
from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class TaskBase(SQLModel):
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)


class TaskCreate(TaskBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


class TaskUpdate(SQLModel):
    """PUT body: any of the fields; the ones sent are changed."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    completed: bool | None = None

    @field_validator("title", "completed")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out but not null")
        return value


class Task(TaskBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(index=True, max_length=255)
    completed: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class TaskPublic(TaskBase):
    id: int
    user_id: str
    completed: bool
    created_at: datetime
    updated_at: datetime

    @field_validator("created_at", "updated_at")
    @classmethod
    def _as_utc(cls, value: datetime) -> datetime:
        # SQLite hands back naive datetimes; every timestamp we store is UTC.
        return value if value.tzinfo else value.replace(tzinfo=UTC)


class Me(SQLModel):
    """Who the token says the caller is."""

    user_id: str
    email: str | None
    name: str | None
    expires_at: datetime
