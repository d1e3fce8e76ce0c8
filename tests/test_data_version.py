"""The stored data version (app/data_version.py): moved in the transaction of every write a public page
shows, by both write doors, and left alone by writes no public page shows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.audit import Actor, record
from app.data_version import bump, data_version
from app.derived import Written, after_write
from app.models import ErrorReport, Resolution, State, StateName


def _swaziland(db: Session) -> State:
    state = db.scalar(select(State).where(State.code == "SWZ"))
    assert state is not None
    return state


def test_an_orm_write_of_public_data_moves_it(db: Session) -> None:
    before = data_version(db)
    db.add(StateName(state_id=_swaziland(db).id, name="Eswatini", valid_from=dt.date(2030, 1, 1)))
    db.flush()
    assert data_version(db) != before


def test_a_bulk_statement_moves_it(db: Session) -> None:
    before = data_version(db)
    db.execute(update(Resolution).where(Resolution.id == -1).values(title="none"))
    assert data_version(db) != before


def test_writes_no_public_page_shows_leave_it(db: Session) -> None:
    before = data_version(db)
    db.add(
        ErrorReport(
            page="/countries/SWZ",
            message="a reader's report",
            created_at=dt.datetime.now(dt.UTC),
            address_hash="0" * 64,
        )
    )
    record(db, Actor(None, "nobody", "127.0.0.1"), "sign_in_failed", "admin_user", "nobody", "unknown")
    db.flush()
    assert data_version(db) == before
    _swaziland(db).name = _swaziland(db).name  # set to what it was: nothing written
    db.flush()
    assert data_version(db) == before


def test_rolled_back_with_its_write(db: Session) -> None:
    before = data_version(db)
    with db.begin_nested() as savepoint:
        _swaziland(db).version += 1  # what an admin correction bumps
        db.flush()
        assert data_version(db) != before
        savepoint.rollback()
    assert data_version(db) == before


def test_after_write_moves_it_only_when_something_changed(db: Session) -> None:
    before = data_version(db)
    after_write(db, Written(changed=False))  # an import that found nothing new
    assert data_version(db) == before
    after_write(db, Written(changed=True))
    assert data_version(db) != before


def test_moved_when_the_writer_commits_and_not_before(engine: Engine) -> None:
    """Other readers (another worker, a replica) see the new version with the commit: on PostgreSQL the
    row is only locked while the writer commits, not for the whole of a long import."""
    with Session(engine) as reader:
        before = data_version(reader)
    with Session(engine) as writer, writer.begin():
        bump(writer)
        with Session(engine) as reader:
            assert data_version(reader) == before  # asked for, not written yet
    with Session(engine) as reader:
        moved = data_version(reader)
    assert moved != before
    with Session(engine) as writer, writer.begin():
        bump(writer)
        writer.rollback()
    with Session(engine) as reader:
        assert data_version(reader) == moved  # rolled back: nothing moved
