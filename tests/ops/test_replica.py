"""The read replica: public pages and the API read from UNGA_READ_DATABASE_URL, the admin writes to
DATABASE_URL. A second database stands in for the replica; it is given a resolution the primary lacks,
so where an answer came from shows in the answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.accounts import create_account
from app.db import get_engine, get_read_engine, get_read_sessionmaker, unit_of_work
from app.main import create_app
from app.models import (
    AdminSession,
    DataSource,
    Resolution,
    SourceKind,
)
from tests.admin.conftest import PASSWORD, sign_in
from tests.ops.conftest import ScratchFactory, add_resolution, migrated

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
