"""SQL for the quiz: the questions' resolutions and every state's votes on them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import DecisionKind, Resolution, State, Vote, VoteChoice


def resolutions_by_symbol(session: Session, symbols: list[str]) -> dict[str, Resolution]:
    rows = session.scalars(
        select(Resolution).where(
            Resolution.symbol.in_(symbols),
            Resolution.kind == DecisionKind.RESOLUTION,
            Resolution.published.is_(True),
        )
    )
    return {r.symbol: r for r in rows}


@dataclass(frozen=True)
class StateVote:
    resolution_id: int
    code: str
    name: str  # current (or last) name
    choice: VoteChoice


def votes_on(session: Session, resolution_ids: list[int]) -> list[StateVote]:
    rows = session.execute(
        select(Vote.resolution_id, State.code, State.name, Vote.choice)
        .join(State, State.id == Vote.state_id)
        .where(Vote.resolution_id.in_(resolution_ids))
    ).all()
    return [StateVote(*row) for row in rows]
