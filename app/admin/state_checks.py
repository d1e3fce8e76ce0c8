"""The checks a member-state change passes before anything is written: names follow one another and never
leave a vote's day unnamed, two states never share a name on one day, membership periods are in order and
never overlap, a suspension lies inside a membership, and votes the change would contradict are refused
unless the admin says what happens to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from sqlalchemy.orm import Session

from app.admin import state_queries
from app.admin.state_queries import StateVote
from app.ingest.names import Period
from app.kit.text import fold
from app.models import (
    State,
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


def names_cover_votes(votes: Sequence[StateVote], before: Sequence[Span], after: Sequence[Span]) -> None:
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


def unique_on_every_day(session: Session, state: State, span: Span) -> None:
    """Two states never carry one name on the same day (renaming Türkiye "Greece" made two Greeces)."""
    for code, name, start, end in state_queries.names_like(session, fold(span.label), state.id):
        other = Span(start, end or _last_day(session, code), key=None, label=name)
        if other.overlaps(span):
            raise StateChangeError(
                "name",
                f"{name} is the name of {code} from {other.shown()}: two states cannot carry one name "
                "on the same day.",
            )


def _last_day(session: Session, code: str) -> dt.date | None:
    """A dissolved state's last day of membership (its last name ends there, whatever the file says)."""
    other = state_queries.state_by_code(session, code)
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
            state_queries.recount(session, ids)

    return apply, f"; {done}: {_listed(contradicted)}" if contradicted else ""


def membership_votes(
    session: Session, state: State, periods: Sequence[Span], resolve: bool
) -> tuple[Callable[[], None], str]:
    """Check a membership change against the state's votes: refuse it if it leaves votes outside
    membership, unless ``resolve`` (the votes were wrongly recorded: they are removed). Returns what to
    do on saving and what the audit entry adds."""
    votes = state_queries.state_votes(session, state.id)
    contradicted = _new(outside(votes, periods), outside(votes, membership_spans(state)))
    if contradicted and not resolve:
        raise VotesContradictedError(
            "ended_on" if any(p.end for p in periods) else "admitted_on",
            f"{state.name} has {len(contradicted)} recorded vote(s) that this would put outside its "
            f"membership: {_listed(contradicted)}. Correct the dates, or, if these votes were recorded "
            "wrongly, tick the box to remove them.",
            contradicted,
            f"Remove these {len(contradicted)} vote(s) from their roll calls",
        )
    remove = partial(state_queries.delete_state_votes, session, state.id)
    return _fix_votes(session, contradicted, remove, "votes removed")


def suspension_votes(
    session: Session, state: State, suspensions: Sequence[Span], resolve: bool
) -> tuple[Callable[[], None], str]:
    """As membership_votes, for votes cast while suspended: resolved by recording them as non-voting."""
    votes = state_queries.state_votes(session, state.id)
    before = cast_while_suspended(votes, suspension_spans(state))
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
    non_voting = partial(state_queries.set_state_votes, session, state.id, choice=VoteChoice.NON_VOTING)
    return _fix_votes(session, contradicted, non_voting, "recorded as non-voting")


@dataclass(frozen=True)
class Span(Period):
    """One dated row as it would be after the change: ``key`` is the row's id (None for a new row)."""

    key: int | None = None
    label: str = ""

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


def name_spans(state: State) -> list[Span]:
    return [Span(n.valid_from, n.valid_to, key=n.id, label=n.name) for n in state.names]


def membership_spans(state: State) -> list[Span]:
    return [Span(m.admitted_on, m.ended_on, key=m.id) for m in state.memberships]


def suspension_spans(state: State) -> list[Span]:
    return [Span(s.starts_on, s.ends_on, key=s.id) for s in state.suspensions]


def replace_span(spans: list[Span], key: int, new: Span | None) -> list[Span]:
    """The spans with row ``key`` replaced by ``new`` (or removed when ``new`` is None)."""
    return [s for s in spans if s.key != key] + ([new] if new is not None else [])
