"""SQL for what the record is made of: the source files read, and what the sources record differently."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.dated_names import name_on
from app.models import DataSource, DifferenceKind, Resolution, SourceDifference, SourceKind, State
from app.pagination import PageParams


@dataclass(frozen=True)
class DifferenceRow:
    """One difference, with the state's name on the day of the vote where it concerns a state."""

    resolution_id: int
    source: SourceKind
    kind: DifferenceKind
    code: str  # "" unless kind is VOTE
    name: str
    item: str
    shown: str
    other: str


@dataclass(frozen=True)
class ListedDifference:
    """A difference as the public list shows it: with the decision it concerns."""

    difference: DifferenceRow
    decision: Resolution


def _columns(day: Any) -> tuple[Any, ...]:
    return (
        SourceDifference.resolution_id,
        SourceDifference.source,
        SourceDifference.kind,
        func.coalesce(State.code, ""),
        func.coalesce(name_on(State.id, day), State.name, ""),
        SourceDifference.item,
        SourceDifference.shown,
        SourceDifference.other,
    )


_KIND_ORDER = {
    DifferenceKind.SYMBOL: 0,
    DifferenceKind.DATE: 1,
    DifferenceKind.COUNT: 2,
    DifferenceKind.VOTE: 3,
}


def differences_of(session: Session, resolution: Resolution) -> list[DifferenceRow]:
    """What other sources record differently about one decision: symbol, date, counts, then each state's
    vote by the state's name on the day."""
    rows = session.execute(
        select(*_columns(resolution.adopted_on))
        .outerjoin(State, State.id == SourceDifference.state_id)
        .where(SourceDifference.resolution_id == resolution.id)
    ).all()
    found = [DifferenceRow(*row) for row in rows]
    return sorted(found, key=lambda d: (_KIND_ORDER[d.kind], d.source.value, d.item, d.name.casefold()))


@dataclass(frozen=True)
class DifferenceFilters:
    source: SourceKind | None = None
    kind: DifferenceKind | None = None


def _filtered(filters: DifferenceFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Resolution.published.is_(True)]
    if filters.source is not None:
        conditions.append(SourceDifference.source == filters.source)
    if filters.kind is not None:
        conditions.append(SourceDifference.kind == filters.kind)
    return conditions


def list_differences(
    session: Session, filters: DifferenceFilters, page: PageParams | None
) -> tuple[list[ListedDifference], int]:
    """Differences, newest vote first, with their decisions; all of them when ``page`` is None."""
    conditions = _filtered(filters)
    total = session.scalar(
        select(func.count())
        .select_from(SourceDifference)
        .join(Resolution, Resolution.id == SourceDifference.resolution_id)
        .where(*conditions)
    )
    query = (
        select(Resolution, *_columns(Resolution.adopted_on))
        .join(Resolution, Resolution.id == SourceDifference.resolution_id)
        .outerjoin(State, State.id == SourceDifference.state_id)
        .where(*conditions)
        .order_by(Resolution.adopted_on.desc(), Resolution.id.desc(), SourceDifference.id)
    )
    if page is not None:
        query = query.offset(page.offset).limit(page.per_page)
    listed = [ListedDifference(DifferenceRow(*row[1:]), row[0]) for row in session.execute(query)]
    return listed, total or 0


@dataclass(frozen=True)
class KindCount:
    source: SourceKind
    kind: DifferenceKind
    differences: int
    decisions: int  # how many decisions have at least one


def difference_counts(session: Session) -> list[KindCount]:
    rows = session.execute(
        select(
            SourceDifference.source,
            SourceDifference.kind,
            func.count(),
            func.count(func.distinct(SourceDifference.resolution_id)),
        )
        .join(Resolution, Resolution.id == SourceDifference.resolution_id)
        .where(Resolution.published.is_(True))
        .group_by(SourceDifference.source, SourceDifference.kind)
    ).all()
    return sorted((KindCount(*row) for row in rows), key=lambda c: (c.source.value, _KIND_ORDER[c.kind]))


@dataclass(frozen=True)
class SourceFileRow:
    """A source file as the last import that read it recorded it."""

    kind: SourceKind
    name: str
    version: str
    first_day: dt.date | None
    last_day: dt.date | None
    records: int | None
    read_at: dt.datetime


def source_files(session: Session) -> list[SourceFileRow]:
    """The newest version of each source file read (by kind and name), oldest source first."""
    newest = (
        select(DataSource.kind, DataSource.name, func.max(DataSource.id).label("id"))
        .where(DataSource.kind != SourceKind.ADMIN)
        .group_by(DataSource.kind, DataSource.name)
        .subquery()
    )
    rows = session.execute(
        select(
            DataSource.kind,
            DataSource.name,
            DataSource.version,
            DataSource.first_day,
            DataSource.last_day,
            DataSource.records,
            DataSource.imported_at,
        )
        .join(newest, newest.c.id == DataSource.id)
        .order_by(DataSource.kind, DataSource.name)
    ).all()
    return [SourceFileRow(*row) for row in rows]


def decisions_by_sources(session: Session) -> dict[str, int]:
    """Published decisions by the set of sources that hold them ("undl voeten": 4,800 ...)."""
    rows = session.execute(
        select(Resolution.source_kinds, func.count())
        .where(Resolution.published.is_(True))
        .group_by(Resolution.source_kinds)
    ).all()
    return dict(rows)
