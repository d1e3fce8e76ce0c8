"""SQL for the admin's member-state screens: a state's whole record, its votes (to check a change of
membership or suspension against them), names in use, and the votes a change fixes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.collation import name_key
from app.kit.text import fold
from app.models import (
    Resolution,
    State,
    StateName,
    Vote,
    VoteChoice,
)
from app.state_record import WHOLE_RECORD


def state_by_code(session: Session, code: str) -> State | None:
    return session.scalar(select(State).options(*WHOLE_RECORD).where(State.code == code))


@dataclass(frozen=True)
class StateVote:
    """One recorded vote of a state, as a change to its record must respect it."""

    resolution_id: int
    label: str  # the symbol, else the title
    adopted_on: dt.date
    choice: VoteChoice


def state_votes(session: Session, state_id: int) -> list[StateVote]:
    """Every vote row of a state (any decision, drafts included), oldest first."""
    rows = session.execute(
        select(Vote.resolution_id, Resolution.symbol, Resolution.title, Resolution.adopted_on, Vote.choice)
        .join(Resolution, Resolution.id == Vote.resolution_id)
        .where(Vote.state_id == state_id)
        .order_by(Resolution.adopted_on, Resolution.id)
    ).all()
    return [StateVote(rid, symbol or title[:80], day, choice) for rid, symbol, title, day, choice in rows]


def names_like(
    session: Session, folded: str, state_id: int
) -> list[tuple[str, str, dt.date, dt.date | None]]:
    """Other states' names that fold like ``folded``: (code, name, from, to)."""
    rows = session.execute(
        select(State.code, StateName.name, StateName.valid_from, StateName.valid_to, StateName.state_id)
        .join(State, State.id == StateName.state_id)
        .where(StateName.state_id != state_id)
    ).all()
    return [(code, name, start, end) for code, name, start, end, _ in rows if fold(name) == folded]


def delete_state_votes(session: Session, state_id: int, resolution_ids: list[int]) -> None:
    session.execute(delete(Vote).where(Vote.state_id == state_id, Vote.resolution_id.in_(resolution_ids)))


def set_state_votes(session: Session, state_id: int, resolution_ids: list[int], choice: VoteChoice) -> None:
    session.execute(
        update(Vote)
        .where(Vote.state_id == state_id, Vote.resolution_id.in_(resolution_ids))
        .values(choice=choice)
    )


def recount(session: Session, resolution_ids: list[int]) -> None:
    """Bring the stored counts of these resolutions in step with their vote rows (through the ORM, so
    that each one's version moves and readers see the change)."""
    counts: dict[int, dict[VoteChoice, int]] = {rid: {} for rid in resolution_ids}
    for rid, choice, n in session.execute(
        select(Vote.resolution_id, Vote.choice, func.count())
        .where(Vote.resolution_id.in_(resolution_ids))
        .group_by(Vote.resolution_id, Vote.choice)
    ):
        counts[rid][choice] = n
    for resolution in session.scalars(select(Resolution).where(Resolution.id.in_(resolution_ids))):
        c = counts[resolution.id]
        resolution.tally_yes, resolution.tally_no = c.get(VoteChoice.YES, 0), c.get(VoteChoice.NO, 0)
        resolution.tally_abstain = c.get(VoteChoice.ABSTAIN, 0)
        resolution.tally_non_voting = c.get(VoteChoice.NON_VOTING, 0)
    session.flush()


def state_code(session: Session, state_id: int) -> str:
    """A state's code by id ('' if none), e.g. the successor a membership names."""
    return session.scalar(select(State.code).where(State.id == state_id)) or ""


def all_states(session: Session) -> list[State]:
    return sorted(session.scalars(select(State)), key=lambda s: name_key(s.name))
