"""Engine and sessions.

SQLite runs with pysqlite's own transaction handling switched off (``isolation_level=None``) and
SQLAlchemy emitting ``BEGIN`` itself: this is SQLAlchemy's documented recipe, without which SAVEPOINTs
and rollbacks do not nest correctly (test isolation and import atomicity both rely on it). Write
transactions ask for ``BEGIN IMMEDIATE`` so that two writers queue on ``busy_timeout`` instead of
failing with "database is locked" when a read transaction tries to upgrade.

With ``UNGA_READ_DATABASE_URL`` set, public reads (GET and HEAD outside /admin) run on a second engine
pointed at a read replica; the admin, the CLI and every write stay on the primary. When the replica
cannot be reached, public reads fall back to the primary (in read-only transactions) and go back to the
replica by themselves once it answers again (ReplicaHealth). Both engines time their statements: those
slower than ``UNGA_SLOW_QUERY_MS`` are counted and logged (app.kit.counters).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

import app.data_version  # noqa: F401  (its session events bump the data version after every write)
from app.config import get_settings
from app.kit.counters import counters

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


def _configure_sqlite(engine: Engine, read_only: bool) -> None:
    pragmas = (*SQLITE_PRAGMAS, "PRAGMA query_only=ON") if read_only else SQLITE_PRAGMAS

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_STARTED = "unga_statement_started"


def _time_statements(engine: Engine, threshold_ms: float) -> None:
    """Count statements slower than the threshold: two clock reads per statement, nothing more."""
    if threshold_ms <= 0:
        return

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Connection, _cursor: Any, _statement: str, *_args: Any) -> None:
        conn.info[_STARTED] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        started = conn.info.pop(_STARTED, None)
        if started is not None:
            elapsed = (time.perf_counter() - started) * 1000
            if elapsed >= threshold_ms:
                counters.count_slow_query(statement, elapsed)


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """Create an engine configured the same way for the app, the CLI and the tests.

    ``read_only`` engines (the replica) refuse writes: SQLite with ``query_only``, PostgreSQL by opening
    every transaction READ ONLY (psycopg sends it with BEGIN, no extra round trip).
    """
    parsed = make_url(url)
    settings = get_settings()
    pool: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
    }
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        else:
            engine = create_engine(url, connect_args={"check_same_thread": False})
        _configure_sqlite(engine, read_only)
    else:
        # pool_pre_ping replaces connections the server dropped (a restart, a failover) before use;
        # connect_timeout keeps a worker from hanging on a database host that does not answer.
        engine = create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 5},
            execution_options={"postgresql_readonly": True} if read_only else {},
            **pool,
        )
    _time_statements(engine, settings.slow_query_ms)
    return engine


@lru_cache
def get_engine() -> Engine:
    """The primary database: every write, the admin and the command line."""
    return make_engine(get_settings().database_url)


@lru_cache
def get_read_engine() -> Engine:
    """The read replica when one is configured, else the primary."""
    url = get_settings().read_database_url
    return make_engine(url, read_only=True) if url else get_engine()


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False, autoflush=False)


@lru_cache
def get_read_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_read_engine(), expire_on_commit=False, autoflush=False)


database_log = logging.getLogger("unga.database")
# Seconds public reads stay on the primary after the replica failed, before one request tries it again.
REPLICA_RETRY_SECONDS = 5.0


class ReplicaHealth:
    """Whether public reads should try the read replica, in this process.

    A replica that refuses connections (stopped, restarting, out of connection slots) or drops them
    mid-query is marked down: for REPLICA_RETRY_SECONDS the primary answers public reads, then a single
    request tries the replica again (the others keep to the primary meanwhile, so a replica that does
    not answer costs one connection attempt per interval, not one per request). The first success
    brings every public read back to it. Each change is one JSON line on the "unga.database" log."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._down = False
        self._retry_at = 0.0

    @property
    def down(self) -> bool:
        return self._down

    def should_try(self) -> bool:
        with self._lock:
            if not self._down:
                return True
            now = time.monotonic()
            if now < self._retry_at:
                return False
            self._retry_at = now + REPLICA_RETRY_SECONDS  # this request probes; the others wait
            return True

    def failed(self, exc: DBAPIError) -> None:
        with self._lock:
            was_down, self._down = self._down, True
            self._retry_at = time.monotonic() + REPLICA_RETRY_SECONDS
        if not was_down:
            origin = exc.orig or exc
            event = {
                "event": "read_replica_unreachable",
                "error": type(origin).__name__,
                "message": str(origin).strip().splitlines()[0][:300] if str(origin).strip() else "",
                "public_reads_from": "primary",
                "retry_every_s": REPLICA_RETRY_SECONDS,
            }
            database_log.warning(json.dumps(event))

    def succeeded(self) -> None:
        if self._down:
            with self._lock:
                was_down, self._down = self._down, False
            if was_down:
                database_log.warning(
                    json.dumps({"event": "read_replica_back", "public_reads_from": "replica"})
                )


replica_health = ReplicaHealth()


def dispose_engines() -> None:
    """Close every pooled connection and forget the engines (settings changed, or a test ends)."""
    for factory in (get_read_engine, get_engine):
        if factory.cache_info().currsize:
            factory().dispose()
    for cached in (get_read_sessionmaker, get_sessionmaker, get_read_engine, get_engine):
        cached.cache_clear()
    replica_health.reset()


def _read_session() -> tuple[Session, bool]:
    """A session for public reads, and whether it is on the replica.

    On the replica when one is configured and answers; else on the primary, in read-only transactions
    as on the replica (on PostgreSQL; SQLite has no such option). The connection is taken here rather
    than at the first query, so that a replica that cannot be reached is found before anything is read."""
    replica = bool(get_settings().read_database_url)
    if replica and replica_health.should_try():
        session = get_read_sessionmaker()()
        try:
            session.connection()
        except DBAPIError as exc:  # refused or dropped: the primary answers until the replica is back
            session.close()
            replica_health.failed(exc)
        else:
            replica_health.succeeded()
            return session, True
    session = get_sessionmaker()()
    if replica:
        try:
            session.connection(execution_options={"postgresql_readonly": True})
        except BaseException:
            session.close()
            raise
    return session, False


@contextmanager
def unit_of_work(*, write: bool = False, read_only: bool = False) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises.

    ``read_only`` sessions go to the read replica, if there is one and it answers (else the primary)."""
    on_replica = False
    if read_only:
        session, on_replica = _read_session()
    else:
        session = get_sessionmaker()()
    if write:
        write_session(session)
    try:
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        if on_replica and isinstance(exc, DBAPIError) and exc.connection_invalidated:
            # The replica went away mid-request: this request fails (a 503, app.errors), the next ones
            # go to the primary without each waiting for a refused connection first.
            replica_health.failed(exc)
        raise
    finally:
        session.close()


def is_public_read(request: Request) -> bool:
    """Requests a read replica may answer: reads outside the admin (which must see its own writes)."""
    return request.method in ("GET", "HEAD") and not request.url.path.startswith("/admin")


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: commit when the handler returns, roll back when it raises.
    Public reads go to the read replica when one is configured."""
    with unit_of_work(read_only=is_public_read(request)) as session:
        yield session


def write_session(session: Session) -> Session:
    """Mark a session's transaction as a writer (BEGIN IMMEDIATE on SQLite) before it starts."""
    session.connection(execution_options={WRITE_OPTION: True})
    return session


def refresh_planner_statistics(session: Session) -> None:
    """Let the query planner see the data as it now is, in the caller's transaction.

    Without statistics SQLite guesses, and for a country's record it chose to sort all of the state's
    votes rather than walk the resolutions in date order (8 ms against 0.4 ms on every country page).
    ANALYZE reads the whole history in about 0.2 s on SQLite; PostgreSQL samples. Both run it inside a
    transaction, so the statistics commit or roll back with the import that called for them."""
    session.execute(text("ANALYZE"))
