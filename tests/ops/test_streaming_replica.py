"""The read replica on real parts: a private PostgreSQL 15 primary and a hot standby made from it with
``pg_basebackup -R``, streaming its WAL (benchmarks/private_postgres.py, the clusters
benchmarks/scaleout.py runs the whole site on).

The two clusters live in a scratch folder on free loopback ports, never the shared server, and are
removed when the module's tests end, failed or not. Where is shown by the servers themselves
(pg_stat_replication, pg_stat_database, pg_is_in_recovery), not by the app. Skipped where PostgreSQL's
server binaries are not installed; 10 to 30 s where they are (a busy machine).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient

from app import db as app_db
from app.admin.accounts import create_account
from app.db import get_engine, get_read_engine, make_engine, unit_of_work
from app.errors import unavailable_reason
from app.main import create_app
from app.models import DataSource, SourceKind
from benchmarks.private_postgres import PG_BIN, Cluster, available, make_folder, wait_for_replay
from tests.admin.conftest import PASSWORD, sign_in
from tests.ops.conftest import FakeClock, add_resolution, migrated

pytestmark = pytest.mark.skipif(
    not available(), reason=f"needs PostgreSQL 15's server binaries (initdb, pg_basebackup) in {PG_BIN}"
)

DATABASE = "unga"
SYMBOL = "A/RES/ES-11/1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[Cluster, Cluster]]:
    folder = make_folder(Path(tempfile.mkdtemp(prefix="unga-replication-")))
    primary = Cluster(folder / "primary", _free_port(), settings=("max_connections=50",))
    # Feedback keeps the primary from vacuuming rows a standby query still reads (else the standby
    # cancels that query: "conflict with recovery").
    standby = Cluster(
        folder / "standby", _free_port(), settings=("max_connections=50", "hot_standby_feedback=on")
    )
    try:
        primary.initdb()
        primary.start()
        primary.create_database(DATABASE)
        schema = migrated(primary.url(DATABASE))
        add_resolution(schema, SYMBOL, "Aggression against Ukraine")
        schema.dispose()
        standby.base_backup_of(primary)
        standby.start()
        yield primary, standby
    finally:
        standby.remove()
        primary.remove()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def site(clusters: tuple[Cluster, Cluster], app_settings: Callable[..., None]) -> tuple[Cluster, Cluster]:
    """The app pointed at both: writes to the primary, public reads from the standby."""
    primary, standby = clusters
    app_settings(
        DATABASE_URL=primary.url(DATABASE, application_name="unga-primary"),
        UNGA_READ_DATABASE_URL=standby.url(DATABASE, application_name="unga-public-reads"),
    )
    return primary, standby


def _commits(*servers: Cluster) -> list[int]:
    """Transactions committed in the site's database on each server: the server's own counters.

    A backend reports its counters when it has been idle a while (up to 10 s in PostgreSQL 15) or when it
    exits: the app's pooled connections are closed first, and the counters read once they are gone."""
    for engine in (get_engine(), get_read_engine()):
        engine.dispose()  # the pools only: the engines (and what they know of the replica) stay
    counts = []
    for server in servers:
        for _ in range(100):
            sessions = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
            if server.query(sessions, params=[DATABASE]) == [(0,)]:
                break
            time.sleep(0.05)
        rows = server.query("SELECT xact_commit FROM pg_stat_database WHERE datname = %s", params=[DATABASE])
        counts.append(int(rows[0][0]))
    return counts


def test_the_standby_streams_what_the_primary_writes(clusters: tuple[Cluster, Cluster]) -> None:
    primary, standby = clusters
    assert primary.query("SELECT pg_is_in_recovery()") == [(False,)]
    assert standby.query("SELECT pg_is_in_recovery()") == [(True,)]
    assert primary.query("SELECT state FROM pg_stat_replication") == [("streaming",)]
    engine = make_engine(primary.url(DATABASE))
    add_resolution(engine, "A/RES/ES-11/2", "Humanitarian consequences of the aggression against Ukraine")
    engine.dispose()
    wait_for_replay(primary, standby, timeout=10)
    titles = standby.query("SELECT title FROM resolution WHERE symbol = 'A/RES/ES-11/2'", DATABASE)
    assert titles == [("Humanitarian consequences of the aggression against Ukraine",)]


def test_public_reads_are_served_by_the_standby_and_writes_by_the_primary(
    site: tuple[Cluster, Cluster],
) -> None:
    primary, standby = site
    with TestClient(create_app(page_cache=False)) as client:
        before = _commits(primary, standby)
        for _ in range(20):
            assert client.get(f"/api/resolutions/{SYMBOL}").status_code == 200
            assert client.get(f"/resolutions/{SYMBOL}").status_code == 200
        reading = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'unga-public-reads'"
        assert standby.query(reading)[0][0] >= 1  # the app's read connections are the standby's
        assert primary.query(reading) == [(0,)]
        after = _commits(primary, standby)
        assert after[1] - before[1] >= 40  # one transaction per public read, on the standby
        assert after[0] - before[0] == 0  # none on the primary

        with unit_of_work(write=True) as session:
            create_account(session, "ada", PASSWORD)
        assert sign_in(client, "ada", PASSWORD).status_code == 303  # writes a sign-in session
        assert client.get("/admin").status_code == 200  # the admin reads it back at once
    # Written on the primary, on the standby only by replay.
    assert primary.query("SELECT count(*) FROM admin_session", DATABASE) == [(1,)]
    wait_for_replay(primary, standby, timeout=10)
    assert standby.query("SELECT count(*) FROM admin_session", DATABASE) == [(1,)]


def test_read_only_transactions_refuse_writes_with_a_clear_error(site: tuple[Cluster, Cluster]) -> None:
    with unit_of_work(read_only=True) as session:
        assert session.get_bind() is get_read_engine()
        session.add(DataSource(kind=SourceKind.ADMIN, name="must fail", sha256="3" * 64))
        with pytest.raises(DBAPIError, match="cannot execute INSERT in a read-only transaction") as refused:
            session.flush()
        session.rollback()
    # What a page that tried would answer (a 503 saying why, app.errors), not a 500.
    assert (
        unavailable_reason(refused.value)
        == "The database is read-only at the moment; changes cannot be saved."
    )


def test_reads_fall_back_to_the_primary_while_the_standby_is_down_and_return(
    site: tuple[Cluster, Cluster], replica_clock: FakeClock
) -> None:
    primary, standby = site
    with TestClient(create_app(page_cache=False)) as client:
        assert client.get(f"/api/resolutions/{SYMBOL}").status_code == 200
        standby.stop()  # fast shutdown: the pooled connections are cut
        try:
            (before,) = _commits(primary)
            for _ in range(10):
                assert client.get(f"/resolutions/{SYMBOL}").status_code == 200
            assert app_db.replica_health.down
            assert _commits(primary)[0] - before >= 10  # the primary stood in
        finally:
            standby.start()
        wait_for_replay(primary, standby, timeout=10)
        before_primary, before_standby = _commits(primary, standby)
        replica_clock.now += app_db.REPLICA_RETRY_SECONDS  # the next public read tries the standby again
        for _ in range(10):
            assert client.get(f"/resolutions/{SYMBOL}").status_code == 200
        assert not app_db.replica_health.down
        after_primary, after_standby = _commits(primary, standby)
        assert after_standby - before_standby >= 10  # back on the standby
        assert after_primary == before_primary
