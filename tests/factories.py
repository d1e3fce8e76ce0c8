"""Small factories for the fast tier (tests marked ``empty_database``): what a test needs, made in its own
rolled-back transaction on the empty migrated database, with defaults, each flushed so it has its id.

The real-history tests do not need them: they read the whole shipped history (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.admin.accounts import create_account
from app.models import (
    AdminUser,
    Adoption,
    DataSource,
    DecisionKind,
    Membership,
    RegionalGroup,
    Resolution,
    SessionKind,
    SourceKind,
    State,
    StateName,
    StateStatus,
    Vote,
    VoteChoice,
)

PASSWORD = "long enough and uncommon 42"


def admin(db: Session, name: str = "ada", password: str = PASSWORD) -> AdminUser:
    """An admin account, made as `unga create-admin` makes one (the password policy applies)."""
    return create_account(db, name, password)


def state(
    db: Session,
    code: str = "UKR",
    name: str = "Ukraine",
    *,
    admitted_on: dt.date = dt.date(1945, 10, 24),
    group: RegionalGroup = RegionalGroup.EASTERN_EUROPEAN,
) -> State:
    """A member state since ``admitted_on``, known by one name since then."""
    made = State(code=code, name=name, regional_group=group, status=StateStatus.MEMBER)
    db.add(made)
    db.flush()
    db.add_all(
        [
            StateName(state_id=made.id, name=name, valid_from=admitted_on),
            Membership(state_id=made.id, admitted_on=admitted_on),
        ]
    )
    db.flush()
    return made


def resolution(
    db: Session,
    symbol: str = "A/RES/ES-11/1",
    *,
    title: str = "Aggression against Ukraine",
    adopted_on: dt.date = dt.date(2022, 3, 2),
    votes: dict[State, VoteChoice] | None = None,
    published: bool = True,
) -> Resolution:
    """A resolution of the eleventh emergency special session; adopted by a recorded vote when ``votes``
    are given (its tallies counted from them), else without a vote."""
    source = DataSource(kind=SourceKind.ADMIN, name=f"factory {symbol}", sha256=symbol.encode().hex()[:64])
    db.add(source)
    db.flush()
    votes = votes or {}
    counts = {choice: sum(1 for c in votes.values() if c is choice) for choice in VoteChoice}
    made = Resolution(
        symbol=symbol,
        kind=DecisionKind.RESOLUTION,
        title=title,
        adopted_on=adopted_on,
        session_kind=SessionKind.EMERGENCY_SPECIAL,
        session_number=11,
        adoption=Adoption.RECORDED_VOTE if votes else Adoption.WITHOUT_VOTE,
        adopted=True,
        tally_yes=counts[VoteChoice.YES],
        tally_no=counts[VoteChoice.NO],
        tally_abstain=counts[VoteChoice.ABSTAIN],
        tally_non_voting=counts[VoteChoice.NON_VOTING],
        roll_call_complete=bool(votes),
        source_id=source.id,
        content_hash="",
        published=published,
    )
    db.add(made)
    db.flush()
    db.add_all(Vote(resolution_id=made.id, state_id=s.id, choice=c) for s, c in votes.items())
    db.flush()
    return made
