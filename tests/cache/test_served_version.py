"""Work done once per served data version: the lists memoised by app.data_version.per_version and the
vote matrix, which reuse the version the page cache read instead of asking the database again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.countries import queries
from app.countries.matrix import get_matrix
from app.data_version import data_version, served_version
from app.models import State

# Unique, so that no other test can meet this memo's entries.
ONE, TWO = f"one {uuid.uuid4()}", f"two {uuid.uuid4()}"


@pytest.fixture
def statements(db: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Connection, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    connection = db.connection()
    event.listen(connection, "before_cursor_execute", record)
    yield seen
    event.remove(connection, "before_cursor_execute", record)


def rename_usa(db: Session, name: str) -> None:
    usa = db.scalar(select(State).where(State.code == "USA"))
    assert usa is not None
    usa.name = name
    db.flush()


def name_of_usa(choices: tuple[tuple[str, str], ...]) -> str:
    return dict(choices)["USA"]


def test_lists_are_computed_once_per_served_version(db: Session, statements: list[str]) -> None:
    token = served_version.set(ONE)
    try:
        before = queries.state_choices(db)
        rename_usa(db, "Renamed States")
        statements.clear()
        assert name_of_usa(queries.state_choices(db)) == name_of_usa(before)  # same version: no query
        assert statements == []
        served_version.set(TWO)
        assert name_of_usa(queries.state_choices(db)) == "Renamed States"
        assert len(statements) == 1
    finally:
        served_version.reset(token)


def test_outside_the_page_cache_lists_are_always_fresh(db: Session) -> None:
    assert served_version.get() is None
    queries.state_choices(db)
    rename_usa(db, "Renamed States")
    assert name_of_usa(queries.state_choices(db)) == "Renamed States"


def test_the_matrix_reuses_the_served_version(db: Session, statements: list[str]) -> None:
    current = get_matrix(db)
    token = served_version.set(data_version(db))
    try:
        statements.clear()
        assert get_matrix(db) is current
        assert statements == []  # not even the data version was asked for
    finally:
        served_version.reset(token)
    statements.clear()
    assert get_matrix(db) is current
    assert len(statements) == 1  # without a served version it asks for the data version
