"""Member-state changes through the admin: names, membership periods and suspensions of voting rights
(Article 19, or a credentials ruling), each added, corrected or removed. The roll-call forms and the
non-voting logic read the same tables, so they follow at once.

Every change is checked as a whole before anything is written (names follow one another, periods are in
order and never overlap, a suspension lies inside a membership), compares the state's version with the
one the admin's form carried (optimistic locking), marks the state as changed by an admin (so that an
import of data/states.toml keeps it, see app/ingest/reference.py) and writes one audit entry with the
record before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.admin import state_queries
from app.admin.service import ConflictError
from app.admin.state_checks import (
    Span,
    StateChangeError,
    check_memberships,
    check_names,
    check_suspensions,
    membership_spans,
    membership_votes,
    name_spans,
    names_cover_votes,
    replace_span,
    suspension_spans,
    suspension_votes,
    unique_on_every_day,
)
from app.audit import Actor, record, utcnow
from app.kit.text import fold
from app.models import (
    Membership,
    State,
    StateAlias,
    StateName,
    StateStatus,
    Suspension,
)


def snapshot(state: State) -> dict[str, Any]:
    return {
        "name": state.name,
        "status": state.status.value,
        "version": state.version,
        "names": [
            [n.name, n.valid_from.isoformat(), n.valid_to and n.valid_to.isoformat()]
            for n in sorted(state.names, key=lambda n: n.valid_from)
        ],
        "memberships": [
            [m.admitted_on.isoformat(), m.ended_on and m.ended_on.isoformat(), m.successor_id, m.note]
            for m in sorted(state.memberships, key=lambda m: m.admitted_on)
        ],
        "suspensions": sorted(
            [s.starts_on.isoformat(), s.ends_on and s.ends_on.isoformat(), s.note] for s in state.suspensions
        ),
    }


# Saving ------------------------------------------------------------------------------------------------


def _save(
    session: Session,
    actor: Actor,
    state: State,
    loaded_version: int | None,
    action: str,
    summary: str,
    change: Callable[[], None],
) -> None:
    """Apply an already checked change with its audit entry, or raise ConflictError (nothing written)
    if the state changed since the admin loaded the form."""
    if loaded_version != state.version:
        raise ConflictError
    before = snapshot(state)
    try:
        with session.begin_nested():
            change()
            _derive(state)
            # Also what makes the state's row (and so its version counter) change on every edit.
            state.admin_changed_at = utcnow()
            session.flush()
            record(session, actor, action, "state", state.code, summary, before, snapshot(state))
    except StaleDataError:
        raise ConflictError from None


def _derive(state: State) -> None:
    """The current name and the status follow from the dated records."""
    if state.names:
        state.name = max(state.names, key=lambda n: n.valid_from).name
    if state.memberships and state.status is not StateStatus.OBSERVER:
        last = max(state.memberships, key=lambda m: m.admitted_on)
        state.status = StateStatus.MEMBER if last.ended_on is None else StateStatus.FORMER
    known = {a.folded for a in state.aliases}
    for n in state.names:
        # New spellings are matched in pasted roll calls; old ones stay, as sources still use them.
        if fold(n.name) not in known:
            state.aliases.append(StateAlias(alias=n.name, folded=fold(n.name)))
            known.add(fold(n.name))


class MissingRowError(Exception):
    """The name, membership or suspension the form names is not (or no longer) this state's."""


def refuse_if_stale(state: State, loaded_version: int | None) -> None:
    """Refuse a form loaded before the state's last change, before anything else is looked at."""
    if loaded_version != state.version:
        raise ConflictError


def _row(rows: Sequence[Any], key: int) -> Any:
    found = next((r for r in rows if r.id == key), None)
    if found is None:
        raise MissingRowError
    return found


def recorded_row(state: State, kind: str, key: int) -> StateName | Membership | Suspension:
    """One of the state's recorded names, membership periods or suspensions (``kind`` as in the admin's
    URLs), or MissingRowError: what a removal is asked to confirm."""
    rows: dict[str, Sequence[StateName | Membership | Suspension]] = {
        "names": state.names,
        "memberships": state.memberships,
        "suspensions": state.suspensions,
    }
    if kind not in rows:
        raise MissingRowError
    found: StateName | Membership | Suspension = _row(rows[kind], key)
    return found


# Names -------------------------------------------------------------------------------------------------


def add_name(
    session: Session, actor: Actor, state: State, loaded_version: int | None, name: str, valid_from: dt.date
) -> None:
    """The state is called ``name`` from ``valid_from`` on (Swaziland -> Eswatini, Turkey -> Türkiye)."""
    refuse_if_stale(state, loaded_version)
    current = next((n for n in state.names if n.valid_to is None), None)
    if current is not None and valid_from <= current.valid_from:
        raise StateChangeError(
            "valid_from",
            f"The current name, {current.name}, is in use since {current.valid_from}: give a later date.",
        )
    if current is not None and current.name == name:
        raise StateChangeError("name", "That is already the state's name.")
    unique_on_every_day(session, state, Span(valid_from, None, key=None, label=name))
    spans = name_spans(state)
    if current is not None:
        spans = replace_span(
            spans, current.id, Span(current.valid_from, valid_from - dt.timedelta(1), key=current.id)
        )
    check_names([*spans, Span(valid_from, None, key=None, label=name)], None)

    def change() -> None:
        if current is not None:
            current.valid_to = valid_from - dt.timedelta(days=1)
        state.names.append(StateName(name=name, valid_from=valid_from, valid_to=None))

    _save(session, actor, state, loaded_version, "rename", name, change)


def edit_name(
    session: Session,
    actor: Actor,
    state: State,
    loaded_version: int | None,
    name_id: int,
    name: str,
    valid_from: dt.date,
    valid_to: dt.date | None,
) -> None:
    """Correct a recorded name or its dates."""
    refuse_if_stale(state, loaded_version)
    row: StateName = _row(state.names, name_id)
    after = replace_span(name_spans(state), name_id, Span(valid_from, valid_to, key=name_id, label=name))
    check_names(after, name_id)
    unique_on_every_day(session, state, Span(valid_from, valid_to, key=name_id, label=name))
    names_cover_votes(state_queries.state_votes(session, state.id), name_spans(state), after)

    def change() -> None:
        row.name, row.valid_from, row.valid_to = name, valid_from, valid_to

    _save(session, actor, state, loaded_version, "edit_name", name, change)


def remove_name(
    session: Session, actor: Actor, state: State, loaded_version: int | None, name_id: int
) -> None:
    refuse_if_stale(state, loaded_version)
    row: StateName = _row(state.names, name_id)
    # The name before it is used again until the removed one's end: removing a mistaken rename leaves
    # the state its previous name, still current (it was closed when the mistaken name was added).
    previous = max(
        (n for n in state.names if n.valid_from < row.valid_from), key=lambda n: n.valid_from, default=None
    )
    after = replace_span(name_spans(state), name_id, None)
    if previous is not None:
        after = replace_span(
            after, previous.id, Span(previous.valid_from, row.valid_to, key=previous.id, label=previous.name)
        )
    check_names(after, previous.id if previous else None)
    names_cover_votes(state_queries.state_votes(session, state.id), name_spans(state), after)

    def change() -> None:
        if previous is not None:
            previous.valid_to = row.valid_to
        state.names.remove(row)

    _save(session, actor, state, loaded_version, "remove_name", row.name, change)


# Memberships -------------------------------------------------------------------------------------------


def end_membership(
    session: Session,
    actor: Actor,
    state: State,
    loaded_version: int | None,
    ended_on: dt.date,
    successor: State | None,
    note: str,
    resolve: bool = False,
) -> None:
    """The membership ends on ``ended_on`` (its last day), continued by ``successor`` if any."""
    refuse_if_stale(state, loaded_version)
    current = next((m for m in state.memberships if m.ended_on is None), None)
    if current is None:
        raise StateChangeError("ended_on", "This state has no open membership to end.")
    if ended_on < current.admitted_on:
        raise StateChangeError(
            "ended_on", f"The membership began on {current.admitted_on}: give a later date."
        )
    edit_membership(
        session, actor, state, loaded_version, current.id, current.admitted_on, ended_on, successor, note,
        action="end_membership", resolve=resolve,
    )  # fmt: skip


def edit_membership(
    session: Session,
    actor: Actor,
    state: State,
    loaded_version: int | None,
    membership_id: int,
    admitted_on: dt.date,
    ended_on: dt.date | None,
    successor: State | None,
    note: str,
    action: str = "edit_membership",
    resolve: bool = False,
) -> None:
    """Correct a membership period: its dates, the seat that continued it, its note. ``resolve``: the
    admin's answer to the votes this would leave outside membership (they are removed)."""
    refuse_if_stale(state, loaded_version)
    row: Membership = _row(state.memberships, membership_id)
    if successor is not None and successor.id == state.id:
        raise StateChangeError("successor", "A state does not succeed itself.")
    periods = replace_span(
        membership_spans(state), membership_id, Span(admitted_on, ended_on, key=membership_id)
    )
    check_memberships(periods, suspension_spans(state), membership_id)
    fix_votes, removed = membership_votes(session, state, periods, resolve)

    def change() -> None:
        row.admitted_on, row.ended_on, row.note = admitted_on, ended_on, note
        row.successor_id = successor.id if successor else None
        fix_votes()

    _save(session, actor, state, loaded_version, action, note + removed, change)


def remove_membership(
    session: Session,
    actor: Actor,
    state: State,
    loaded_version: int | None,
    membership_id: int,
    resolve: bool = False,
) -> None:
    refuse_if_stale(state, loaded_version)
    row: Membership = _row(state.memberships, membership_id)
    periods = replace_span(membership_spans(state), membership_id, None)
    check_memberships(periods, suspension_spans(state), None)
    fix_votes, removed = membership_votes(session, state, periods, resolve)
    summary = f"membership from {row.admitted_on.isoformat()}{removed}"

    def change() -> None:
        state.memberships.remove(row)
        fix_votes()

    _save(
        session,
        actor,
        state,
        loaded_version,
        "remove_membership",
        summary,
        change,
    )


# Suspensions -------------------------------------------------------------------------------------------


def add_suspension(
    session: Session,
    actor: Actor,
    state: State,
    loaded_version: int | None,
    starts_on: dt.date,
    ends_on: dt.date | None,
    note: str,
    resolve: bool = False,
) -> None:
    """The state cannot vote from ``starts_on`` to ``ends_on`` (inclusive; None while it lasts).
    ``resolve``: the admin's answer to votes it cast in that period (recorded as non-voting)."""
    refuse_if_stale(state, loaded_version)
    spans = [*suspension_spans(state), Span(starts_on, ends_on, key=None)]
    check_suspensions(spans, membership_spans(state), None)
    fix_votes, changed = suspension_votes(session, state, spans, resolve)

    def change() -> None:
        state.suspensions.append(Suspension(starts_on=starts_on, ends_on=ends_on, note=note))
        fix_votes()

    _save(session, actor, state, loaded_version, "suspend", note + changed, change)


def edit_suspension(
    session: Session,
    actor: Actor,
    state: State,
    loaded_version: int | None,
    suspension_id: int,
    starts_on: dt.date,
    ends_on: dt.date | None,
    note: str,
    resolve: bool = False,
) -> None:
    refuse_if_stale(state, loaded_version)
    row: Suspension = _row(state.suspensions, suspension_id)
    spans = replace_span(suspension_spans(state), suspension_id, Span(starts_on, ends_on, key=suspension_id))
    check_suspensions(spans, membership_spans(state), suspension_id)
    fix_votes, changed = suspension_votes(session, state, spans, resolve)

    def change() -> None:
        row.starts_on, row.ends_on, row.note = starts_on, ends_on, note
        fix_votes()

    _save(session, actor, state, loaded_version, "edit_suspension", note + changed, change)


def remove_suspension(
    session: Session, actor: Actor, state: State, loaded_version: int | None, suspension_id: int
) -> None:
    refuse_if_stale(state, loaded_version)
    row: Suspension = _row(state.suspensions, suspension_id)
    summary = f"suspension from {row.starts_on.isoformat()}"
    _save(
        session,
        actor,
        state,
        loaded_version,
        "remove_suspension",
        summary,
        lambda: state.suspensions.remove(row),
    )
