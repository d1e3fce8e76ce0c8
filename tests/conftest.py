"""Test database strategy.

Tests run against a real database: SQLite by default (a temporary file), PostgreSQL when DATABASE_URL
points at one (CI runs the suite once on each). The schema is always built by running the Alembic
migrations (never create_all). There are two tiers:

- the real-history (oracle) tests, marked ``real_history`` (automatically: every test that uses the
  ``db``, ``engine`` or ``first_import`` fixtures without the ``empty_database`` marker), read the whole
  shipped history, about a million votes, imported once, so that they assert real figures;
- the fast tier, marked ``empty_database`` by its modules, runs on an empty migrated database and makes
  what it needs with the small factories of tests/factories.py. ``pytest -m "not real_history"`` runs
  it without ever importing the history.

Under pytest-xdist (``dev.py test`` runs ``-n`` workers) each worker has databases of its own: the first
worker to need one builds it once under a file lock, and every worker copies it (the SQLite file; on
PostgreSQL ``CREATE DATABASE ... TEMPLATE``, the configured database being the template of the real
history). Run alone (``-n 0``), the databases are built in place as before. The per-worker PostgreSQL
databases are dropped at the end.

Each test then runs inside a transaction that is rolled back at the end: the session joins it with
savepoints, so the application's own commits stay inside it. On SQLite this relies on the engine's
pysqlite recipe (app.db): without it a released savepoint would survive the rollback and data would leak
between tests. The app's own engines (DATABASE_URL) point at the database of the running test's tier.

A PostgreSQL test database is wiped at the start of the session, so its name must end in "_test".
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from filelock import FileLock
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from starlette.datastructures import State
from starlette.testclient import TestClient

from app.config import PROJECT_ROOT, Settings, get_settings
from app.db import dispose_engines, get_session, make_engine, write_session
from app.ideal.refresh import FitReport, fit_and_store
from app.importing import import_paths
from app.ingest.summary import ImportSummary
from app.main import create_app
from app.migrate import recreate_schema

# Tests run as "test": apps are built without a secret key, which a bare server refuses (app.config).
os.environ.setdefault("UNGA_ENVIRONMENT", "test")
# Admin saves in tests are rolled back: no background re-estimation of the ideal points after them.
os.environ.setdefault("UNGA_IDEAL_POINTS_REFIT", "false")
# Hundreds of sign-ins: Argon2id at its lowest cost (the production cost is 64 MiB and 3 passes, 0.2 s
# a hash; what a hash is and how it is checked stays the same).
os.environ.setdefault("UNGA_PASSWORD_HASH_MEMORY_KIB", "64")
os.environ.setdefault("UNGA_PASSWORD_HASH_PASSES", "1")

DATA = PROJECT_ROOT / "data"
SOURCES = DATA / "sources"
REFERENCE = DATA / "states.toml"

# The database the run was given (the suite's own DATABASE_URL is set per test tier below).
CONFIGURED_URL = os.environ.get("DATABASE_URL", "")
# "gw0", "gw1", ... under pytest-xdist; empty when the suite runs in one process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
EMPTY_MARKER = "empty_database"
REAL_MARKER = "real_history"
LONG_MARKER = "long"
DATABASE_FIXTURES = frozenset({"db", "engine", "first_import"})


def _configured_postgres() -> str | None:
    """The configured PostgreSQL test database's URL, or None on SQLite (refusing a name not ending _test)."""
    if not CONFIGURED_URL:
        return None
    parsed = make_url(CONFIGURED_URL)
    if parsed.get_backend_name() == "postgresql" and not (parsed.database or "").endswith("_test"):
        raise pytest.UsageError(
            f"refusing to wipe {parsed.database!r}: a test database's name must end in _test"
        )
    return CONFIGURED_URL if parsed.get_backend_name() == "postgresql" else None


def _postgres_database(url: str, suffix: str) -> str:
    """A sibling of the configured database: unga_x_test -> unga_x_<suffix>_test."""
    name = make_url(url).database or ""
    return f"{name.removesuffix('_test')}_{suffix}_test"


def _admin_connection(url: str) -> Engine:
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _clone_postgres(url: str, template: str, database: str) -> None:
    server = _admin_connection(url)
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{template}"'))
    server.dispose()


def _drop_postgres(url: str, databases: list[str]) -> None:
    server = _admin_connection(url)
    with server.connect() as conn:
        for database in databases:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    server.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    recreate_schema(engine)
    engine.dispose()


@dataclass(frozen=True)
class RealHistory:
    """What building the real history reported: the import's summary and the ideal points' fit."""

    summary: ImportSummary
    fit: FitReport


def _import_history(url: str) -> RealHistory:
    """Migrate the database at ``url``, import the whole shipped history into it and fit the ideal points
    (as a real run does after an import), committed. Tests that read the points (the CSV routes, the
    API fuzzing) once found them only if tests/ideal had fitted them earlier in the same database."""
    engine = make_engine(url)
    recreate_schema(engine)
    with Session(engine) as session:
        write_session(session)
        summary = import_paths(session, [SOURCES], REFERENCE)
        session.commit()
    engine.dispose()
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url  # fit_and_store opens the app's own engine
    get_settings.cache_clear()
    dispose_engines()
    try:
        fit = fit_and_store(warm=False)
    finally:
        dispose_engines()  # on SQLite the last close checkpoints the WAL: the file alone is the database
        if before is None:
            del os.environ["DATABASE_URL"]
        else:
            os.environ["DATABASE_URL"] = before
        get_settings.cache_clear()
    return RealHistory(summary, fit)


@dataclass
class TestDatabases:
    """This process's two databases (URLs known at once, built when a test first needs them)."""

    shared: Path | None  # the folder all the workers of one run share (None: no xdist)
    own: Path  # this process's own folder
    real_url: str
    empty_url: str
    postgres: str | None  # the configured PostgreSQL database (None: SQLite)
    made: list[str]  # PostgreSQL databases this process created, dropped at the end

    def _built_once(self, name: str, build: Callable[[Path], object]) -> object:
        """Run ``build`` once per run (under xdist, in whichever worker asks first) and return what
        it returned; ``build`` gets a folder path to write its template into."""
        assert self.shared is not None
        done = self.shared / f"{name}.pickle"
        with FileLock(str(self.shared / f"{name}.lock")):
            if not done.exists():
                result = build(self.shared / f"{name}.sqlite3")
                done.write_bytes(pickle.dumps(result))
            return pickle.loads(done.read_bytes())

    def build_real(self) -> RealHistory:
        if self.shared is None:  # alone: build in place
            return _import_history(self.real_url)
        if self.postgres is None:
            history = self._built_once("real", lambda path: _import_history(f"sqlite:///{path}"))
            shutil.copyfile(self.shared / "real.sqlite3", make_url(self.real_url).database or "")
        else:
            history = self._built_once("real", lambda _path: _import_history(self.postgres or ""))
            with FileLock(str(self.shared / "clone.lock")):  # one CREATE DATABASE from a template at a time
                self._clone(make_url(self.postgres).database or "", self.real_url)
        assert isinstance(history, RealHistory)
        return history

    def build_empty(self) -> None:
        if self.postgres is not None and self.shared is None:
            self._clone("template0", self.empty_url)  # a fresh database, migrated below
        if self.shared is None:
            _migrate(self.empty_url)
        elif self.postgres is None:
            self._built_once("empty", lambda path: _migrate(f"sqlite:///{path}"))
            shutil.copyfile(self.shared / "empty.sqlite3", make_url(self.empty_url).database or "")
        else:
            template = _postgres_database(self.postgres, "empty")

            def build(_path: Path) -> None:
                _clone_postgres(self.postgres or "", "template0", template)
                _migrate(make_url(self.postgres or "").set(database=template).render_as_string(False))

            self._built_once("empty", build)
            with FileLock(str(self.shared / "clone.lock")):
                self._clone(template, self.empty_url)

    def _clone(self, template: str, url: str) -> None:
        database = make_url(url).database or ""
        _clone_postgres(url, template, database)
        self.made.append(database)


def _test_databases(tmp_path_factory: pytest.TempPathFactory) -> TestDatabases:
    own = tmp_path_factory.mktemp("db")
    shared = tmp_path_factory.getbasetemp().parent if WORKER else None
    postgres = _configured_postgres()
    if postgres is None:
        return TestDatabases(
            shared, own, f"sqlite:///{own / 'test.sqlite3'}", f"sqlite:///{own / 'empty.sqlite3'}", None, []
        )
    parsed = make_url(postgres)
    real = parsed.set(database=_postgres_database(postgres, WORKER)) if WORKER else parsed
    empty = parsed.set(database=_postgres_database(postgres, f"{WORKER}_empty" if WORKER else "empty"))
    return TestDatabases(
        shared, own, real.render_as_string(False), empty.render_as_string(False), postgres, []
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the real-history tests, so that ``-m "not real_history"`` runs the fast tier alone. Under
    xdist the other tests go first (in their order): while one worker imports the history, the others
    have work to do rather than wait for it."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & DATABASE_FIXTURES and item.get_closest_marker(EMPTY_MARKER) is None:
            item.add_marker(REAL_MARKER)
    if WORKER:
        items.sort(key=_run_order)


def _run_order(item: pytest.Item) -> tuple[bool, bool]:
    """The fast tier first; then, among the real-history tests, the long ones (marked ``long``). Work
    stealing takes tests from the end of a worker's queue: with short tests there, the workers finish
    together, where a long one drawn last kept one worker busy while the other waited."""
    return item.get_closest_marker(REAL_MARKER) is not None, item.get_closest_marker(LONG_MARKER) is None


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The xdist controller drops the template of the empty PostgreSQL databases once every worker is
    done with it (a run in one process drops its own databases in ``databases``)."""
    postgres = _configured_postgres()
    controller = not WORKER and getattr(session.config, "workerinput", None) is None
    if postgres and controller and session.config.getoption("numprocesses", None):
        _drop_postgres(postgres, [_postgres_database(postgres, "empty")])


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabases]:
    made = _test_databases(tmp_path_factory)
    os.environ["DATABASE_URL"] = made.real_url
    # Apps built with the page cache share pages in this process's own folder, not the system's /tmp.
    os.environ["UNGA_PAGE_CACHE_DIR"] = str(tmp_path_factory.mktemp("pages"))
    get_settings.cache_clear()
    yield made
    dispose_engines()
    if made.made:
        _drop_postgres(made.real_url, made.made)


@pytest.fixture(autouse=True)
def _tier_database_url(request: pytest.FixtureRequest) -> None:
    """The app's own engines (DATABASE_URL) follow the running test's tier: the empty database for the
    fast tier, the real history for the rest. Engines are rebuilt only when the tier changes."""
    if not DATABASE_FIXTURES & set(request.fixturenames) and "empty_engine" not in request.fixturenames:
        return
    made: TestDatabases = request.getfixturevalue("databases")
    url = made.empty_url if request.node.get_closest_marker(EMPTY_MARKER) else made.real_url
    if os.environ.get("DATABASE_URL") != url:
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        dispose_engines()


@pytest.fixture(scope="session")
def _real_history(databases: TestDatabases) -> RealHistory:
    return databases.build_real()


@pytest.fixture(scope="session")
def engine(databases: TestDatabases, _real_history: RealHistory) -> Iterator[Engine]:
    """The database of the whole shipped history, imported and committed."""
    engine = make_engine(databases.real_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def first_import(engine: Engine, _real_history: RealHistory) -> ImportSummary:
    """What the import of the whole shipped history reported."""
    return _real_history.summary


@pytest.fixture(scope="session")
def history_fit(engine: Engine, _real_history: RealHistory) -> FitReport:
    """What the cold fit of the ideal points after that import reported (stored with the history)."""
    return _real_history.fit


@pytest.fixture(scope="session")
def empty_engine(databases: TestDatabases) -> Iterator[Engine]:
    """An empty migrated database (the fast tier's)."""
    databases.build_empty()
    engine = make_engine(databases.empty_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(request: pytest.FixtureRequest) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test: on the empty database for the
    tests marked ``empty_database``, on the real history for the others."""
    empty = request.node.get_closest_marker(EMPTY_MARKER) is not None
    engine: Engine = request.getfixturevalue("empty_engine" if empty else "engine")
    with engine.connect() as conn:
        outer = conn.begin()
        session = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            outer.rollback()


@dataclass(frozen=True)
class _BuiltApp:
    settings: Settings
    app: FastAPI


_built_apps: list[_BuiltApp] = []


def _test_app() -> FastAPI:
    """This process's application for the ``client`` fixture, built again only when the settings change
    (a test tier's database, a test's own environment). FastAPI prepares each route's parameters and
    dependencies on an app's first requests (40-120 ms more for the first page), which an app per test
    paid again: a tenth of the suite's time. What a test may leave on the app (overrides, state) is reset
    by the fixture."""
    settings = get_settings()
    if not _built_apps or _built_apps[0].settings is not settings:
        # Without the page cache: it reads committed data; tests read their own transaction.
        _built_apps[:] = [_BuiltApp(settings, create_app(page_cache=False))]
    return _built_apps[0].app


def reading_from(app: FastAPI, db: Session) -> FastAPI:
    """``app``, its requests served by the test's session (its own transaction), and nothing else
    overridden."""

    def _session() -> Iterator[Session]:
        yield db
        db.flush()

    app.dependency_overrides = {get_session: _session}
    return app


@pytest.fixture
def client(db: Session) -> Iterator[TestClient]:
    app = reading_from(_test_app(), db)
    app.state = State()  # e.g. the card renders' rate limiter: each test starts with its own
    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        app.dependency_overrides = {}
