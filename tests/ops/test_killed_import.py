"""An import killed midway (SIGKILL, as the OOM killer or a power cut would) leaves the database exactly
as it was: the import is one transaction, and the bulk path's dropped index and constraints are dropped
inside it too."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.config import PROJECT_ROOT
from app.db import make_engine
from app.models import DataSource, Resolution, ResolutionSubject, SeriesMember, State, Vote
from tests.ops.conftest import ScratchFactory

SOURCES = PROJECT_ROOT / "data" / "sources"
ES_11 = SOURCES / "un_dgacm" / "ES-11.json.gz"
UNGA = Path(sys.executable).parent / "unga"


def _import(url: str, path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.Popen([str(UNGA), "import", "--quiet", str(path)], env=env, start_new_session=True)


def _snapshot(engine: Engine) -> dict[str, Any]:
    with Session(engine) as session:
        counts: dict[str, Any] = {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (State, DataSource, Resolution, ResolutionSubject, Vote, SeriesMember)
        }
        counts["max id"] = session.scalar(select(func.max(Resolution.id)))
        counts["versions"] = session.scalar(select(func.sum(Resolution.version)))
    schema = inspect(engine)
    counts["vote indexes"] = sorted(str(i["name"]) for i in schema.get_indexes("vote"))
    counts["vote key"] = schema.get_pk_constraint("vote")["name"]
    counts["vote foreign keys"] = sorted(str(fk["name"]) for fk in schema.get_foreign_keys("vote"))
    return counts


def _writing(engine: Engine, url: str) -> bool:
    """Is the import inside its write transaction?"""
    if engine.dialect.name == "sqlite":  # it holds the write lock: our own BEGIN IMMEDIATE fails at once
        probe = sqlite3.connect(str(make_url(url).database), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    with engine.connect() as conn:  # its transaction has written something
        return bool(
            conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
                )
            )
        )


def _others_gone(engine: Engine) -> bool:
    if engine.dialect.name == "sqlite":
        return True
    with engine.connect() as conn:
        return not conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
        )


def _wait(condition: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.long
@pytest.mark.parametrize("before", ["empty", "one session imported"])
def test_killed_import_changes_nothing(scratch_url: ScratchFactory, before: str) -> None:
    url = scratch_url("killed")
    if before == "empty":
        subprocess.run([str(UNGA), "migrate"], env={**os.environ, "DATABASE_URL": url}, check=True)
    else:
        assert _import(url, ES_11).wait(timeout=120) == 0
    engine = make_engine(url)
    expected = _snapshot(engine)
    engine.dispose()

    process = _import(url, SOURCES)  # the whole history: about a million votes
    try:
        _wait(lambda: _writing(engine, url) or process.poll() is not None, "the import to write")
        time.sleep(1.0)  # well into it: states synced, votes being written (the import takes 5 s or more)
        assert process.poll() is None, "the import finished before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        _wait(lambda: _others_gone(engine), "the server to end the killed import's session")

        assert _snapshot(engine) == expected
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        engine.dispose()
