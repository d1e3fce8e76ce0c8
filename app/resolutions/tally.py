"""The figures people are shown for a vote, wherever a tally appears (pages, lists, feeds, cards, embeds,
CSV, API, series): one function, so that an incomplete roll call reads the same everywhere.

A roll call is incomplete when the source (or an admin entering the vote on the day) knows only some
states' votes: 24 February 2026, 107/12/51, of which the reports name two. Its figures are then the
official totals, never the counts of the few votes known, and it says how many states' votes are known
out of the members on the date ("roll call incomplete: 2 of 193 known"). The states whose vote is not
known have no vote row at all: they are shown as not known, never as non-voting or as non-members, and no
statistic counts them.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.data_version import per_version
from app.models import Membership, Resolution


@dataclass(frozen=True)
class ShownTally:
    """The totals to show for one vote, and how much of its roll call is known."""

    yes: int
    no: int
    abstain: int
    non_voting: int | None  # None: not known (an incomplete roll call without an official figure)
    complete: bool
    known: int  # states whose vote is stored
    members: int  # members of the United Nations on the date of the vote

    @property
    def official(self) -> bool:
        """Whether the figures are the official totals rather than the roll call's counts."""
        return not self.complete

    @property
    def unknown(self) -> int:
        return max(0, self.members - self.known)

    @property
    def note(self) -> str:
        """'roll call incomplete: 2 of 193 known', or '' for a complete roll call."""
        if self.complete:
            return ""
        return f"roll call incomplete: {self.known:,} of {self.members:,} known"

    def as_tuple(self) -> tuple[int, int, int, int | None]:
        return (self.yes, self.no, self.abstain, self.non_voting)

    def words(self) -> str:
        """'107 in favour, 12 against, 51 abstaining' (non-voting only where known), with the note."""
        parts = [f"{self.yes:,} in favour", f"{self.no:,} against", f"{self.abstain:,} abstaining"]
        if self.non_voting is not None:
            parts.append(f"{self.non_voting:,} non-voting")
        return ", ".join(parts) + (f" ({self.note})" if self.note else "")


def known_votes(resolution: Resolution) -> int:
    """How many states' votes the stored roll call holds (its counts are kept in step with its rows)."""
    return resolution.tally_yes + resolution.tally_no + resolution.tally_abstain + resolution.tally_non_voting


def shown_tally(resolution: Resolution, members: int) -> ShownTally:
    """The figures of one vote; ``members`` is the number of members on its date (MemberCount)."""
    known = known_votes(resolution)
    if resolution.roll_call_complete or resolution.official_yes is None:
        figures: tuple[int, int, int, int | None] = (
            resolution.tally_yes,
            resolution.tally_no,
            resolution.tally_abstain,
            resolution.tally_non_voting,
        )
    else:
        figures = (
            resolution.official_yes,
            resolution.official_no or 0,
            resolution.official_abstain or 0,
            resolution.official_non_voting,
        )
    # A roll call marked complete lists every member; its "known" is everyone the list covers.
    return ShownTally(
        *figures,
        complete=resolution.roll_call_complete,
        known=known,
        members=known if resolution.roll_call_complete else max(members, known),
    )


@dataclass(frozen=True)
class MemberCount:
    """How many states were members on a date, from the membership periods (~200 rows, read once per
    data version): two bisects per date."""

    admitted: list[dt.date]  # sorted
    ended: list[dt.date]  # sorted last days of membership (periods still open are not in it)

    def on(self, day: dt.date) -> int:
        return bisect.bisect_right(self.admitted, day) - bisect.bisect_left(self.ended, day)


@per_version
def member_count(session: Session) -> MemberCount:
    rows = session.execute(select(Membership.admitted_on, Membership.ended_on)).all()
    return MemberCount(admitted=sorted(a for a, _ in rows), ended=sorted(e for _, e in rows if e is not None))


def tally_of(session: Session) -> Callable[[Resolution], ShownTally]:
    """For templates and lists: the shown tally of any resolution. The membership is read at most once,
    and only if an incomplete roll call is shown (a complete one counts its own rows)."""
    count: MemberCount | None = None

    def shown(resolution: Resolution) -> ShownTally:
        nonlocal count
        if resolution.roll_call_complete:
            return shown_tally(resolution, 0)
        if count is None:
            count = member_count(session)
        return shown_tally(resolution, count.on(resolution.adopted_on))

    return shown


def tallies_of(session: Session, resolutions: Iterable[Resolution]) -> dict[int, ShownTally]:
    """The shown tallies of the resolutions a page lists, by resolution id: data for its context."""
    shown = tally_of(session)
    return {r.id: shown(r) for r in resolutions}
