"""SQL for series of recurring resolutions. Routes never build queries; they call these."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Adoption,
    DecisionKind,
    Resolution,
    Series,
    SeriesMember,
    SessionKind,
    State,
    Vote,
    VoteChoice,
)
from app.pagination import PageParams


@dataclass(frozen=True)
class CandidateRow:
    id: int
    symbol: str
    session: int
    kind: DecisionKind
    title: str
    description: str
    agenda_title: str
    year: int


# What is grouped into series: published recorded votes of regular sessions on whole texts.
GROUPED_KINDS = (DecisionKind.RESOLUTION, DecisionKind.SEPARATE)
GroupingKey = tuple[object, ...] | None


def grouping_key(resolution: Resolution | None) -> GroupingKey:
    """What ``candidate_rows`` reads of one record, None if it is not grouped: when a save leaves this
    unchanged, the series cannot change (app.admin.service.refresh_public)."""
    if resolution is None or not (
        resolution.published
        and resolution.kind in GROUPED_KINDS
        and resolution.adoption is Adoption.RECORDED_VOTE
        and resolution.session_kind is SessionKind.REGULAR
    ):
        return None
    return (
        resolution.symbol,
        resolution.session_number,
        resolution.kind,
        resolution.title,
        resolution.description,
        resolution.agenda_title,
        resolution.adopted_on,
    )


def candidate_rows(session: Session) -> list[CandidateRow]:
    """Published recorded votes of regular sessions on whole texts, oldest session first (the records
    ``grouping_key`` reads)."""
    rows = session.execute(
        select(
            Resolution.id,
            Resolution.symbol,
            Resolution.session_number,
            Resolution.kind,
            Resolution.title,
            Resolution.description,
            Resolution.agenda_title,
            Resolution.adopted_on,
        )
        .where(
            Resolution.published.is_(True),
            Resolution.kind.in_(GROUPED_KINDS),
            Resolution.adoption == Adoption.RECORDED_VOTE,
            Resolution.session_kind == SessionKind.REGULAR,
        )
        .order_by(Resolution.session_number, Resolution.adopted_on, Resolution.id)
    ).all()
    return [CandidateRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7].year) for r in rows]


@dataclass(frozen=True)
class NewSeries:
    slug: str
    title: str
    search_text: str
    first_year: int
    last_year: int
    member_ids: list[int]  # oldest first


def stored_series(session: Session) -> list[NewSeries]:
    """The series as stored, in the order ``replace_series`` numbered them."""
    members: dict[int, list[int]] = {}
    for series_id, resolution_id in session.execute(
        select(SeriesMember.series_id, SeriesMember.resolution_id).order_by(
            SeriesMember.series_id, SeriesMember.position
        )
    ):
        members.setdefault(series_id, []).append(resolution_id)
    rows = session.execute(
        select(
            Series.id, Series.slug, Series.title, Series.search_text, Series.first_year, Series.last_year
        ).order_by(Series.id)
    )
    return [
        NewSeries(slug, title, text, first, last, members.get(id_, []))
        for id_, slug, title, text, first, last in rows
    ]


def replace_series(session: Session, series: list[NewSeries]) -> None:
    """Rewrite both series tables (a few thousand rows: plain bulk inserts are quick enough)."""
    session.execute(delete(SeriesMember))
    session.execute(delete(Series))
    if not series:
        return
    session.execute(
        insert(Series),
        [
            {
                "id": number,
                "slug": s.slug,
                "title": s.title,
                "search_text": s.search_text,
                "member_count": len(s.member_ids),
                "first_year": s.first_year,
                "last_year": s.last_year,
                "latest_id": s.member_ids[-1],
            }
            for number, s in enumerate(series, start=1)
        ],
    )
    session.execute(
        insert(SeriesMember),
        [
            {"series_id": number, "resolution_id": rid, "position": position}
            for number, s in enumerate(series, start=1)
            for position, rid in enumerate(s.member_ids, start=1)
        ],
    )


def _like_words(words: list[str]) -> list[ColumnElement[bool]]:
    escaped = (w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words)
    return [Series.search_text.like(f"%{w}%", escape="\\") for w in escaped]


def list_series(session: Session, words: list[str], page: PageParams) -> tuple[list[Series], int]:
    """Series whose members' titles contain every word, most recent and longest first, with the total."""
    conditions = _like_words(words)
    total = session.scalar(select(func.count()).select_from(Series).where(*conditions)) or 0
    rows = session.scalars(
        select(Series)
        .options(selectinload(Series.latest))
        .where(*conditions)
        .order_by(Series.last_year.desc(), Series.member_count.desc(), Series.id)
        .offset(page.offset)
        .limit(page.per_page)
    )
    return list(rows), total


def get_series(session: Session, slug: str) -> Series | None:
    return session.scalar(select(Series).options(selectinload(Series.latest)).where(Series.slug == slug))


def members(session: Session, series: Series) -> list[Resolution]:
    """The series' recorded votes, oldest first."""
    return list(
        session.scalars(
            select(Resolution)
            .join(SeriesMember, SeriesMember.resolution_id == Resolution.id)
            .where(SeriesMember.series_id == series.id)
            .order_by(SeriesMember.position)
        )
    )


@dataclass(frozen=True)
class MemberVote:
    resolution_id: int
    code: str
    name: str  # the state's current (or last) name: one name per row of the switches table
    choice: VoteChoice


def member_votes(session: Session, series: Series) -> list[MemberVote]:
    """Every state's vote on every member of the series."""
    rows = session.execute(
        select(Vote.resolution_id, State.code, State.name, Vote.choice)
        .join(State, State.id == Vote.state_id)
        .join(SeriesMember, SeriesMember.resolution_id == Vote.resolution_id)
        .where(SeriesMember.series_id == series.id)
    ).all()
    return [MemberVote(*row) for row in rows]
