"""How each UN regional group and the five permanent members split on one vote, how cohesive each was,
and which states voted against their own group's majority. Plain logic on the roll call; no SQL.

**Cohesion** is the Agreement Index of Hix, Noury and Roland (Democratic Politics in the European
Parliament, 2007): with Y, N and A the group's votes in favour, against and abstaining,
AI = (max(Y, N, A) - (Y + N + A - max(Y, N, A)) / 2) / (Y + N + A).
It is 1 when every voting member cast the same vote and 0 when the votes are split evenly three ways;
members recorded as non-voting are left out, as in the original. **Majority** is the group's plurality
among Y, N and A; where two tie for the most there is none, and then nobody is counted as breaking
ranks. A state that did not vote never breaks ranks either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field, field_serializer

from app.collation import name_key
from app.models import RegionalGroup, VoteChoice
from app.resolutions.roll_calls import MemberEntry, RollCallEntry
from app.resolutions.service import PERMANENT_MEMBERS

P5_LABEL = "Permanent members (P5)"
CAST = (VoteChoice.YES, VoteChoice.NO, VoteChoice.ABSTAIN)


def agreement_index(yes: int, no: int, abstain: int) -> float | None:
    """Hix-Noury-Roland Agreement Index of one group's votes; None if none of its members voted."""
    cast = yes + no + abstain
    if cast == 0:
        return None
    top = max(yes, no, abstain)
    return (top - (cast - top) / 2) / cast


def plurality(counts: Counter[VoteChoice]) -> VoteChoice | None:
    """The vote cast by more of the group than any other (yes, no or abstain); None on a tie or no votes."""
    ranked = sorted(((counts[c], c) for c in CAST), key=lambda pair: pair[0], reverse=True)
    if ranked[0][0] == 0 or ranked[0][0] == ranked[1][0]:
        return None
    return ranked[0][1]


# JSON says "yes"/"no"/"abstain", as the rest of the API does, not the one-letter codes; the serializers'
# return types are what the OpenAPI schema shows (it said Y/N/A/X while the answers said "yes").
CastWord = Literal["yes", "no", "abstain"]
_WORDS: dict[VoteChoice, CastWord] = {
    VoteChoice.YES: "yes",
    VoteChoice.NO: "no",
    VoteChoice.ABSTAIN: "abstain",
}


class Dissenter(BaseModel):
    code: str
    name: str = Field(description="the state's name on the date of the vote")
    choice: VoteChoice  # one of CAST: a state that did not vote never breaks ranks

    @field_serializer("choice")
    def _choice_word(self, choice: VoteChoice) -> CastWord:
        return _WORDS[choice]


class GroupSplit(BaseModel):
    """One group's split on a vote (counts in the order yes, no, abstain, non-voting)."""

    group: str
    yes: int
    no: int
    abstain: int
    non_voting: int
    not_known: int = Field(default=0, description="members whose vote is not known (incomplete roll call)")
    cohesion: float | None = Field(
        description="Hix-Noury-Roland Agreement Index, 0 to 1; null if some members' votes are unknown"
    )
    majority: VoteChoice | None = Field(
        description="the group's plurality vote; null on a tie or if some members' votes are not known"
    )
    against_majority: list[Dissenter]

    @field_serializer("majority")
    def _majority_word(self, choice: VoteChoice | None) -> CastWord | None:
        return _WORDS[choice] if choice is not None else None

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain + self.non_voting


@dataclass(frozen=True)
class _Members:
    label: str
    entries: list[RollCallEntry]
    not_known: int = 0


def _split(members: _Members) -> GroupSplit:
    counts = Counter(e.choice for e in members.entries)
    # With some members' votes unknown, the group's cohesion and majority are unknown too: two known votes
    # of 193 gave "WEOG 0.25, P5 1.00". The known counts are still shown.
    complete = members.not_known == 0
    majority = plurality(counts) if complete else None
    against = [
        Dissenter(code=e.code, name=e.name, choice=e.choice)
        for e in members.entries
        if majority is not None and e.choice in CAST and e.choice is not majority
    ]
    return GroupSplit(
        group=members.label,
        yes=counts[VoteChoice.YES],
        no=counts[VoteChoice.NO],
        abstain=counts[VoteChoice.ABSTAIN],
        non_voting=counts[VoteChoice.NON_VOTING],
        not_known=members.not_known,
        cohesion=agreement_index(counts[VoteChoice.YES], counts[VoteChoice.NO], counts[VoteChoice.ABSTAIN])
        if complete
        else None,
        majority=majority,
        against_majority=sorted(against, key=lambda d: name_key(d.name)),
    )


def group_splits(
    entries: list[RollCallEntry], *, with_p5: bool = True, unknown: Sequence[MemberEntry] = ()
) -> list[GroupSplit]:
    """The five regional groups in their usual order, states without a group (if any voted) after them,
    and the P5 last. Empty for a decision without a roll call. ``unknown``: members whose vote an
    incomplete roll call lacks."""
    order = [g for g in RegionalGroup if g is not RegionalGroup.NONE] + [RegionalGroup.NONE]
    members = [
        _Members(
            g.value or "No regional group",
            [e for e in entries if e.regional_group is g],
            sum(1 for m in unknown if m.regional_group is g),
        )
        for g in order
    ]
    if with_p5:
        members.append(p5_members(entries, unknown))
    return [_split(m) for m in members if m.entries or m.not_known]


def p5_members(entries: list[RollCallEntry], unknown: Sequence[MemberEntry] = ()) -> _Members:
    p5 = [e for e in entries if e.code in PERMANENT_MEMBERS]
    return _Members(P5_LABEL, p5, sum(1 for m in unknown if m.code in PERMANENT_MEMBERS))


def p5_split(entries: list[RollCallEntry], unknown: Sequence[MemberEntry] = ()) -> GroupSplit | None:
    members = p5_members(entries, unknown)
    return _split(members) if members.entries or members.not_known else None


GROUPS_CSV_HEADER = [
    "symbol",
    "date",
    "group",
    "yes",
    "no",
    "abstain",
    "non_voting",
    "not_known",
    "cohesion",
    "majority",
    "against_majority",
]


def groups_rows(symbol: str, date: str, splits: list[GroupSplit]) -> list[list[object]]:
    return [
        [
            symbol,
            date,
            s.group,
            s.yes,
            s.no,
            s.abstain,
            s.non_voting,
            s.not_known,
            "" if s.cohesion is None else f"{s.cohesion:.3f}",
            s.majority.api_name if s.majority else "",
            " ".join(d.code for d in s.against_majority),
        ]
        for s in splits
    ]
