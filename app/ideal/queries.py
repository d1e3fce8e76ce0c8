"""SQL for the ideal points: what the fit reads and writes, and what the pages read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Select, String, delete, func, insert, select, type_coerce
from sqlalchemy.orm import Session

from app.ideal.data import CHOICE_CODES, Item, session_year
from app.ideal.model import IntArray
from app.models import (
    Adoption,
    IdealFit,
    IdealItem,
    IdealPoint,
    RegionalGroup,
    Resolution,
    SeriesMember,
    State,
    Vote,
)

# --- What the fit reads -------------------------------------------------------------------------


def fit_items(session: Session) -> list[Item]:
    """Published recorded votes, with the session year they count in and their series."""
    rows = session.execute(
        select(
            Resolution.id,
            Resolution.session_kind,
            Resolution.session_number,
            Resolution.adopted_on,
            SeriesMember.series_id,
        )
        .outerjoin(SeriesMember, SeriesMember.resolution_id == Resolution.id)
        .where(Resolution.published.is_(True), Resolution.adoption == Adoption.RECORDED_VOTE)
    ).all()
    return [Item(rid, session_year(kind, number, day), series) for rid, kind, number, day, series in rows]


@dataclass(frozen=True)
class VoteArrays:
    resolution_ids: IntArray
    state_ids: IntArray
    choices: np.ndarray  # int8 codes of app.ideal.estimate


def fit_votes(session: Session) -> VoteArrays:
    """Every yes, no and abstention on a published recorded vote (non-voting is missing data).

    The choice is read as its one-letter code (no enum objects for a million rows) and compared as text:
    written as a CASE over the enum column, the same query took fifteen times as long on SQLite. It runs
    on the session's connection, as a Core statement: the ORM's row handling doubled the read (4.5 s
    against 2.2 s for a million rows)."""
    choice = type_coerce(Vote.choice, String)
    rows = (
        session.connection()
        .execute(
            select(Vote.resolution_id, Vote.state_id, choice)
            .join(Resolution, Resolution.id == Vote.resolution_id)
            .where(
                Resolution.published.is_(True),
                Resolution.adoption == Adoption.RECORDED_VOTE,
                choice.in_(list(CHOICE_CODES)),
            )
        )
        .all()
    )
    return VoteArrays(
        np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
        np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)),
        np.fromiter((CHOICE_CODES[r[2]] for r in rows), dtype=np.int8, count=len(rows)),
    )


def state_id_of(session: Session, code: str) -> int | None:
    return session.scalar(select(State.id).where(State.code == code))


@dataclass(frozen=True)
class StoredFit:
    points: dict[tuple[int, int], float]  # (state id, year) -> ideal point
    items: dict[int, tuple[float, float, float]]  # resolution id -> discrimination, cut_no, cut_yes


def stored_fit(session: Session) -> StoredFit | None:
    """The latest fit's values, to start the next one from; None before the first."""
    points = {
        (s, y): v
        for s, y, v in session.execute(select(IdealPoint.state_id, IdealPoint.year, IdealPoint.ideal_point))
    }
    if not points:
        return None
    items = {
        rid: (b, c1, c2)
        for rid, b, c1, c2 in session.execute(
            select(IdealItem.resolution_id, IdealItem.discrimination, IdealItem.cut_no, IdealItem.cut_yes)
        )
    }
    return StoredFit(points, items)


# --- What the fit writes ------------------------------------------------------------------------


@dataclass(frozen=True)
class PointRow:
    state_id: int
    year: int
    ideal_point: float
    se: float
    votes: int


@dataclass(frozen=True)
class ItemRow:
    resolution_id: int
    year: int
    discrimination: float
    cut_no: float
    cut_yes: float
    bridged: int


def latest_fit(session: Session) -> IdealFit | None:
    return session.scalar(select(IdealFit).order_by(IdealFit.id.desc()).limit(1))


def replace_fit(session: Session, run: IdealFit, points: list[PointRow], items: list[ItemRow]) -> None:
    """Store a fit: the run's record, and every point and vote parameter in place of the last ones."""
    session.execute(delete(IdealPoint))
    session.execute(delete(IdealItem))
    session.add(run)
    if points:
        session.execute(insert(IdealPoint), [p.__dict__ for p in points])
    if items:
        session.execute(insert(IdealItem), [i.__dict__ for i in items])
    session.flush()


def fitted_since(session: Session, started_at: dt.datetime) -> bool:
    """Whether a fit that started after ``started_at`` is already stored (it read newer data)."""
    newest = session.scalar(select(func.max(IdealFit.started_at)))
    return newest is not None and _aware(newest) > started_at


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for DateTime(timezone=True) columns: they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def input_version(session: Session) -> str:
    """Changes whenever the recorded votes or the series (the fit's input) can have changed: imports and
    admin saves insert, delete or update resolutions (updated_at, version), and regroup series."""
    row = session.execute(
        select(
            func.count(Resolution.id),
            func.max(Resolution.id),
            func.max(Resolution.updated_at),
            func.sum(Resolution.version),
            select(func.count()).select_from(SeriesMember).scalar_subquery(),
            select(func.max(SeriesMember.series_id)).scalar_subquery(),
        )
    ).one()
    return "-".join(str(part) for part in row)


# --- What the pages read ------------------------------------------------------------------------


@dataclass(frozen=True)
class PointOut:
    code: str
    name: str
    group: RegionalGroup
    year: int
    ideal_point: float
    se: float
    votes: int


def points(
    session: Session,
    *,
    codes: list[str] | None = None,
    since: int | None = None,
    until: int | None = None,
    group: RegionalGroup | None = None,
) -> list[PointOut]:
    """Stored ideal points, by state code and then year, filtered by states, years or regional group."""
    query = select(
        State.code,
        State.name,
        State.regional_group,
        IdealPoint.year,
        IdealPoint.ideal_point,
        IdealPoint.se,
        IdealPoint.votes,
    ).join(State, State.id == IdealPoint.state_id)
    if codes is not None:
        query = query.where(State.code.in_(codes))
    if since is not None:
        query = query.where(IdealPoint.year >= since)
    if until is not None:
        query = query.where(IdealPoint.year <= until)
    if group is not None:
        query = query.where(State.regional_group == group)
    return [PointOut(*row) for row in session.execute(query.order_by(State.code, IdealPoint.year))]


def years(session: Session) -> list[int]:
    return list(session.scalars(select(IdealPoint.year).distinct().order_by(IdealPoint.year)))


@dataclass(frozen=True)
class FittedVote:
    """A state's vote with what the model expected of it."""

    resolution_id: int
    symbol: str
    title: str
    description: str
    adopted_on: dt.date
    year: int
    choice: str  # Y, N or A
    ideal_point: float
    discrimination: float
    cut_no: float
    cut_yes: float
    code: str
    name: str


def _fitted_votes_query() -> Select[*tuple[Any, ...]]:
    choice = type_coerce(Vote.choice, String)
    return (
        select(
            Resolution.id,
            Resolution.symbol,
            Resolution.title,
            Resolution.description,
            Resolution.adopted_on,
            IdealItem.year,
            choice,
            IdealPoint.ideal_point,
            IdealItem.discrimination,
            IdealItem.cut_no,
            IdealItem.cut_yes,
            State.code,
            State.name,
        )
        .join(IdealItem, IdealItem.resolution_id == Vote.resolution_id)
        .join(Resolution, Resolution.id == Vote.resolution_id)
        .join(IdealPoint, (IdealPoint.state_id == Vote.state_id) & (IdealPoint.year == IdealItem.year))
        .join(State, State.id == Vote.state_id)
        .where(choice.in_(list(CHOICE_CODES)), Resolution.published.is_(True))
    )


def fitted_votes_of_state(session: Session, state_id: int) -> list[FittedVote]:
    """Every vote of a state that the fit used, with its year's ideal point and the vote's parameters."""
    rows = session.execute(_fitted_votes_query().where(Vote.state_id == state_id))
    return [FittedVote(*row) for row in rows]


def fitted_votes_on(session: Session, resolution_id: int) -> list[FittedVote]:
    """Every state's vote on one recorded vote, as the fit saw it (empty if the fit did not use it)."""
    rows = session.execute(_fitted_votes_query().where(Vote.resolution_id == resolution_id))
    return [FittedVote(*row) for row in rows]
