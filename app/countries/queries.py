"""SQL for member states and their voting records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnExpressionArgument, ScalarSelect, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.ingest.names import fold
from app.models import DecisionKind, Resolution, State, StateAlias, StateName, Vote, VoteChoice
from app.pagination import PageParams


@dataclass(frozen=True)
class RecordEntry:
    resolution: Resolution
    choice: VoteChoice
    name: str  # the state's name on the date


def name_on(
    state_id: ColumnExpressionArgument[int] | int, day: ColumnExpressionArgument[dt.date] | dt.date
) -> ScalarSelect[str]:
    """Scalar subquery: a state's name on a date (NULL before its first dated name)."""
    return (
        select(StateName.name)
        .where(
            StateName.state_id == state_id,
            StateName.valid_from <= day,
            or_(StateName.valid_to.is_(None), StateName.valid_to >= day),
        )
        .limit(1)
        .scalar_subquery()
    )


def list_states(session: Session, q: str = "") -> list[State]:
    """Every state, current and historical, alphabetically; ``q`` matches any name or alias."""
    query = select(State).options(selectinload(State.memberships), selectinload(State.names))
    if q:
        key = f"%{fold(q)}%"
        query = query.where(State.id.in_(select(StateAlias.state_id).where(StateAlias.folded.like(key))))
    return sorted(session.scalars(query).all(), key=lambda s: fold(s.name))


def get_state(session: Session, code: str) -> State | None:
    return session.scalar(
        select(State)
        .options(
            selectinload(State.names),
            selectinload(State.memberships),
            selectinload(State.aliases),
            selectinload(State.suspensions),
        )
        .where(State.code == code.upper())
    )


def voting_record(session: Session, state: State, page: PageParams) -> tuple[list[RecordEntry], int]:
    """A state's votes on resolutions, newest first."""
    base = (
        select(Vote.resolution_id)
        .join(Resolution, Resolution.id == Vote.resolution_id)
        .where(
            Vote.state_id == state.id,
            Resolution.kind == DecisionKind.RESOLUTION,
            Resolution.published.is_(True),
        )
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    name = func.coalesce(name_on(state.id, Resolution.adopted_on), state.name)
    rows = session.execute(
        select(Resolution, Vote.choice, name)
        .join(Vote, and_(Vote.resolution_id == Resolution.id, Vote.state_id == state.id))
        .where(Resolution.kind == DecisionKind.RESOLUTION, Resolution.published.is_(True))
        .order_by(Resolution.adopted_on.desc(), Resolution.id.desc())
        .offset(page.offset)
        .limit(page.per_page)
    ).all()
    return [RecordEntry(resolution, choice, state_name) for resolution, choice, state_name in rows], total


def state_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(select(State.id, State.code)).all())
