"""The read replica: public pages and the API read from UNGA_READ_DATABASE_URL, the admin writes to
DATABASE_URL. A second database stands in for the replica; it is given a resolution the primary lacks,
so where an answer came from shows in the answer."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app import db as app_db
from app import main as app_main
from app.admin.accounts import create_account
from app.data_version import data_version
from app.db import get_engine, get_read_engine, get_read_sessionmaker, unit_of_work
from app.main import create_app
from app.models import (
    AdminSession,
    DataSource,
    Resolution,
    SourceKind,
)
from tests.admin.conftest import PASSWORD, sign_in
from tests.ops.conftest import FakeClock, ScratchFactory, add_resolution, migrated
from tests.ops.tcp_proxy import TcpProxy

SYMBOL = "A/RES/ES-11/1"


def _add_resolution(engine: Engine, title: str) -> None:
    add_resolution(engine, SYMBOL, title)


@pytest.fixture
def two_databases(
    scratch_url: ScratchFactory, app_settings: Callable[..., None]
) -> Iterator[tuple[Engine, Engine]]:
    primary, replica = migrated(scratch_url("primary")), migrated(scratch_url("replica"))
    _add_resolution(replica, "Aggression against Ukraine (replica copy)")
    app_settings(
        DATABASE_URL=primary.url.render_as_string(False),
        UNGA_READ_DATABASE_URL=replica.url.render_as_string(False),
    )
    yield primary, replica
    primary.dispose()
    replica.dispose()


def test_public_reads_come_from_the_replica(two_databases: tuple[Engine, Engine]) -> None:
    primary, _ = two_databases
    with TestClient(create_app()) as client:
        api = client.get(f"/api/resolutions/{SYMBOL}")
        assert api.status_code == 200
        assert api.json()["title"] == "Aggression against Ukraine (replica copy)"
        page = client.get(f"/resolutions/{SYMBOL}")
        assert page.status_code == 200
        assert "replica copy" in page.text
    with Session(primary) as session:  # the primary never had it
        assert session.scalar(select(func.count()).select_from(Resolution)) == 0


def test_admin_writes_go_to_the_primary(two_databases: tuple[Engine, Engine]) -> None:
    primary, replica = two_databases
    with unit_of_work(write=True) as session:
        create_account(session, "ada", PASSWORD)
    with TestClient(create_app()) as client:
        assert sign_in(client, "ada", PASSWORD).status_code == 303
        assert client.get("/admin").status_code == 200  # the admin reads its own writes
    for engine, expected in ((primary, 1), (replica, 0)):
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(AdminSession)) == expected


def test_replica_sessions_refuse_writes(two_databases: tuple[Engine, Engine]) -> None:
    assert get_read_engine() is not get_engine()
    with get_read_sessionmaker()() as session:
        session.add(DataSource(kind=SourceKind.ADMIN, name="must fail", sha256="1" * 64))
        with pytest.raises(DBAPIError):
            session.flush()


def test_without_a_replica_reads_use_the_primary(
    scratch_url: ScratchFactory, app_settings: Callable[..., None]
) -> None:
    primary = migrated(scratch_url("alone"))
    _add_resolution(primary, "Only on the primary")
    app_settings(DATABASE_URL=primary.url.render_as_string(False))
    assert get_read_engine() is get_engine()
    with TestClient(create_app()) as client:
        assert client.get(f"/api/resolutions/{SYMBOL}").json()["title"] == "Only on the primary"
    primary.dispose()


class TestReplicaGoesAway:
    """A replica that stops answering: public reads fall back to the primary, then return by themselves.
    The replica is reached through a proxy the test cuts (the shared server is never stopped)."""

    @pytest.fixture
    def replica_proxy(
        self,
        pg_scratch_url: ScratchFactory,
        app_settings: Callable[..., None],
        replica_clock: FakeClock,
    ) -> Iterator[TcpProxy]:
        primary = migrated(pg_scratch_url("fallback_primary"))
        replica_url = make_url(pg_scratch_url("fallback_replica"))
        replica = migrated(replica_url.render_as_string(False))
        add_resolution(primary, SYMBOL, "Aggression against Ukraine (primary copy)")
        add_resolution(replica, SYMBOL, "Aggression against Ukraine (replica copy)")
        replica.dispose()
        proxy = TcpProxy((replica_url.host or "127.0.0.1", replica_url.port or 5432)).start()
        app_settings(
            DATABASE_URL=primary.url.render_as_string(False),
            UNGA_READ_DATABASE_URL=replica_url.set(host="127.0.0.1", port=proxy.port).render_as_string(False),
        )
        yield proxy
        proxy.stop()
        primary.dispose()

    @staticmethod
    def _title(client: TestClient) -> str:
        response = client.get(f"/api/resolutions/{SYMBOL}")
        assert response.status_code == 200, response.text
        return str(response.json()["title"])

    def test_reads_fall_back_to_the_primary_and_return(
        self, replica_proxy: TcpProxy, replica_clock: FakeClock, logged: list[str]
    ) -> None:
        with TestClient(create_app(page_cache=False)) as client:
            assert self._title(client) == "Aggression against Ukraine (replica copy)"

            replica_proxy.cut()  # pooled connections die, new ones are refused
            # The pooled connection is found dead before the request reads anything: no 503.
            assert self._title(client) == "Aggression against Ukraine (primary copy)"
            page = client.get(f"/resolutions/{SYMBOL}")
            assert page.status_code == 200
            assert "primary copy" in page.text
            assert app_db.replica_health.down
            assert [json.loads(line)["event"] for line in logged] == ["read_replica_unreachable"]

            replica_proxy.resume()
            replica_clock.now += app_db.REPLICA_RETRY_SECONDS  # the next request tries the replica again
            assert self._title(client) == "Aggression against Ukraine (replica copy)"
            assert not app_db.replica_health.down
            assert json.loads(logged[-1])["event"] == "read_replica_back"

    def test_while_down_the_replica_is_tried_once_per_interval(
        self, replica_proxy: TcpProxy, replica_clock: FakeClock
    ) -> None:
        attempts = 0
        with TestClient(create_app(page_cache=False)) as client:
            self._title(client)
            replica_proxy.cut()
            self._title(client)  # marks it down

            @event.listens_for(get_read_engine(), "do_connect")
            def _count(*_args: object) -> None:
                nonlocal attempts
                attempts += 1

            for _ in range(20):
                assert self._title(client) == "Aggression against Ukraine (primary copy)"
            assert attempts == 0  # within the interval nobody waits for a refused connection
            replica_clock.now += app_db.REPLICA_RETRY_SECONDS - 0.001
            self._title(client)
            assert attempts == 0  # not a moment before the interval is over
            replica_clock.now += 0.001
            for _ in range(5):
                self._title(client)
            assert attempts == 1  # one request probed, failed, and the interval started again

    def test_fallback_reads_on_the_primary_refuse_writes(self, replica_proxy: TcpProxy) -> None:
        replica_proxy.cut()
        with unit_of_work(read_only=True) as session:
            assert session.get_bind() is get_engine()  # the primary stands in
            session.add(DataSource(kind=SourceKind.ADMIN, name="must fail", sha256="2" * 64))
            with pytest.raises(DBAPIError, match="read-only transaction"):
                session.flush()
            session.rollback()

    def test_the_page_cache_reads_the_version_from_the_primary_while_it_stands_in(
        self, replica_proxy: TcpProxy
    ) -> None:
        # Else the cache would keep answering what it holds, blind to saves, until the replica is back.
        replica_proxy.cut()
        with Session(get_engine()) as session:
            on_primary = data_version(session)
        assert app_main._data_version() == on_primary


@pytest.fixture
def logged() -> Iterator[list[str]]:
    """The messages of the "unga.database" log during the test."""
    messages: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("unga.database").addHandler(handler)
    yield messages
    logging.getLogger("unga.database").removeHandler(handler)
