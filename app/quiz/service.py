"""Plain logic for "Which state votes like you?": reading answers and scoring states. No SQL.

Agreement is the site's measure (app.countries.service.agreement): over the questions that both the
visitor and the state answered with yes, no or abstain, the same answer counts 1 and one abstaining
while the other votes yes or no counts 1/2. A state absent, not voting or not yet a member on a vote
does not count for that question, so every score comes with the number of questions it rests on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from math import ceil

from app.collation import name_key
from app.countries.service import agreement
from app.models import VoteChoice
from app.quiz.queries import StateVote

ANSWERS: dict[str, VoteChoice | None] = {
    "yes": VoteChoice.YES,
    "no": VoteChoice.NO,
    "abstain": VoteChoice.ABSTAIN,
    "skip": None,
    "": None,
}


def read_answers(
    pairs: Iterable[tuple[str, str]], keys: list[str]
) -> tuple[dict[str, VoteChoice], list[str]]:
    """Answers from a query string's (name, value) pairs, and what was wrong with it. Parameters that are
    not questions are ignored (a shared link may gain tracking parameters); a bad value is an error."""
    known = set(keys)
    seen: dict[str, str] = {}
    problems: list[str] = []
    for name, value in pairs:
        if name not in known:
            continue
        value = value.strip().lower()
        if value not in ANSWERS:
            problems.append(f"“{value[:20]}” is not an answer to {name}: use yes, no, abstain or skip.")
        elif name in seen and seen[name] != value:
            problems.append(f"{name} is answered twice, differently.")
        seen[name] = value
    answers = {k: choice for k, v in seen.items() if (choice := ANSWERS.get(v)) is not None}
    return ({}, problems) if problems else (answers, [])


@dataclass(frozen=True)
class Match:
    code: str
    name: str
    agreement: float
    n: int  # questions both answered
    same: int
    half: int


def matches(answers: dict[int, VoteChoice], votes: list[StateVote]) -> list[Match]:
    """Every state that voted on at least one answered question, closest first."""
    tallies: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for vote in votes:
        mine = answers.get(vote.resolution_id)
        if mine is None or vote.choice is VoteChoice.NON_VOTING:
            continue
        counts = tallies[(vote.code, vote.name)]
        counts[0] += 1
        if vote.choice is mine:
            counts[1] += 1
        elif VoteChoice.ABSTAIN in (vote.choice, mine):
            counts[2] += 1
    found = [
        Match(code, name, agreement(n, same, half) or 0.0, n, same, half)
        for (code, name), (n, same, half) in tallies.items()
    ]
    return sorted(found, key=lambda m: (-m.agreement, -m.n, name_key(m.name)))


def enough(answered: int) -> int:
    """How many shared questions a state needs to be ranked: half of those answered, at least one, so a
    state that voted on one question only cannot top the list with 100 %."""
    return max(1, ceil(answered / 2))
