"""SQL for how states voted on one resolution: its roll call, the members with no vote known, and the
statements of intended vote (for a resolution, or by a state)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from app.collation import name_key
from app.data_version import per_version
from app.dated_names import name_on
from app.models import (
    Adoption,
    Membership,
    RegionalGroup,
    Resolution,
    State,
    Vote,
    VoteChoice,
    VoteIntention,
)


@dataclass(frozen=True)
class RollCallEntry:
    code: str
    name: str  # the state's name on the date of the vote
    choice: VoteChoice
    regional_group: RegionalGroup = RegionalGroup.NONE


@dataclass(frozen=True)
class MemberEntry:
    """A member on the date of a vote whose vote is not known (an incomplete roll call)."""

    code: str
    name: str  # the state's name on the date of the vote
    regional_group: RegionalGroup = RegionalGroup.NONE


@dataclass(frozen=True)
class IntendedVote:
    """A state's later statement of how it meant to vote, shown beside its official vote (which stays
    what is counted). ``official`` is None when the roll call lacks that state's vote."""

    code: str
    name: str  # the state's name on the date of the vote
    official: VoteChoice | None
    intended: VoteChoice
    statement: str
    stated_on: dt.date | None
    symbol: str = ""
    adopted_on: dt.date | None = None


def roll_call(session: Session, resolution: Resolution) -> list[RollCallEntry]:
    """Every state's vote, with its name as it was on the day, in alphabetical order of that name."""
    name = name_on(Vote.state_id, resolution.adopted_on)
    rows = session.execute(
        select(State.code, func.coalesce(name, State.name), Vote.choice, State.regional_group)
        .join(State, State.id == Vote.state_id)
        .where(Vote.resolution_id == resolution.id)
    ).all()
    entries = [RollCallEntry(code, state_name, choice, group) for code, state_name, choice, group in rows]
    return sorted(entries, key=lambda e: name_key(e.name))


def votes_not_known(session: Session, resolution: Resolution) -> list[MemberEntry]:
    """The members on the date whose vote an incomplete roll call lacks, by their names then. Empty for a
    complete roll call (a member in no list did not vote) and for a text adopted without a vote."""
    if resolution.roll_call_complete or resolution.adoption is Adoption.WITHOUT_VOTE:
        return []
    day = resolution.adopted_on
    members = select(Membership.state_id).where(
        Membership.admitted_on <= day, or_(Membership.ended_on.is_(None), Membership.ended_on >= day)
    )
    voted = select(Vote.state_id).where(Vote.resolution_id == resolution.id)
    rows = session.execute(
        select(State.code, func.coalesce(name_on(State.id, day), State.name), State.regional_group).where(
            State.id.in_(members), State.id.not_in(voted)
        )
    ).all()
    return sorted(
        (MemberEntry(code, name, group) for code, name, group in rows), key=lambda m: name_key(m.name)
    )


def _intended_votes(session: Session, *conditions: ColumnElement[bool]) -> list[IntendedVote]:
    name = func.coalesce(name_on(VoteIntention.state_id, Resolution.adopted_on), State.name)
    rows = session.execute(
        select(
            State.code,
            name,
            Vote.choice,
            VoteIntention.intended,
            VoteIntention.statement,
            VoteIntention.stated_on,
            Resolution.symbol,
            Resolution.adopted_on,
        )
        .join(State, State.id == VoteIntention.state_id)
        .join(Resolution, Resolution.id == VoteIntention.resolution_id)
        .outerjoin(
            Vote,
            and_(Vote.resolution_id == VoteIntention.resolution_id, Vote.state_id == VoteIntention.state_id),
        )
        .where(*conditions)
        .order_by(Resolution.adopted_on.desc(), Resolution.id.desc())
    ).all()
    return [IntendedVote(*row) for row in rows]


def intended_votes(session: Session, resolution_id: int) -> list[IntendedVote]:
    """The statements of intended vote recorded for a resolution, by the states' names on the day."""
    found = _intended_votes(session, VoteIntention.resolution_id == resolution_id)
    return sorted(found, key=lambda v: name_key(v.name))


@per_version
def _states_with_intended_votes(session: Session) -> frozenset[int]:
    return frozenset(session.scalars(select(VoteIntention.state_id).distinct()))


def intended_votes_of(session: Session, state_id: int) -> list[IntendedVote]:
    """A state's statements of intended vote on published resolutions, newest vote first."""
    if state_id not in _states_with_intended_votes(session):  # most states: no query (1.4 ms) at all
        return []
    return _intended_votes(session, VoteIntention.state_id == state_id, Resolution.published.is_(True))
