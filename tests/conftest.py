"""Test database strategy.

Tests run against a real database: SQLite by default (a temporary file), PostgreSQL when DATABASE_URL
points at one (CI runs the suite once on each). Once per session the schema is built by running the
Alembic migrations (never create_all) and the whole shipped history is imported, about a million votes,
so that tests assert real figures. Each test then runs inside a transaction that is rolled back at the
end: the session joins it with savepoints, so the application's own commits stay inside it. On SQLite
this relies on the engine's pysqlite recipe (app.db): without it a released savepoint would survive the
rollback and data would leak between tests.

A PostgreSQL test database is wiped at the start of the session, so its name must end in "_test".
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.config import PROJECT_ROOT, get_settings
from app.db import get_session, make_engine, write_session
from app.ingest.run import ImportSummary, import_paths
from app.main import create_app
from app.migrate import recreate_schema

# Tests run as "test": apps are built without a secret key, which a bare server refuses (app.config).
os.environ.setdefault("UNGA_ENVIRONMENT", "test")
# Admin saves in tests are rolled back: no background re-estimation of the ideal points after them.
os.environ.setdefault("UNGA_IDEAL_POINTS_REFIT", "false")

DATA = PROJECT_ROOT / "data"
SOURCES = DATA / "sources"
REFERENCE = DATA / "states.toml"


def _database_url(tmp_dir: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp_dir / 'test.sqlite3'}"
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and not (parsed.database or "").endswith("_test"):
        raise pytest.UsageError(
            f"refusing to wipe {parsed.database!r}: a test database's name must end in _test"
        )
    return url


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    url = _database_url(tmp_path_factory.mktemp("db"))
    os.environ["DATABASE_URL"] = url
    # Apps built with the page cache share pages in this run's own folder, not the system's /tmp.
    os.environ["UNGA_PAGE_CACHE_DIR"] = str(tmp_path_factory.mktemp("pages"))
    get_settings.cache_clear()
    engine = make_engine(url)
    recreate_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def first_import(engine: Engine) -> ImportSummary:
    """The whole shipped history, imported once and committed."""
    with Session(engine) as session:
        write_session(session)
        summary = import_paths(session, [SOURCES], REFERENCE)
        session.commit()
    return summary


@pytest.fixture
def db(engine: Engine, first_import: ImportSummary) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            outer.rollback()


@pytest.fixture
def client(db: Session) -> Iterator[TestClient]:
    app = create_app(page_cache=False)  # the cache reads committed data; tests read their own transaction

    def _session() -> Iterator[Session]:
        yield db
        db.flush()

    app.dependency_overrides[get_session] = _session
    with TestClient(app) as test_client:
        yield test_client
