"""Helpers for the operations tests: scratch databases beside the test database, and an app that opens
its own engines (as production does) rather than joining the test transaction.

A scratch database is a SQLite file when the suite runs on SQLite, and a PostgreSQL database named
``unga_ops_<name>_<process id>_test`` on the same server when it runs on PostgreSQL (unique to the xdist
worker, and to the run, as other runs may share the server); it is dropped afterwards.
Tests of PostgreSQL-only faults ask for ``pg_scratch_url``: the test server (or, on a SQLite run, the
local one at 127.0.0.1:5432), skipped when there is none. None of them stops or restarts that server.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import URL, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import db as app_db
from app.config import get_settings
from app.db import dispose_engines, make_engine
from app.migrate import recreate_schema
from app.models import Adoption, DataSource, DecisionKind, Resolution, SessionKind, SourceKind
from tests.conftest import TestDatabases

ScratchFactory = Callable[[str], str]


LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgresql")


def _server() -> URL:
    return make_url(os.environ["DATABASE_URL"] if on_postgres() else LOCAL_POSTGRES)


class _Scratch:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.created: list[str] = []

    def sqlite(self, name: str) -> str:
        return f"sqlite:///{self.tmp_path / (name + '.sqlite3')}"

    def postgres(self, name: str) -> str:
        database = f"unga_ops_{name}_{os.getpid()}_test"
        server = create_engine(_server().set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with server.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{database}"'))
        except OperationalError:
            pytest.skip("no PostgreSQL server to make a scratch database on")
        finally:
            server.dispose()
        self.created.append(database)
        return _server().set(database=database).render_as_string(False)

    def drop_all(self) -> None:
        if not self.created:
            return
        server = create_engine(_server().set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            for database in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def scratch(tmp_path: Path, databases: TestDatabases) -> Iterator[_Scratch]:
    # ``databases`` first: it fixes DATABASE_URL for the session (without importing anything).
    made = _Scratch(tmp_path)
    yield made
    made.drop_all()


@pytest.fixture
def scratch_url(scratch: _Scratch) -> ScratchFactory:
    """Make an empty database of the suite's kind and return its URL."""
    return scratch.postgres if on_postgres() else scratch.sqlite


@pytest.fixture
def pg_scratch_url(scratch: _Scratch) -> ScratchFactory:
    """Make an empty PostgreSQL database, whatever the suite runs on (skips if there is no server)."""
    return scratch.postgres


# A SQLite database migrated once in this process, copied for every new scratch file: the migrations
# take most of a second each time, and what they build is the same.
_MIGRATED = Path(tempfile.mkdtemp(prefix="unga-migrated-")) / "empty.sqlite3"
atexit.register(shutil.rmtree, _MIGRATED.parent, True)


def migrated(url: str) -> Engine:
    """An engine on a freshly migrated, empty database."""
    path = make_url(url).database if url.startswith("sqlite") else None
    if path and not Path(path).exists():  # a new scratch file: a copy of the one migrated here
        if not _MIGRATED.exists():
            template = make_engine(f"sqlite:///{_MIGRATED}")
            recreate_schema(template)
            template.dispose()  # the last close checkpoints the WAL: the file alone is the database
        shutil.copyfile(_MIGRATED, path)
        return make_engine(url)
    engine = make_engine(url)
    recreate_schema(engine)
    return engine


@pytest.fixture
def app_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Point the app's own engines somewhere else for one test: ``app_settings(DATABASE_URL=...)``."""

    def apply(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        dispose_engines()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()
    dispose_engines()


def add_resolution(engine: Engine, symbol: str, title: str) -> None:
    """One resolution adopted without a vote, committed (enough for a page and an API answer)."""
    with Session(engine) as session:
        source = DataSource(kind=SourceKind.ADMIN, name=f"test {symbol}", sha256=symbol.encode().hex()[:64])
        session.add(source)
        session.flush()
        session.add(
            Resolution(
                symbol=symbol,
                kind=DecisionKind.RESOLUTION,
                title=title,
                adopted_on=dt.date(2022, 3, 2),
                session_kind=SessionKind.EMERGENCY_SPECIAL,
                session_number=11,
                adoption=Adoption.WITHOUT_VOTE,
                adopted=True,
                source_id=source.id,
                content_hash="",
            )
        )
        session.commit()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def replica_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The read replica's retry interval on a clock the test moves (app.db reads time.monotonic): no
    sleeping through it, and a busy machine cannot let it pass between two requests unasked."""
    clock = FakeClock()
    monkeypatch.setattr(app_db, "time", SimpleNamespace(monotonic=clock, perf_counter=time.perf_counter))
    app_db.replica_health.reset()
    return clock
