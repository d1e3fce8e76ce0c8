"""What the operations code asks the database: readiness checks and exports."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import String, select, text, type_coerce
from sqlalchemy.orm import Session, selectinload

from app.models import DataSource, Resolution, ResolutionSubject, SourceKind, State, Vote


def applied_revision(session: Session) -> str | None:
    """The Alembic revision the database is at (None before the first migration)."""
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def consistent_snapshot(session: Session) -> None:
    """Make the session's reads one snapshot (an export must not mix before and after an edit).

    SQLite's transaction already is one; PostgreSQL's default (READ COMMITTED) is not."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def states_for_export(session: Session) -> list[State]:
    """Every state in id order, with its names, memberships, aliases and suspensions."""
    return list(
        session.scalars(
            select(State)
            .options(
                selectinload(State.names),
                selectinload(State.memberships),
                selectinload(State.aliases),
                selectinload(State.suspensions),
            )
            .order_by(State.id)
        )
    )


def resolutions_for_export(session: Session) -> Iterator[tuple[Resolution, SourceKind]]:
    rows = session.execute(
        select(Resolution, DataSource.kind)
        .join(DataSource, Resolution.source_id == DataSource.id)
        .order_by(Resolution.id)
    )
    yield from rows


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


def votes_in_order(session: Session) -> Iterator[tuple[int, int, str]]:
    """Every vote ordered by decision and state (the vote table's own key order), streamed.

    Core rows with the choice as its one-letter code: a million ORM rows and enum conversions would
    take most of an export's time."""
    rows = session.connection().execute(
        select(Vote.resolution_id, Vote.state_id, type_coerce(Vote.choice, String))
        .order_by(Vote.resolution_id, Vote.state_id)
        .execution_options(yield_per=20_000)
    )
    yield from rows
