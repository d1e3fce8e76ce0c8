"""A state's whole record through the admin: a new member state, and a state's record taken back from
data/states.toml (dropping the admin's changes). Changes to single rows are in states.py."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.admin.service import ConflictError
from app.admin.state_checks import (
    StateChangeError,
)
from app.admin.states import refuse_if_stale, snapshot
from app.audit import Actor, record, utcnow
from app.ingest.reference import Reference, reset_state
from app.kit.text import fold
from app.models import (
    Membership,
    RegionalGroup,
    State,
    StateAlias,
    StateName,
    StateStatus,
)


def take_file_record(
    session: Session, actor: Actor, state: State, loaded_version: int | None, reference: Reference
) -> None:
    """Drop the admin's changes to a state and give it its record from data/states.toml, which the
    import then keeps in step again."""
    refuse_if_stale(state, loaded_version)
    if state.code not in reference.states:
        raise StateChangeError(
            "file", "data/states.toml does not list this state: there is no record to take."
        )
    before = snapshot(state)
    try:
        with session.begin_nested():
            reset_state(session, state, reference)
            record(
                session,
                actor,
                "reset_to_file",
                "state",
                state.code,
                "record taken from data/states.toml",
                before,
                snapshot(state),
            )
    except StaleDataError:
        raise ConflictError from None


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
        admin_changed_at=utcnow(),
        names=[StateName(name=name, valid_from=admitted_on, valid_to=None)],
        memberships=[Membership(admitted_on=admitted_on, ended_on=None, note="")],
        aliases=[StateAlias(alias=name, folded=fold(name))],
        suspensions=[],
    )
    session.add(state)
    session.flush()
    record(session, actor, "create", "state", code, name, None, snapshot(state))
    return state
