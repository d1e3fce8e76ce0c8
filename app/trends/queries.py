"""SQL for the trends page: resolutions per year, by how they were adopted, with their roll-call counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.orm import Session

from app.models import Adoption, DecisionKind, Resolution


@dataclass(frozen=True)
class YearCounts:
    year: int
    recorded: int  # resolutions adopted (or put) to a recorded vote
    without_vote: int  # resolutions adopted without a vote
    complete: int  # recorded votes with a complete roll call (the margin and unanimity are over these)
    unanimous: int  # of those, with no vote against and no abstention
    margin_sum: float  # sum over those of (yes - no) / (yes + no + abstain)


def year_counts(session: Session) -> list[YearCounts]:
    """Published resolutions (not Voeten's separate votes on amendments and paragraphs) per calendar year."""
    r = Resolution
    year = cast(func.extract("year", r.adopted_on), Integer)
    recorded = r.adoption == Adoption.RECORDED_VOTE
    complete = and_(
        recorded, r.roll_call_complete.is_(True), (r.tally_yes + r.tally_no + r.tally_abstain) > 0
    )
    cast_votes = r.tally_yes + r.tally_no + r.tally_abstain
    rows = session.execute(
        select(
            year,
            func.sum(case((recorded, 1), else_=0)),
            func.sum(case((r.adoption == Adoption.WITHOUT_VOTE, 1), else_=0)),
            func.sum(case((complete, 1), else_=0)),
            func.sum(case((and_(complete, r.tally_no == 0, r.tally_abstain == 0), 1), else_=0)),
            func.sum(case((complete, (r.tally_yes - r.tally_no) * 1.0 / cast_votes), else_=0.0)),
        )
        .where(r.kind == DecisionKind.RESOLUTION, r.published.is_(True))
        .group_by(year)
        .order_by(year)
    ).all()
    return [
        YearCounts(int(y), int(rec or 0), int(wov or 0), int(comp or 0), int(un or 0), float(m or 0))
        for y, rec, wov, comp, un, m in rows
    ]


def first_without_vote(session: Session) -> dt.date | None:
    """The date of the first resolution adopted without a vote in the data: from then on the data lists
    every resolution, so the share taken by recorded vote can be computed."""
    return session.scalar(
        select(func.min(Resolution.adopted_on)).where(
            Resolution.kind == DecisionKind.RESOLUTION,
            Resolution.published.is_(True),
            Resolution.adoption == Adoption.WITHOUT_VOTE,
        )
    )


def last_decision(session: Session) -> dt.date | None:
    return session.scalar(select(func.max(Resolution.adopted_on)).where(Resolution.published.is_(True)))
