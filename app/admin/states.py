"""Member-state changes through the admin: a new name, the end of a membership, a suspension of voting
rights (Article 19, or a credentials ruling). Each is one change with its audit entry; the roll-call forms
and the non-voting logic read the same tables, so they follow at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from app.admin.audit import Actor, record
from app.ingest.names import fold
from app.models import Membership, RegionalGroup, State, StateAlias, StateName, StateStatus, Suspension


class StateChangeError(Exception):
    """A change that does not fit the state's record; ``field`` names the form field to blame."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def snapshot(state: State) -> dict[str, Any]:
    return {
        "name": state.name,
        "status": state.status.value,
        "names": [
            [n.name, n.valid_from.isoformat(), n.valid_to and n.valid_to.isoformat()] for n in state.names
        ],
        "memberships": [
            [m.admitted_on.isoformat(), m.ended_on and m.ended_on.isoformat(), m.successor_id, m.note]
            for m in state.memberships
        ],
        "suspensions": sorted(
            [s.starts_on.isoformat(), s.ends_on and s.ends_on.isoformat(), s.note] for s in state.suspensions
        ),
    }


def add_name(session: Session, actor: Actor, state: State, name: str, valid_from: dt.date) -> None:
    """The state is called ``name`` from ``valid_from`` on (Swaziland -> Eswatini, Turkey -> Türkiye)."""
    before = snapshot(state)
    current = next((n for n in state.names if n.valid_to is None), None)
    if current is not None and valid_from <= current.valid_from:
        raise StateChangeError(
            "valid_from",
            f"The current name, {current.name}, is in use since {current.valid_from}: give a later date.",
        )
    if current is not None and current.name == name:
        raise StateChangeError("name", "That is already the state's name.")
    if current is not None:
        current.valid_to = valid_from - dt.timedelta(days=1)
    state.names.append(StateName(name=name, valid_from=valid_from, valid_to=None))
    if fold(name) not in {a.folded for a in state.aliases}:
        state.aliases.append(StateAlias(alias=name, folded=fold(name)))
    state.name = name
    session.flush()
    record(session, actor, "rename", "state", state.code, name, before, snapshot(state))


def end_membership(
    session: Session, actor: Actor, state: State, ended_on: dt.date, successor: State | None, note: str
) -> None:
    """The membership ends on ``ended_on`` (its last day), continued by ``successor`` if any."""
    before = snapshot(state)
    current = next((m for m in state.memberships if m.ended_on is None), None)
    if current is None:
        raise StateChangeError("ended_on", "This state has no open membership to end.")
    if ended_on < current.admitted_on:
        raise StateChangeError(
            "ended_on", f"The membership began on {current.admitted_on}: give a later date."
        )
    if successor is not None and successor.id == state.id:
        raise StateChangeError("successor", "A state does not succeed itself.")
    current.ended_on = ended_on
    current.successor_id = successor.id if successor else None
    current.note = note
    state.status = StateStatus.FORMER
    session.flush()
    record(session, actor, "end_membership", "state", state.code, note, before, snapshot(state))


def add_suspension(
    session: Session, actor: Actor, state: State, starts_on: dt.date, ends_on: dt.date | None, note: str
) -> None:
    """The state cannot vote from ``starts_on`` to ``ends_on`` (inclusive; None while it lasts)."""
    before = snapshot(state)
    if ends_on is not None and ends_on < starts_on:
        raise StateChangeError("ends_on", "The suspension cannot end before it starts.")
    if not any(
        m.admitted_on <= starts_on and (m.ended_on is None or starts_on <= m.ended_on)
        for m in state.memberships
    ):
        raise StateChangeError("starts_on", "The state was not a member on that date.")
    for s in state.suspensions:
        if starts_on <= (s.ends_on or dt.date.max) and s.starts_on <= (ends_on or dt.date.max):
            raise StateChangeError("starts_on", f"Overlaps the suspension from {s.starts_on}.")
    state.suspensions.append(Suspension(starts_on=starts_on, ends_on=ends_on, note=note))
    session.flush()
    record(session, actor, "suspend", "state", state.code, note, before, snapshot(state))


def add_state(
    session: Session,
    actor: Actor,
    code: str,
    name: str,
    iso2: str,
    group: RegionalGroup,
    admitted_on: dt.date,
) -> State:
    """A new member (the first since South Sudan in 2011), admitted on ``admitted_on``."""
    state = State(
        code=code,
        name=name,
        iso2=iso2,
        m49=0,
        regional_group=group,
        group_note="",
        status=StateStatus.MEMBER,
        names=[StateName(name=name, valid_from=admitted_on, valid_to=None)],
        memberships=[Membership(admitted_on=admitted_on, ended_on=None, note="")],
        aliases=[StateAlias(alias=name, folded=fold(name))],
        suspensions=[],
    )
    session.add(state)
    session.flush()
    record(session, actor, "create", "state", code, name, None, snapshot(state))
    return state
