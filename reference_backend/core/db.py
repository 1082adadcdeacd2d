"""The database engine: SQLite (a file, WAL) by default, PostgreSQL via psycopg 3."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import SQLModel, create_engine


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # Requests run in a thread pool: allow cross-thread use and wait (up to 30 s) for the
        # write lock instead of failing with "database is locked".
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, and vice versa
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; safe with WAL
    cursor.close()


def init_db(engine: Engine) -> None:
    """Create missing tables (a real project would run Alembic migrations here)."""
    import reference_backend.models  # noqa: F401 - registers the tables

    SQLModel.metadata.create_all(engine)
