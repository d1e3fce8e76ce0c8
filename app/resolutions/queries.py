"""SQL for lists of resolutions: filters, order, the home page's headlines, and the subject vocabularies
(one list of topics for resolutions and countries). Finding one resolution is in lookup.py, its roll call in
roll_calls.py. Routes never build queries; they call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from app.data_version import per_version
from app.models import (
    Adoption,
    DataSource,
    DecisionKind,
    Resolution,
    ResolutionSubject,
    SessionKind,
    State,
    StateStatus,
)
from app.pagination import PageParams
from app.resolutions import search

SortOrder = Literal["relevance", "date", "margin"]


@dataclass(frozen=True)
class ResolutionFilters:
    session: int | None = None
    session_kind: SessionKind | None = None
    year_from: int | None = None
    year_to: int | None = None
    q: str = ""
    include_separate_votes: bool = False
    recorded_only: bool = False
    adoption: Adoption | None = None
    topic: str = ""  # one of Voeten's issue categories
    subject: str = ""  # a UNBIS thesaurus term, matched whole and without regard to case
    max_margin: int | None = None  # |yes - no| of a recorded vote
    on: dt.date | None = None  # the day of the vote (a search for "24 February 2026")
    # "relevance" orders by search rank when there is a query, newest first otherwise.
    sort: SortOrder = "relevance"


@dataclass(frozen=True)
class Headlines:
    resolutions: int
    recorded_votes: int
    member_states: int
    first_year: int
    last_year: int


def _margin() -> ColumnElement[int]:
    """|yes - no| of the totals people are shown (service.display_tally): the official totals where the
    roll call is incomplete, else the roll call's counts."""
    official = and_(Resolution.roll_call_complete.is_(False), Resolution.official_yes.is_not(None))
    yes = case((official, Resolution.official_yes), else_=Resolution.tally_yes)
    no = case((official, func.coalesce(Resolution.official_no, 0)), else_=Resolution.tally_no)
    return func.abs(yes - no)


def _subject_filter(vocabulary: str, term: str) -> ColumnElement[bool]:
    term = search.clean_query(term)
    return Resolution.id.in_(
        select(ResolutionSubject.resolution_id).where(
            ResolutionSubject.vocabulary == vocabulary,
            func.lower(ResolutionSubject.term) == term.lower(),
        )
    )


def _filtered(filters: ResolutionFilters) -> Select[Resolution]:
    query = select(Resolution).where(Resolution.published.is_(True))
    if not filters.include_separate_votes:
        query = query.where(Resolution.kind == DecisionKind.RESOLUTION)
    adoption = Adoption.RECORDED_VOTE if filters.recorded_only else filters.adoption
    if filters.sort == "margin":
        # Only a recorded vote has a margin; texts adopted without a vote would all come first at 0.
        adoption = Adoption.RECORDED_VOTE
    if filters.max_margin is not None:
        adoption = Adoption.RECORDED_VOTE
        query = query.where(_margin() <= filters.max_margin)
    if adoption is not None:
        query = query.where(Resolution.adoption == adoption)
    if filters.session is not None:
        query = query.where(Resolution.session_number == filters.session)
    if filters.session_kind is not None:
        query = query.where(Resolution.session_kind == filters.session_kind)
    if filters.year_from is not None:
        query = query.where(Resolution.adopted_on >= dt.date(filters.year_from, 1, 1))
    if filters.year_to is not None:
        query = query.where(Resolution.adopted_on <= dt.date(filters.year_to, 12, 31))
    if filters.on is not None:
        query = query.where(Resolution.adopted_on == filters.on)
    if filters.topic:
        query = query.where(_subject_filter(TOPIC_VOCABULARY, filters.topic))
    if filters.subject:
        query = query.where(_subject_filter(SUBJECT_VOCABULARY, filters.subject))
    return query


def _ordered(
    session: Session, filters: ResolutionFilters
) -> tuple[Select[Resolution], list[ColumnElement[Any]]] | None:
    """The filtered query and its ordering; None when the words searched for cannot match anything."""
    query = _filtered(filters)
    newest: list[ColumnElement[Any]] = [Resolution.adopted_on.desc(), Resolution.id.desc()]
    order = newest
    if filters.q:
        if not search.is_searchable(filters.q):
            return None
        found = search.matches(session, filters.q)
        query = query.join(found, found.c.resolution_id == Resolution.id)
        if filters.sort == "relevance":
            order = [found.c.rank, *newest]
    if filters.sort == "margin":
        order = [_margin(), *newest]
    return query, order


def list_resolutions(
    session: Session, filters: ResolutionFilters, page: PageParams
) -> tuple[list[Resolution], int]:
    """A page of resolutions (best match first when searching, else newest first) and the total."""
    ordered = _ordered(session, filters)
    if ordered is None:
        return [], 0
    query, order = ordered
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if total == 0:
        return [], 0
    rows = session.scalars(query.order_by(*order).offset(page.offset).limit(page.per_page)).all()
    return list(rows), total


def all_resolutions(session: Session, filters: ResolutionFilters, limit: int) -> list[Resolution]:
    """Every resolution matching the filters, in the list's order, up to ``limit`` (CSV downloads)."""
    ordered = _ordered(session, filters)
    if ordered is None:
        return []
    query, order = ordered
    return list(session.scalars(query.order_by(*order).limit(limit)))


# "New" is what was published last: a vote entered days after it was taken (or a provisional record, or
# a back-dated correction) is new to readers when it appears. An import publishes its rows at once, so
# within one import the vote date decides.
_NEWEST_PUBLISHED = (
    Resolution.published_at.desc().nulls_last(),
    Resolution.adopted_on.desc(),
    Resolution.id.desc(),
)


def latest_recorded(session: Session, limit: int) -> list[Resolution]:
    """The resolutions adopted by a recorded vote that were published last."""
    return list(
        session.scalars(
            select(Resolution)
            .where(
                Resolution.published.is_(True),
                Resolution.kind == DecisionKind.RESOLUTION,
                Resolution.adoption == Adoption.RECORDED_VOTE,
            )
            .order_by(*_NEWEST_PUBLISHED)
            .limit(limit)
        )
    )


def newest(session: Session, limit: int) -> list[Resolution]:
    """The resolutions published last, however adopted (the Atom feed)."""
    return list(
        session.scalars(
            select(Resolution)
            .where(Resolution.published.is_(True), Resolution.kind == DecisionKind.RESOLUTION)
            .order_by(*_NEWEST_PUBLISHED)
            .limit(limit)
        )
    )


def headlines(session: Session) -> Headlines:
    """The figures on the home page, counted in two statements."""
    published = Resolution.published.is_(True)
    resolutions, recorded, first, last = session.execute(
        select(
            func.count().filter(Resolution.kind == DecisionKind.RESOLUTION),
            func.count().filter(Resolution.adoption == Adoption.RECORDED_VOTE),
            func.min(Resolution.adopted_on),
            func.max(Resolution.adopted_on),
        ).where(published)
    ).one()
    members = session.scalar(select(func.count()).where(State.status == StateStatus.MEMBER)) or 0
    today = dt.date.today()
    return Headlines(
        resolutions=resolutions,
        recorded_votes=recorded,
        member_states=members,
        first_year=_year(first, today),
        last_year=_year(last, today),
    )


def _year(value: dt.date | str | None, default: dt.date) -> int:
    # SQLite returns MIN/MAX over a date column as text.
    if value is None:
        return default.year
    return value.year if isinstance(value, dt.date) else int(str(value)[:4])


def source_label(session: Session, resolution: Resolution) -> str:
    """Where the record comes from: file name and upstream version."""
    row = session.execute(
        select(DataSource.kind, DataSource.name, DataSource.version).where(
            DataSource.id == resolution.source_id
        )
    ).one()
    kind, name, version = row
    return f"{kind.value}: {name}" + (f" ({version})" if version else "")


def state_names(session: Session) -> dict[str, str]:
    """Every seat's current (or last) name by code."""
    return dict(session.execute(select(State.code, State.name)).all())


TOPIC_VOCABULARY = "Voeten issue"


@per_version
def topics(session: Session) -> list[str]:
    """Voeten's issue categories, for the topic filter."""
    return list(
        session.scalars(
            select(ResolutionSubject.term)
            .where(ResolutionSubject.vocabulary == TOPIC_VOCABULARY)
            .distinct()
            .order_by(ResolutionSubject.term)
        )
    )


SUBJECT_VOCABULARY = "UNBIS"
