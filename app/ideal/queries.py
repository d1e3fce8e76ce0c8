"""SQL for the ideal points: what the fit reads and writes, and what the pages read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import String, delete, func, insert, select, type_coerce
from sqlalchemy.orm import Session

from app.ideal.data import CHOICE_CODES, Item, session_year
from app.ideal.estimate import IntArray
from app.models import (
    Adoption,
    IdealFit,
    IdealItem,
    IdealPoint,
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
    """Every yes, no and abstention on a published recorded vote (non-voting is missing data)."""
    choice = type_coerce(Vote.choice, String)  # the one-letter code, without building a million enums
    result = session.execute(
        select(Vote.resolution_id, Vote.state_id, choice)
        .join(Resolution, Resolution.id == Vote.resolution_id)
        .where(
            Resolution.published.is_(True),
            Resolution.adoption == Adoption.RECORDED_VOTE,
            choice.in_(list(CHOICE_CODES)),
        )
    )
    resolution_ids: list[int] = []
    state_ids: list[int] = []
    codes: list[int] = []
    for rows in result.partitions(50_000):
        for rid, sid, code in rows:
            resolution_ids.append(rid)
            state_ids.append(sid)
            codes.append(CHOICE_CODES[code])
    return VoteArrays(
        np.array(resolution_ids, dtype=np.int64),
        np.array(state_ids, dtype=np.int64),
        np.array(codes, dtype=np.int8),
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
