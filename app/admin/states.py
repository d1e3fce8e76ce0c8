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
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.admin import queries
from app.admin.audit import Actor, record, utcnow
from app.admin.queries import StateVote
from app.admin.service import ConflictError
from app.ingest.reference import Reference, reset_state
from app.kit.text import fold
from app.models import (
    Membership,
    RegionalGroup,
    State,
    StateAlias,
    StateName,
    StateStatus,
    Suspension,
    VoteChoice,
)


class StateChangeError(Exception):
    """A change that does not fit the state's record; ``field`` names the form field to blame."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class VotesContradictedError(StateChangeError):
    """A change that would contradict votes stored for the state: refused, with the votes, unless the
    admin says what happens to them (``resolution``: what saying so would do)."""

    def __init__(self, field: str, message: str, votes: Sequence[StateVote], resolution: str) -> None:
        super().__init__(field, message)
        self.votes = list(votes)
        self.resolution = resolution


# The form's answer to a VotesContradictedError: do what its ``resolution`` says.
RESOLVE = "resolve"
SHOWN_VOTES = 20


def _listed(votes: Sequence[StateVote]) -> str:
    shown = ", ".join(f"{v.label} ({v.adopted_on.isoformat()})" for v in votes[:SHOWN_VOTES])
    more = len(votes) - SHOWN_VOTES
    return shown + (f" and {more} more" if more > 0 else "")


def outside(votes: Sequence[StateVote], periods: Sequence[Span]) -> list[StateVote]:
    """Votes on a day no membership period covers."""
    return [v for v in votes if not any(p.covers(v.adopted_on) for p in periods)]


def cast_while_suspended(votes: Sequence[StateVote], suspensions: Sequence[Span]) -> list[StateVote]:
    """Votes cast (in favour, against, abstaining) on a day the state had lost its vote."""
    return [
        v
        for v in votes
        if v.choice is not VoteChoice.NON_VOTING and any(s.covers(v.adopted_on) for s in suspensions)
    ]


def _new(after: list[StateVote], before: list[StateVote]) -> list[StateVote]:
    """What a change would contradict that the record did not already (the sources date some votes a
    few days outside their state's membership: those are not the admin's doing)."""
    known = {v.resolution_id for v in before}
    return [v for v in after if v.resolution_id not in known]


def _names_cover_votes(votes: Sequence[StateVote], before: Sequence[Span], after: Sequence[Span]) -> None:
    """A vote is shown under the state's name on its day: a name change may not leave such a day
    without a name."""

    def unnamed(spans: Sequence[Span]) -> list[StateVote]:
        return [v for v in votes if not any(s.covers(v.adopted_on) for s in spans)]

    missing = _new(unnamed(after), unnamed(before))
    if missing:
        raise StateChangeError(
            "valid_from",
            f"The state would have no name on the day of {len(missing)} of its votes: "
            f"{_listed(missing)}. Keep its names' dates around its votes.",
        )


def _unique_on_every_day(session: Session, state: State, span: Span) -> None:
    """Two states never carry one name on the same day (renaming Türkiye "Greece" made two Greeces)."""
    for code, name, start, end in queries.names_like(session, fold(span.label), state.id):
        other = Span(None, start, end or _last_day(session, code), name)
        if other.overlaps(span):
            raise StateChangeError(
                "name",
                f"{name} is the name of {code} from {other.shown()}: two states cannot carry one name "
                "on the same day.",
            )


def _last_day(session: Session, code: str) -> dt.date | None:
    """A dissolved state's last day of membership (its last name ends there, whatever the file says)."""
    other = queries.state_by_code(session, code)
    if other is None or not other.memberships or any(m.ended_on is None for m in other.memberships):
        return None
    return max(m.ended_on for m in other.memberships if m.ended_on is not None)


def _fix_votes(
    session: Session,
    contradicted: list[StateVote],
    change: Callable[[list[int]], None],
    done: str,
) -> tuple[Callable[[], None], str]:
    """What to do to the contradicted votes on saving, and what the audit entry says of it."""

    def apply() -> None:
        ids = [v.resolution_id for v in contradicted]
        if ids:
            change(ids)
            queries.recount(session, ids)

    return apply, f"; {done}: {_listed(contradicted)}" if contradicted else ""


def _membership_votes(
    session: Session, state: State, periods: Sequence[Span], resolve: bool
) -> tuple[Callable[[], None], str]:
    """Check a membership change against the state's votes: refuse it if it leaves votes outside
    membership, unless ``resolve`` (the votes were wrongly recorded: they are removed). Returns what to
    do on saving and what the audit entry adds."""
    votes = queries.state_votes(session, state.id)
    contradicted = _new(outside(votes, periods), outside(votes, _membership_spans(state)))
    if contradicted and not resolve:
        raise VotesContradictedError(
            "ended_on" if any(p.end for p in periods) else "admitted_on",
            f"{state.name} has {len(contradicted)} recorded vote(s) that this would put outside its "
            f"membership: {_listed(contradicted)}. Correct the dates, or, if these votes were recorded "
            "wrongly, tick the box to remove them.",
            contradicted,
            f"Remove these {len(contradicted)} vote(s) from their roll calls",
        )
    remove = partial(queries.delete_state_votes, session, state.id)
    return _fix_votes(session, contradicted, remove, "votes removed")


def _suspension_votes(
    session: Session, state: State, suspensions: Sequence[Span], resolve: bool
) -> tuple[Callable[[], None], str]:
    """As _membership_votes, for votes cast while suspended: resolved by recording them as non-voting."""
    votes = queries.state_votes(session, state.id)
    before = cast_while_suspended(votes, _suspension_spans(state))
    contradicted = _new(cast_while_suspended(votes, suspensions), before)
    if contradicted and not resolve:
        raise VotesContradictedError(
            "starts_on",
            f"{state.name} voted {len(contradicted)} time(s) in this period: {_listed(contradicted)}. "
            "Correct the dates, or, if it had in fact lost its vote, tick the box to record these votes "
            "as non-voting.",
            contradicted,
            f"Record these {len(contradicted)} vote(s) as non-voting",
        )
    non_voting = partial(queries.set_state_votes, session, state.id, choice=VoteChoice.NON_VOTING)
    return _fix_votes(session, contradicted, non_voting, "recorded as non-voting")


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


# Checks on a proposed record ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """One dated row as it would be after the change: ``key`` is the row's id (None for a new row)."""

    key: int | None
    start: dt.date
    end: dt.date | None  # inclusive; None while it lasts
    label: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Span) -> bool:
        return self.start <= (other.end or dt.date.max) and other.start <= (self.end or dt.date.max)

    def shown(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat() if self.end else 'today'}"


def _first_overlap(spans: Sequence[Span], changed: int | None) -> Span | None:
    """A span that overlaps another, preferring to name the one that is not the changed row (key
    ``changed``; a new row's key is None)."""
    for i, a in enumerate(spans):
        for b in spans[i + 1 :]:
            if a.overlaps(b):
                return a if b.key == changed else b
    return None


def check_names(names: Sequence[Span], changed: int | None) -> None:
    if not names:
        raise StateChangeError("name", "A state keeps at least one name: correct this one instead.")
    for span in names:
        if span.end is not None and span.end < span.start:
            raise StateChangeError("valid_to", "A name cannot stop being used before it starts.")
    other = _first_overlap(sorted(names, key=lambda s: s.start), changed)
    if other is not None:
        raise StateChangeError(
            "valid_from", f"Overlaps the name {other.label} ({other.shown()}): names follow one another."
        )


def check_memberships(periods: Sequence[Span], suspensions: Sequence[Span], changed: int | None) -> None:
    if not periods:
        raise StateChangeError(
            "admitted_on", "A member or former member keeps at least one membership period."
        )
    for span in periods:
        if span.end is not None and span.end < span.start:
            raise StateChangeError("ended_on", "A membership cannot end before it begins.")
    ordered = sorted(periods, key=lambda s: s.start)
    other = _first_overlap(ordered, changed)
    if other is not None:
        raise StateChangeError("admitted_on", f"Overlaps the membership {other.shown()}.")
    for suspension in suspensions:
        if not any(p.covers(suspension.start) for p in ordered):
            raise StateChangeError(
                "admitted_on",
                f"The suspension from {suspension.start.isoformat()} would fall outside membership: "
                "correct or remove it first.",
            )


def check_suspensions(suspensions: Sequence[Span], periods: Sequence[Span], changed: int | None) -> None:
    for span in suspensions:
        if span.end is not None and span.end < span.start:
            raise StateChangeError("ends_on", "The suspension cannot end before it starts.")
        if span.key == changed and not any(p.covers(span.start) for p in periods):
            raise StateChangeError("starts_on", "The state was not a member on that date.")
    other = _first_overlap(sorted(suspensions, key=lambda s: s.start), changed)
    if other is not None:
        raise StateChangeError("starts_on", f"Overlaps the suspension from {other.start.isoformat()}.")


def _name_spans(state: State) -> list[Span]:
    return [Span(n.id, n.valid_from, n.valid_to, n.name) for n in state.names]


def _membership_spans(state: State) -> list[Span]:
    return [Span(m.id, m.admitted_on, m.ended_on) for m in state.memberships]


def _suspension_spans(state: State) -> list[Span]:
    return [Span(s.id, s.starts_on, s.ends_on) for s in state.suspensions]


def _replace(spans: list[Span], key: int, new: Span | None) -> list[Span]:
    """The spans with row ``key`` replaced by ``new`` (or removed when ``new`` is None)."""
    return [s for s in spans if s.key != key] + ([new] if new is not None else [])


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


def _fresh(state: State, loaded_version: int | None) -> None:
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
    _fresh(state, loaded_version)
    current = next((n for n in state.names if n.valid_to is None), None)
    if current is not None and valid_from <= current.valid_from:
        raise StateChangeError(
            "valid_from",
            f"The current name, {current.name}, is in use since {current.valid_from}: give a later date.",
        )
    if current is not None and current.name == name:
        raise StateChangeError("name", "That is already the state's name.")
    _unique_on_every_day(session, state, Span(None, valid_from, None, name))
    spans = _name_spans(state)
    if current is not None:
        spans = _replace(
            spans, current.id, Span(current.id, current.valid_from, valid_from - dt.timedelta(1))
        )
    check_names([*spans, Span(None, valid_from, None, name)], None)

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
    _fresh(state, loaded_version)
    row: StateName = _row(state.names, name_id)
    after = _replace(_name_spans(state), name_id, Span(name_id, valid_from, valid_to, name))
    check_names(after, name_id)
    _unique_on_every_day(session, state, Span(name_id, valid_from, valid_to, name))
    _names_cover_votes(queries.state_votes(session, state.id), _name_spans(state), after)

    def change() -> None:
        row.name, row.valid_from, row.valid_to = name, valid_from, valid_to

    _save(session, actor, state, loaded_version, "edit_name", name, change)


def remove_name(
    session: Session, actor: Actor, state: State, loaded_version: int | None, name_id: int
) -> None:
    _fresh(state, loaded_version)
    row: StateName = _row(state.names, name_id)
    # The name before it is used again until the removed one's end: removing a mistaken rename leaves
    # the state its previous name, still current (it was closed when the mistaken name was added).
    previous = max(
        (n for n in state.names if n.valid_from < row.valid_from), key=lambda n: n.valid_from, default=None
    )
    after = _replace(_name_spans(state), name_id, None)
    if previous is not None:
        after = _replace(
            after, previous.id, Span(previous.id, previous.valid_from, row.valid_to, previous.name)
        )
    check_names(after, previous.id if previous else None)
    _names_cover_votes(queries.state_votes(session, state.id), _name_spans(state), after)

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
    _fresh(state, loaded_version)
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
    _fresh(state, loaded_version)
    row: Membership = _row(state.memberships, membership_id)
    if successor is not None and successor.id == state.id:
        raise StateChangeError("successor", "A state does not succeed itself.")
    periods = _replace(_membership_spans(state), membership_id, Span(membership_id, admitted_on, ended_on))
    check_memberships(periods, _suspension_spans(state), membership_id)
    fix_votes, removed = _membership_votes(session, state, periods, resolve)

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
    _fresh(state, loaded_version)
    row: Membership = _row(state.memberships, membership_id)
    periods = _replace(_membership_spans(state), membership_id, None)
    check_memberships(periods, _suspension_spans(state), None)
    fix_votes, removed = _membership_votes(session, state, periods, resolve)
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
    _fresh(state, loaded_version)
    spans = [*_suspension_spans(state), Span(None, starts_on, ends_on)]
    check_suspensions(spans, _membership_spans(state), None)
    fix_votes, changed = _suspension_votes(session, state, spans, resolve)

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
    _fresh(state, loaded_version)
    row: Suspension = _row(state.suspensions, suspension_id)
    spans = _replace(_suspension_spans(state), suspension_id, Span(suspension_id, starts_on, ends_on))
    check_suspensions(spans, _membership_spans(state), suspension_id)
    fix_votes, changed = _suspension_votes(session, state, spans, resolve)

    def change() -> None:
        row.starts_on, row.ends_on, row.note = starts_on, ends_on, note
        fix_votes()

    _save(session, actor, state, loaded_version, "edit_suspension", note + changed, change)


def remove_suspension(
    session: Session, actor: Actor, state: State, loaded_version: int | None, suspension_id: int
) -> None:
    _fresh(state, loaded_version)
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


# The reference file -----------------------------------------------------------------------------------


def take_file_record(
    session: Session, actor: Actor, state: State, loaded_version: int | None, reference: Reference
) -> None:
    """Drop the admin's changes to a state and give it its record from data/states.toml, which the
    import then keeps in step again."""
    _fresh(state, loaded_version)
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


# A new state -------------------------------------------------------------------------------------------


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
