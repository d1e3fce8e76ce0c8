"""Matching the sources' spellings of state names to seats, date-aware.

Sources spell the same state many ways (TÜRKİYE, TURKIYE, Türkiye; Côte d’Ivoire, COTE D'IVOIRE), and one
spelling can mean different seats at different dates ("Yugoslavia" is the SFRY until 1992 and Serbia's
seat from 2000). A name therefore resolves to the seats whose names or aliases fold to the same key, and
when several do, to the one that was a member on the date.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.kit.text import fold


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date | None  # inclusive; None = open

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class SeatInfo:
    """What name matching and roll-call building need to know about one seat."""

    state_id: int
    code: str
    voter: bool  # observers never vote
    memberships: tuple[Period, ...]

    def is_member_on(self, day: dt.date) -> bool:
        return self.voter and any(p.covers(day) for p in self.memberships)


class StateResolver:
    """Resolves source names to seats and lists the members on a date."""

    def __init__(self, seats: Sequence[SeatInfo], names: Iterable[tuple[int, str]]) -> None:
        self._seats = {seat.state_id: seat for seat in seats}
        by_key: dict[str, set[int]] = {}
        for state_id, name in names:
            by_key.setdefault(fold(name), set()).add(state_id)
        self._by_key = {key: tuple(sorted(ids)) for key, ids in by_key.items()}
        # Membership only changes on admission and departure days: between two such days the set of
        # members is constant, so it is computed once per interval rather than once per vote date.
        self._changes = sorted(
            {p.start for s in seats for p in s.memberships}
            | {p.end + dt.timedelta(days=1) for s in seats for p in s.memberships if p.end}
        )
        self._members_cache: dict[int, frozenset[int]] = {}

    def seat(self, state_id: int) -> SeatInfo:
        return self._seats[state_id]

    def candidates(self, name: str) -> tuple[int, ...]:
        return self._by_key.get(fold(name), ())

    def resolve(self, name: str, day: dt.date) -> int | None:
        """The seat a name means on a date, or None if it matches none (or stays ambiguous)."""
        ids = self._by_key.get(fold(name), ())
        if len(ids) == 1:
            return ids[0]
        on_date = [state_id for state_id in ids if self._seats[state_id].is_member_on(day)]
        return on_date[0] if len(on_date) == 1 else None

    def members_on(self, day: dt.date) -> frozenset[int]:
        """Seats that were voting members on a date (observers never are)."""
        interval = bisect.bisect_right(self._changes, day)
        members = self._members_cache.get(interval)
        if members is None:
            members = frozenset(s.state_id for s in self._seats.values() if s.is_member_on(day))
            self._members_cache[interval] = members
        return members
