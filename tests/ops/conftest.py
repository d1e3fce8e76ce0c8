"""Helpers for the operations tests: scratch databases beside the test database, and an app that opens
its own engines (as production does) rather than joining the test transaction.

A scratch database is a SQLite file when the suite runs on SQLite, and a PostgreSQL database named
``unga_ops_<name>_test`` on the same server when it runs on PostgreSQL; it is dropped afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.config import get_settings
from app.db import dispose_engines, make_engine
from app.migrate import recreate_schema

ScratchFactory = Callable[[str], str]


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgresql")


def _server_engine() -> Engine:
    url = make_url(os.environ["DATABASE_URL"]).set(database="postgres")
    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture
def scratch_url(tmp_path: Path, engine: Engine) -> Iterator[ScratchFactory]:
    """Make an empty database and return its URL (``engine`` first: it fixes DATABASE_URL)."""
    created: list[str] = []

    def make(name: str) -> str:
        if not on_postgres():
            return f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        database = f"unga_ops_{name}_test"
        server = _server_engine()
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        server.dispose()
        created.append(database)
        return make_url(os.environ["DATABASE_URL"]).set(database=database).render_as_string(False)

    yield make
    if created:
        server = _server_engine()
        with server.connect() as conn:
            for database in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        server.dispose()


def migrated(url: str) -> Engine:
    """An engine on a freshly migrated, empty database."""
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
