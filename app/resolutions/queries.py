"""SQL for resolutions and their roll calls. Routes never build queries; they call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.countries.queries import name_on
from app.models import DataSource, DecisionKind, Resolution, State, Vote, VoteChoice
from app.pagination import PageParams


@dataclass(frozen=True)
class RollCallEntry:
    code: str
    name: str  # the state's name on the date of the vote
    choice: VoteChoice


@dataclass(frozen=True)
class ResolutionFilters:
    session: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    q: str = ""
    include_separate_votes: bool = False
    recorded_only: bool = False


def get_resolution(session: Session, symbol: str, *, include_drafts: bool = False) -> Resolution | None:
    """The adoption record of a resolution by its UN symbol."""
    query = (
        select(Resolution)
        .options(selectinload(Resolution.subjects))
        .where(Resolution.symbol == symbol, Resolution.kind == DecisionKind.RESOLUTION)
    )
    if not include_drafts:
        query = query.where(Resolution.published.is_(True))
    return session.scalar(query)


def get_decision(session: Session, decision_id: int) -> Resolution | None:
    """Any recorded decision by id (separate votes on amendments and parts have no symbol of their own)."""
    return session.scalar(
        select(Resolution)
        .options(selectinload(Resolution.subjects))
        .where(Resolution.id == decision_id, Resolution.published.is_(True))
    )


def roll_call(session: Session, resolution: Resolution) -> list[RollCallEntry]:
    """Every state's vote, with its name as it was on the day, in alphabetical order of that name."""
    name = name_on(Vote.state_id, resolution.adopted_on)
    rows = session.execute(
        select(State.code, func.coalesce(name, State.name), Vote.choice)
        .join(State, State.id == Vote.state_id)
        .where(Vote.resolution_id == resolution.id)
    ).all()
    entries = [RollCallEntry(code, state_name, choice) for code, state_name, choice in rows]
    return sorted(entries, key=lambda e: e.name.casefold())


def separate_votes(session: Session, resolution: Resolution) -> list[Resolution]:
    """Other recorded votes on the same text (amendments, paragraphs), oldest first."""
    if not resolution.symbol:
        return []
    return list(
        session.scalars(
            select(Resolution)
            .where(
                Resolution.symbol == resolution.symbol,
                Resolution.id != resolution.id,
                Resolution.published.is_(True),
            )
            .order_by(Resolution.adopted_on, Resolution.id)
        )
    )


def _filtered(filters: ResolutionFilters) -> Select[Resolution]:
    query = select(Resolution).where(Resolution.published.is_(True))
    if not filters.include_separate_votes:
        query = query.where(Resolution.kind == DecisionKind.RESOLUTION)
    if filters.recorded_only:
        query = query.where(Resolution.adoption == "recorded_vote")
    if filters.session is not None:
        query = query.where(Resolution.session_number == filters.session)
    if filters.year_from is not None:
        query = query.where(Resolution.adopted_on >= dt.date(filters.year_from, 1, 1))
    if filters.year_to is not None:
        query = query.where(Resolution.adopted_on <= dt.date(filters.year_to, 12, 31))
    if filters.q:
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Resolution.symbol.ilike(pattern, escape="\\"),
                Resolution.title.ilike(pattern, escape="\\"),
                Resolution.agenda_title.ilike(pattern, escape="\\"),
                Resolution.description.ilike(pattern, escape="\\"),
            )
        )
    return query


def list_resolutions(
    session: Session, filters: ResolutionFilters, page: PageParams
) -> tuple[list[Resolution], int]:
    """A page of resolutions, newest first, and the total matching the filters."""
    query = _filtered(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Resolution.adopted_on.desc(), Resolution.id.desc())
        .offset(page.offset)
        .limit(page.per_page)
    ).all()
    return list(rows), total


def source_label(session: Session, resolution: Resolution) -> str:
    """Where the record comes from: file name and upstream version."""
    row = session.execute(
        select(DataSource.kind, DataSource.name, DataSource.version).where(
            DataSource.id == resolution.source_id
        )
    ).one()
    kind, name, version = row
    return f"{kind.value}: {name}" + (f" ({version})" if version else "")
