"""Agreement between states, chance-corrected, and loyalty to a regional group: plain arithmetic on the
in-memory vote matrix (app.countries.matrix). No SQL.

**What is counted.** Two states are compared only over the resolutions adopted by a recorded vote on
which both were members and both voted yes, no or abstain; absences and non-members are left out rather
than counted as disagreement, and every figure carries the number of votes it rests on. Optionally,
resolutions adopted without a vote while both were members count as agreement: the UN's own data lists
those from September 2019 only (Voeten's 1946-2019 data holds recorded votes only), so the option
changes nothing before then.

**Raw agreement** (the convention of Voeten's and the UN-project data): the same vote counts 1, one
abstaining while the other votes yes or no counts 1/2, yes against no counts 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.countries import service
from app.countries.matrix import VoteMatrix, get_matrix
from app.countries.params import RecordQuery
from app.countries.stats import StateBits
from app.kit.text import fold
from app.models import State, VoteChoice

pc = int.bit_count


@dataclass(frozen=True)
class Scope:
    """Which decisions a figure covers: recorded votes, and resolutions adopted without a vote."""

    recorded: int
    without_vote: int  # zero unless consensus adoptions are counted as agreement


def scope(
    matrix: VoteMatrix, period: int, topic_mask: int | None = None, *, consensus: bool = False
) -> Scope:
    """The decisions of a period mask (VoteMatrix.period), narrowed to a topic or subject mask."""
    mask = period if topic_mask is None else period & topic_mask
    return Scope(recorded=mask & matrix.counted, without_vote=mask & matrix.without_vote if consensus else 0)


@dataclass(frozen=True)
class PairCounts:
    """What one pair's agreement rests on: ``n`` shared votes, ``same`` identical, ``half`` with one of
    the two abstaining, and each state's own yes/no/abstain counts over those ``n`` (for kappa).
    ``consensus`` of the ``n`` are resolutions adopted without a vote, counted as both voting yes."""

    n: int
    same: int
    half: int
    a: tuple[int, int, int]
    b: tuple[int, int, int]
    consensus: int = 0

    @property
    def agreement(self) -> float | None:
        return None if self.n == 0 else (self.same + self.half / 2) / self.n

    @property
    def kappa(self) -> float | None:
        return weighted_kappa(self.n, self.same, self.half, self.a, self.b)

    @property
    def differ(self) -> int:
        """Recorded votes on which the two voted differently (a resolution adopted without a vote is
        counted in ``n`` and ``same`` alike, so never here)."""
        return self.n - self.same


def weighted_kappa(
    n: int, same: int, half: int, a: tuple[int, int, int], b: tuple[int, int, int]
) -> float | None:
    """Cohen's weighted kappa (Cohen 1968) with the weights of the raw agreement: 1 for the same vote,
    1/2 for yes or no against abstain, 0 for yes against no (linear weights on yes < abstain < no).

    kappa = (p_o - p_e) / (1 - p_e), where p_o is the raw agreement and p_e the agreement expected if
    each state kept its own shares of yes, no and abstain over the same votes but cast them
    independently of the other. 1 is perfect agreement, 0 no more than chance, below 0 less than
    chance (systematic opposition).

    Why Cohen's kappa rather than Scott's pi: pi assumes both "raters" share one distribution of votes
    and pools their shares. States do not: over the same resolutions the United States votes no far
    more often than Brazil does. Pi would count that difference in habits as disagreement beyond
    chance; kappa takes each state's own shares as given and measures only how far their votes go
    together beyond what those shares alone would produce. None when undefined: no shared votes, or
    both states cast one and the same vote every time (p_e = 1).
    """
    if n == 0:
        return None
    p_o = (same + half / 2) / n
    (ay, an, aa), (by, bn, ba) = a, b
    p_e = (ay * by + an * bn + aa * ba + (ay * ba + aa * by + an * ba + aa * bn) / 2) / (n * n)
    if p_e >= 1:
        return None
    return (p_o - p_e) / (1 - p_e)


def _pair(
    a: StateBits, b: StateBits, mask: int
) -> tuple[int, int, int, tuple[int, int, int], tuple[int, int, int]]:
    both = a.voted & b.voted & mask
    n = pc(both)
    if not n:
        return 0, 0, 0, (0, 0, 0), (0, 0, 0)
    abstain_differs = (a.abstain ^ b.abstain) & both
    differ = pc(((a.yes ^ b.yes) & both) | abstain_differs)
    ay, aa, by, ba = pc(a.yes & both), pc(a.abstain & both), pc(b.yes & both), pc(b.abstain & both)
    return n, n - differ, pc(abstain_differs), (ay, n - ay - aa, aa), (by, n - by - ba, ba)


def pair_counts(matrix: VoteMatrix, a_id: int, b_id: int, where: Scope) -> PairCounts:
    """The counts behind the agreement of two states over the decisions of ``where``."""
    empty = StateBits(0, 0, 0, 0)
    a, b = matrix.states.get(a_id, empty), matrix.states.get(b_id, empty)
    n, same, half, ca, cb = _pair(a, b, where.recorded)
    k = 0
    if where.without_vote:
        k = pc(
            matrix.member_without_vote.get(a_id, 0)
            & matrix.member_without_vote.get(b_id, 0)
            & where.without_vote
        )
    return PairCounts(
        n + k, same + k, half, (ca[0] + k, ca[1], ca[2]), (cb[0] + k, cb[1], cb[2]), consensus=k
    )


def partners(matrix: VoteMatrix, state_id: int, where: Scope, min_votes: int) -> list[tuple[int, PairCounts]]:
    """Every other state with at least ``min_votes`` shared votes, and the counts of the pair."""
    result = []
    for other in matrix.states.keys() | matrix.member_without_vote.keys():
        if other == state_id:
            continue
        counts = pair_counts(matrix, state_id, other, where)
        if counts.n >= min_votes:
            result.append((other, counts))
    return result


def by_year(matrix: VoteMatrix, a_id: int, b_id: int, where: Scope) -> list[tuple[int, PairCounts]]:
    """A pair's counts year by year (years in which they shared no vote left out), oldest first."""
    rows = []
    for year, mask in sorted(matrix.years.items()):
        counts = pair_counts(matrix, a_id, b_id, Scope(where.recorded & mask, where.without_vote & mask))
        if counts.n:
            rows.append((year, counts))
    return rows


@dataclass(frozen=True)
class VoteCounts:
    yes: int
    no: int
    abstain: int
    non_voting: int

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain + self.non_voting

    def of(self, choice: VoteChoice) -> int:
        return {
            VoteChoice.YES: self.yes,
            VoteChoice.NO: self.no,
            VoteChoice.ABSTAIN: self.abstain,
            VoteChoice.NON_VOTING: self.non_voting,
        }[choice]


@dataclass(frozen=True)
class YearTally(VoteCounts):
    year: int


def year_tallies(matrix: VoteMatrix, state_id: int) -> list[YearTally]:
    """How a state voted each year on resolutions adopted by a recorded vote, oldest first."""
    bits = matrix.states.get(state_id)
    if bits is None:
        return []
    rows = []
    for year, mask in sorted(matrix.years.items()):
        m = mask & matrix.counted
        row = YearTally(
            yes=pc(bits.yes & m),
            no=pc(bits.no & m),
            abstain=pc(bits.abstain & m),
            non_voting=pc(bits.non_voting & m),
            year=year,
        )
        if row.total:
            rows.append(row)
    return rows


@dataclass(frozen=True)
class Loyalty:
    """How often a state voted as its regional group's plurality did, over ``n`` votes on which it voted
    and its group had a plurality (ties and absences are left out)."""

    n: int
    with_group: int

    @property
    def share(self) -> float | None:
        return None if self.n == 0 else self.with_group / self.n


def loyalty(matrix: VoteMatrix, state_id: int, mask: int) -> Loyalty:
    """Loyalty to its own regional group over the recorded votes in ``mask``; zero without a group."""
    bits = matrix.states.get(state_id)
    group = matrix.groups.get(state_id)
    majority = matrix.majorities.get(group) if group is not None else None
    if bits is None or majority is None:
        return Loyalty(0, 0)
    m = mask & matrix.counted
    with_group = pc(bits.yes & majority.yes & m) + pc(bits.no & majority.no & m)
    with_group += pc(bits.abstain & majority.abstain & m)
    return Loyalty(pc(bits.voted & majority.any & m), with_group)


class ScopeLabel(BaseModel):
    """The period and topic chosen for the agreement lists, resolved against the matrix."""

    label: str  # e.g. "1990–1999, Human rights"
    message: str  # why nothing could be computed (an unknown topic), or ""


Ranked = tuple[int, PairCounts]


def resolve_scope(m: VoteMatrix, query: RecordQuery) -> tuple[Scope, ScopeLabel]:
    """The decisions the agreement lists cover, and how to describe them; an unknown topic covers none."""
    parts = [service.span_label(query.since, query.until)]
    topic_mask: int | None = None
    message = ""
    if query.issue:
        topic_mask = m.topic(query.issue)
        parts.append(query.issue)
        if topic_mask is None:
            message = f"There is no issue category “{query.issue}”."
    if query.subject:
        found = m.subject(query.subject)
        parts.append(m.subjects.names.get(fold(query.subject).lower(), query.subject))
        if found is None:
            message = f"No resolution has the subject “{query.subject}”."
        topic_mask = found if topic_mask is None or found is None else topic_mask & found
    if message:
        topic_mask = 0
    where = scope(m, m.period(query.since, query.until), topic_mask, consensus=query.consensus)
    return where, ScopeLabel(label=", ".join(parts), message=message)


def ranked_partners(m: VoteMatrix, state: State, where: Scope, rank: str, min_votes: int) -> list[Ranked]:
    """Every other state sharing ``min_votes`` votes, most alike first (by raw agreement or by kappa)."""

    def key(item: Ranked) -> tuple[float, int]:
        counts = item[1]
        value = counts.kappa if rank == "kappa" else counts.agreement
        return (value if value is not None else -2.0, counts.n)

    return sorted(partners(m, state.id, where, min_votes), key=key, reverse=True)


def pair_figures(
    session: Session, a: State, b: State, consensus: bool
) -> tuple[PairCounts, list[tuple[int, PairCounts]]]:
    """Two states' counts over all years, and year by year (oldest first)."""
    m = get_matrix(session)
    where = scope(m, m.period(None, None), consensus=consensus)
    return pair_counts(m, a.id, b.id, where), by_year(m, a.id, b.id, where)
