"""What the data package is read from: one snapshot of the published record, streamed in id order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from app.models import DataSource, Resolution, ResolutionSubject, SourceDifference, SourceKind, State
from app.state_record import WHOLE_RECORD


def consistent_snapshot(session: Session) -> None:
    """Make the session's reads one snapshot (an export must not mix before and after an edit).

    SQLite's transaction already is one; PostgreSQL's default (READ COMMITTED) is not."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def states(session: Session) -> list[State]:
    """Every state in id order, with its names, memberships, aliases and suspensions."""
    return list(session.scalars(select(State).options(*WHOLE_RECORD).order_by(State.id)))


def subjects_by_resolution(session: Session) -> dict[int, list[tuple[str, str]]]:
    """(vocabulary, term) per resolution id, in a stable order."""
    found: dict[int, list[tuple[str, str]]] = {}
    rows = session.execute(
        select(
            ResolutionSubject.resolution_id, ResolutionSubject.vocabulary, ResolutionSubject.term
        ).order_by(ResolutionSubject.resolution_id, ResolutionSubject.vocabulary, ResolutionSubject.term)
    )
    for resolution_id, vocabulary, term in rows:
        found.setdefault(resolution_id, []).append((vocabulary, term))
    return found


def decisions(session: Session) -> Iterator[tuple[Resolution, SourceKind]]:
    """Every decision in id order, with the kind of the source its row was last written from."""
    rows = session.execute(
        select(Resolution, DataSource.kind)
        .join(DataSource, Resolution.source_id == DataSource.id)
        .order_by(Resolution.id)
        .execution_options(yield_per=2_000)
    )
    yield from rows


def vote_lines(
    session: Session, kind: str, words: dict[str, str], left_out: Collection[int], size: int = 20_000
) -> Iterator[list[str]]:
    """The votes on published decisions of one kind ('resolution', or any other: 'separate'), in
    (decision, state) order, each already a CSV line without its end ("12,USA,yes"), in batches.

    The database writes the lines and the rows come straight from the driver: a million rows through
    SQLAlchemy's result objects and Python's csv module took most of an export's time. Codes and words
    need no quoting."""
    choice = " ".join(f"WHEN '{letter}' THEN '{word}'" for letter, word in words.items())
    excluded = f"AND v.resolution_id NOT IN ({', '.join(str(int(i)) for i in left_out)})" if left_out else ""
    sql = (
        f"SELECT CAST(v.resolution_id AS TEXT) || ',' || s.code || ',' || CASE v.choice {choice} END "
        "FROM vote v JOIN state s ON s.id = v.state_id JOIN resolution r ON r.id = v.resolution_id "
        f"WHERE r.published AND (r.kind = 'resolution') = {'TRUE' if kind == 'resolution' else 'FALSE'} "
        f"{excluded} ORDER BY v.resolution_id, v.state_id"
    )
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    # On PostgreSQL a named (server-side) cursor streams the rows rather than loading them all at once.
    postgres = connection.dialect.name == "postgresql"
    cursor = driver.cursor(name="unga_export_votes") if postgres else driver.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(size):
            yield [row[0] for row in rows]
    finally:
        cursor.close()


def differences(session: Session) -> Iterator[tuple[int, str, str, int | None, str, str, str]]:
    """Every difference between sources, by decision, as stored (enums as their text)."""
    rows = session.connection().execute(
        select(
            SourceDifference.resolution_id,
            type_coerce(SourceDifference.source, String),
            type_coerce(SourceDifference.kind, String),
            SourceDifference.state_id,
            SourceDifference.item,
            SourceDifference.shown,
            SourceDifference.other,
        ).order_by(SourceDifference.resolution_id, SourceDifference.id)
    )
    for row in rows:
        yield row[0], row[1], row[2], row[3], row[4], row[5], row[6]


def source_versions(session: Session) -> dict[SourceKind, list[tuple[str, str]]]:
    """The files each kind of source was read from and their upstream versions, newest import first."""
    found: dict[SourceKind, list[tuple[str, str]]] = {}
    rows = session.execute(
        select(DataSource.kind, DataSource.name, DataSource.version).order_by(
            DataSource.imported_at.desc(), DataSource.id.desc()
        )
    )
    for kind, name, version in rows:
        found.setdefault(kind, []).append((name, version))
    return found


def last_change(session: Session) -> dt.datetime | None:
    """When the published record last changed (an import or an admin save)."""
    return session.scalar(select(func.max(Resolution.updated_at)))
