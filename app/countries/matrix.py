"""Every recorded vote in memory as bitsets, for figures over any period and topic in milliseconds.

Country pages ask for agreement between states, yearly tallies and loyalty to a regional group over any
span of years and any topic. Precomputing every combination is impossible and counting a million vote
rows per request is far too slow, so each process keeps the whole vote table as one Python integer per
state and choice, with bit *i* set for decision id *i* (app.countries.stats.build_bits). A period or a
topic is then a mask, and a pair's figures are a few ANDs and popcounts on ~1 KB integers: about 2 ms for
one state against all others (benchmarks/agreement_speed.py).

The matrix is built once per process from the database (~1 s on SQLite) and kept while the data version
(app.data_version.data_version) stays the same. When it moves, only the decisions whose (version,
updated_at) changed are read again, so an admin save costs the next reader a few milliseconds, not a
rebuild; an import that changed many decisions rebuilds. This replaced the per-decade tables that every
import and admin save used to rewrite (two seconds on each save).
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import reduce
from operator import or_

from sqlalchemy.orm import Session

from app.countries import queries
from app.countries.stats import StateBits, build_bits
from app.data_version import data_version, served_version
from app.kit.text import fold
from app.models import RegionalGroup
from app.resolutions.queries import TOPIC_VOCABULARY

# Above this many changed decisions a full rebuild is cheaper than patching every state's bitsets.
INCREMENTAL_LIMIT = 500
GROUPS = tuple(g for g in RegionalGroup if g is not RegionalGroup.NONE)


@dataclass(frozen=True)
class Majority:
    """Bitsets of the decisions on which a group's plurality voted yes, no or abstain.

    A decision where two choices tie for the most votes, or where no member voted, is in none of them."""

    yes: int
    no: int
    abstain: int

    @property
    def any(self) -> int:
        return self.yes | self.no | self.abstain


@dataclass(frozen=True)
class VoteMatrix:
    """An immutable snapshot of the votes; a new one replaces it when the data changes."""

    version: str
    states: dict[int, StateBits]  # state id -> its votes on every recorded decision
    decisions: dict[int, queries.DecisionRow]  # decision id -> the facts the masks are made of
    counted: int  # published resolutions adopted by a recorded vote
    without_vote: int  # published resolutions adopted without a vote (the UN's data from 2019 only)
    member_without_vote: dict[int, int]  # state id -> the without-vote resolutions adopted while a member
    years: dict[int, int]  # year -> counted | without_vote resolutions of that year
    subjects: Subjects  # masks per Voeten issue category and per UNBIS subject term
    groups: dict[int, RegionalGroup]  # state id -> its regional group
    majorities: dict[RegionalGroup, Majority] = field(default_factory=dict)

    def period(self, year_from: int | None, year_to: int | None) -> int:
        """The mask of all decisions in the years ``year_from`` to ``year_to`` (inclusive, open-ended)."""
        low = year_from if year_from is not None else -1
        high = year_to if year_to is not None else 10_000
        return reduce(or_, (m for y, m in self.years.items() if low <= y <= high), 0)

    def topic(self, topic: str) -> int | None:
        """The mask of one Voeten issue category; None if there is no such category."""
        return self.subjects.topics.get(topic)

    def subject(self, term: str) -> int | None:
        """The mask of one UNBIS subject term, matched without regard to case or accents."""
        return self.subjects.subjects.get(fold(term).lower())


# --- Building ------------------------------------------------------------------------------------


def _masks(
    decisions: dict[int, queries.DecisionRow],
) -> tuple[int, int, dict[int, int]]:
    counted = without = 0
    years: dict[int, int] = defaultdict(int)
    for d in decisions.values():
        if d.counted:
            counted |= 1 << d.id
            years[d.adopted_on.year] |= 1 << d.id
        elif d.without_vote:
            without |= 1 << d.id
            years[d.adopted_on.year] |= 1 << d.id
    return counted, without, dict(years)


def _member_masks(
    decisions: dict[int, queries.DecisionRow], memberships: list[tuple[int, dt.date, dt.date | None]]
) -> dict[int, int]:
    """Per state, the resolutions adopted without a vote while it was a member.

    Prefix masks over the resolutions sorted by date turn each membership period into two bisects and
    one AND: ~200 periods against ~1,500 resolutions without a Python loop over their product."""
    ordered = sorted((d.adopted_on, d.id) for d in decisions.values() if d.without_vote)
    days = [day for day, _ in ordered]
    prefix = [0]
    for _, decision_id in ordered:
        prefix.append(prefix[-1] | 1 << decision_id)
    result: dict[int, int] = defaultdict(int)
    for state_id, admitted, ended in memberships:
        lo = bisect.bisect_left(days, admitted)
        hi = bisect.bisect_right(days, ended) if ended is not None else len(days)
        if hi > lo:
            result[state_id] |= prefix[hi] & ~prefix[lo]
    return dict(result)


def _add(planes: list[int], bits: int) -> None:
    """Add one bitset to a bit-sliced counter: planes[k] holds bit k of every decision's count."""
    carry = bits
    for k, plane in enumerate(planes):
        if not carry:
            return
        planes[k], carry = plane ^ carry, plane & carry
    if carry:
        planes.append(carry)


def _greater(a: list[int], b: list[int], universe: int) -> int:
    """Decisions whose count in ``a`` exceeds that in ``b`` (bit-sliced comparison, high bits first)."""
    width = max(len(a), len(b))
    a = a + [0] * (width - len(a))
    b = b + [0] * (width - len(b))
    greater, equal = 0, universe
    for k in reversed(range(width)):
        greater |= equal & a[k] & ~b[k]
        equal &= ~(a[k] ^ b[k])
    return greater


def majorities(
    states: dict[int, StateBits], groups: dict[int, RegionalGroup], universe: int
) -> dict[RegionalGroup, Majority]:
    """Each regional group's plurality vote on every decision in ``universe``.

    The counts are bit-sliced (one integer per binary digit of the count, for every decision at once),
    so a group's tally over all decisions costs a few hundred big-integer operations instead of a
    Python loop over a million votes."""
    result: dict[RegionalGroup, Majority] = {}
    for group in GROUPS:
        yes: list[int] = []
        no: list[int] = []
        abstain: list[int] = []
        for state_id, bits in states.items():
            if groups.get(state_id) is group:
                _add(yes, bits.yes & universe)
                _add(no, bits.no & universe)
                _add(abstain, bits.abstain & universe)
        result[group] = Majority(
            yes=_greater(yes, no, universe) & _greater(yes, abstain, universe),
            no=_greater(no, yes, universe) & _greater(no, abstain, universe),
            abstain=_greater(abstain, yes, universe) & _greater(abstain, no, universe),
        )
    return result


def bitset(ids: Iterable[int]) -> int:
    """An integer with bit *i* set for each *i* in ``ids`` (one pass over a bytearray, one conversion)."""
    ids = list(ids)
    row = bytearray((max(ids, default=0) >> 3) + 1)
    for i in ids:
        row[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(row, "little")


@dataclass(frozen=True)
class Subjects:
    topics: dict[str, int]  # Voeten issue category -> its resolutions
    subjects: dict[str, int]  # folded UNBIS term -> its resolutions
    names: dict[str, str]  # folded UNBIS term -> the term as written


def subject_masks(
    rows: list[tuple[int, str, str]], previous: Subjects | None = None, keep: int = -1
) -> Subjects:
    """Masks per topic and subject from (decision id, vocabulary, term) rows, added to ``previous``
    (whose bits outside ``keep`` are dropped first: the decisions being read again)."""
    topic_ids: dict[str, list[int]] = defaultdict(list)
    subject_ids: dict[str, list[int]] = defaultdict(list)
    names: dict[str, str] = dict(previous.names) if previous else {}
    folded: dict[str, str] = {}
    for decision_id, vocabulary, term in rows:
        if vocabulary == TOPIC_VOCABULARY:
            topic_ids[term].append(decision_id)
        else:
            key = folded.get(term) or folded.setdefault(term, fold(term).lower())
            subject_ids[key].append(decision_id)
            names.setdefault(key, term)

    def merged(old: dict[str, int], new: dict[str, list[int]]) -> dict[str, int]:
        result = {k: m & keep for k, m in old.items()}
        for key, ids in new.items():
            result[key] = result.get(key, 0) | bitset(ids)
        return {k: m for k, m in result.items() if m}

    return Subjects(
        merged(previous.topics if previous else {}, topic_ids),
        merged(previous.subjects if previous else {}, subject_ids),
        names,
    )


def _patched_states(
    session: Session, old: VoteMatrix, changed: set[int], keep: int, size: int
) -> dict[int, StateBits]:
    """The old bitsets with the bits of ``changed`` decisions (those outside ``keep``) cleared and set
    again from the database."""
    fresh = build_bits(queries.decision_votes(session, sorted(changed)), size)
    states = {}
    for state_id in set(old.states) | set(fresh):
        o = old.states.get(state_id, StateBits(0, 0, 0, 0))
        f = fresh.get(state_id, StateBits(0, 0, 0, 0))
        states[state_id] = StateBits(
            (o.yes & keep) | f.yes,
            (o.no & keep) | f.no,
            (o.abstain & keep) | f.abstain,
            (o.non_voting & keep) | f.non_voting,
        )
    return states


def build_matrix(session: Session, version: str, previous: VoteMatrix | None = None) -> VoteMatrix:
    """A matrix of the data as ``session`` sees it; patched from ``previous`` where few decisions changed."""
    decisions = {d.id: d for d in queries.decision_rows(session)}
    size = max(decisions, default=0) + 1
    changed: set[int] | None = None
    if previous is not None:
        changed = {
            i
            for i in set(decisions) | set(previous.decisions)
            if decisions.get(i) != previous.decisions.get(i)
        }
    if previous is not None and changed is not None and len(changed) <= INCREMENTAL_LIMIT:
        keep = ~bitset(changed)
        states = previous.states
        subjects = previous.subjects
        if changed:
            states = _patched_states(session, previous, changed, keep, size)
            subjects = subject_masks(queries.subject_rows(session, sorted(changed)), subjects, keep)
    else:
        states = build_bits(queries.vote_lists(session), size)
        subjects = subject_masks(queries.subject_rows(session))
    counted, without, years = _masks(decisions)
    groups = queries.regional_groups(session)
    matrix = VoteMatrix(
        version=version,
        states=states,
        decisions=decisions,
        counted=counted,
        without_vote=without,
        member_without_vote=_member_masks(decisions, queries.membership_periods(session)),
        years=years,
        subjects=subjects,
        groups=groups,
    )
    # A group's majority on a vote whose roll call lacks most members' votes would be a guess from the
    # few known: such votes are left out of group loyalty (the known votes still count between states).
    incomplete = bitset(d.id for d in decisions.values() if not d.complete)
    return replace(matrix, majorities=majorities(states, groups, counted & ~incomplete))


# --- The per-process cache -----------------------------------------------------------------------

_lock = threading.Lock()
_current: VoteMatrix | None = None


def get_matrix(session: Session) -> VoteMatrix:
    """The matrix for the data ``session`` sees, built or patched if the data version has moved.

    One snapshot per process; request threads share it (it is immutable) and one of them rebuilds it
    under a lock while the others wait for the same result."""
    global _current
    current = _current
    # The page cache has just read the version (at most a second ago): no need to ask again.
    if current is not None and current.version == served_version.get():
        return current
    version = data_version(session)
    if current is not None and current.version == version:
        return current
    with _lock:
        current = _current
        if current is None or current.version != version:
            current = build_matrix(session, version, current)
            _current = current
    return current
