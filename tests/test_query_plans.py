"""The plans SQLite chooses for the queries every page runs, on the real history.

A missing or unusable index does not break anything a functional test sees; it makes a page several
milliseconds slower on every request. These pin the plans that benchmarks/web_speed.py depends on.
PostgreSQL keeps its own statistics (autovacuum) and plans its own way, so they run on SQLite only.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ClauseElement

from app.countries.queries import RecordFilters, _record_conditions
from app.dated_names import name_on
from app.models import DecisionKind, Resolution, State, Vote


@pytest.fixture
def sqlite(db: Session) -> Session:
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans its own way")
    return db


def plan(db: Session, query: ClauseElement) -> str:
    sql = str(query.compile(db.get_bind(), compile_kwargs={"literal_binds": True}))
    return " / ".join(row[-1] for row in db.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


def test_a_state_record_walks_resolutions_in_date_order(sqlite: Session) -> None:
    """The newest 50 votes of a state through the date index, not a sort of all of its ~6,000 votes
    (8 ms against 0.4 ms on every country page)."""
    usa = sqlite.scalar(select(State).where(State.code == "USA"))
    assert usa is not None
    query = (
        select(Resolution.id, Vote.choice, name_on(usa.id, Resolution.adopted_on))
        .join(Vote, Vote.resolution_id == Resolution.id)
        .where(*_record_conditions(usa, RecordFilters()))
        .order_by(Resolution.adopted_on.desc(), Resolution.id.desc())
        .limit(50)
    )
    found = plan(sqlite, query)
    assert "ix_resolution_kind_published_adopted_on_id" in found
    assert "TEMP B-TREE" not in found


@pytest.mark.parametrize("kind", [DecisionKind.RESOLUTION, None])
def test_a_resolution_and_its_separate_votes_are_found_by_symbol(
    sqlite: Session, kind: DecisionKind | None
) -> None:
    """6 ms against 0.03 ms on every resolution page: the unique index on symbol is partial."""
    query = select(Resolution.id).where(Resolution.symbol == "A/RES/ES-10/24", Resolution.published.is_(True))
    if kind is not None:
        query = query.where(Resolution.kind == kind)
    assert "ix_resolution_symbol (symbol=?)" in plan(sqlite, query)
