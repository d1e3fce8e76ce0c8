"""Engine and sessions.

SQLite runs with pysqlite's own transaction handling switched off (``isolation_level=None``) and
SQLAlchemy emitting ``BEGIN`` itself: this is SQLAlchemy's documented recipe, without which SAVEPOINTs
and rollbacks do not nest correctly (test isolation and import atomicity both rely on it). Write
transactions ask for ``BEGIN IMMEDIATE`` so that two writers queue on ``busy_timeout`` instead of
failing with "database is locked" when a read transaction tries to upgrade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.config import get_settings

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA cache_size=-64000",
    "PRAGMA mmap_size=268435456",
    "PRAGMA temp_store=MEMORY",
)

# Execution option that makes the next SQLite transaction on a connection BEGIN IMMEDIATE.
WRITE_OPTION = "unga_write"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """Create an engine configured the same way for the app, the CLI and the tests."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False, autoflush=False)


@contextmanager
def unit_of_work(*, write: bool = False) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises."""
    session = get_sessionmaker()()
    if write:
        write_session(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_session() -> Iterator[Session]:
    """One unit of work per request: commit when the handler returns, roll back when it raises."""
    with unit_of_work() as session:
        yield session


def write_session(session: Session) -> Session:
    """Mark a session's transaction as a writer (BEGIN IMMEDIATE on SQLite) before it starts."""
    session.connection(execution_options={WRITE_OPTION: True})
    return session
