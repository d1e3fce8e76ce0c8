"""Roll calls entered by hand: reading the recorded-vote text as the UN prints it, and the checks that
every roll call must pass before it is saved. Plain logic, no database access.

Meeting records and press releases print a recorded vote as lists after headings:

    In favour: Afghanistan, Albania, Andorra, ...
    Against: Belarus, Burundi, ...
    Abstaining: Algeria, Angola, ...

Press releases also use "Favour:", "Abstain:" and "Absent:". A list ends at the next heading, at a full
stop that ends a line, or at a blank line, so the sentence after the lists ("The draft resolution was
adopted by 107 votes to 12, with 51 abstentions") is not read as names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.ingest.names import StateResolver
from app.models import VoteChoice

_HEADING = re.compile(
    r"(?i)\b(in\s+favou?r|favou?r|against|abstaining|abstain|abstentions|absent|non-voting|did\s+not\s+vote)\s*:"
)
_KIND = {
    "in favour": VoteChoice.YES,
    "in favor": VoteChoice.YES,
    "favour": VoteChoice.YES,
    "favor": VoteChoice.YES,
    "against": VoteChoice.NO,
    "abstaining": VoteChoice.ABSTAIN,
    "abstain": VoteChoice.ABSTAIN,
    "abstentions": VoteChoice.ABSTAIN,
    "absent": VoteChoice.NON_VOTING,
    "non-voting": VoteChoice.NON_VOTING,
    "did not vote": VoteChoice.NON_VOTING,
}
_END_OF_LIST = re.compile(r"\.\s*(?:\n|$)|\n\s*\n")
_TOTALS = re.compile(
    r"(?i)\b(\d{1,3})\s+(?:votes?\s+)?(?:in\s+favou?r\s+)?to\s+(\d{1,3})\s*(?:against\s*)?,?\s*with\s+(\d{1,3})\s+abstentions?"
)
MAX_PASTE = 50_000


@dataclass
class PastedList:
    """What the text says, before any name is matched."""

    names: list[tuple[str, VoteChoice]] = field(default_factory=list)
    totals: tuple[int, int, int] | None = None  # "adopted by 107 votes to 12, with 51 abstentions"
    headings: int = 0


def parse_paste(text: str) -> PastedList:
    out = PastedList()
    text = text.replace("\r\n", "\n").replace("\u00a0", " ")
    # Words broken across lines by a PDF's hyphenation: "Bosnia and Herze-\ngovina".
    text = re.sub(r"(?<=[a-z])-\n\s*(?=[a-z])", "", text)
    headings = list(_HEADING.finditer(text))
    out.headings = len(headings)
    for i, heading in enumerate(headings):
        choice = _KIND[re.sub(r"\s+", " ", heading[1].lower())]
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        body = text[heading.end() : end]
        if stop := _END_OF_LIST.search(body):
            body = body[: stop.start()]
        # Printed lists wrap lines inside names ("Central African\nRepublic"); a list without commas is
        # one name per line.
        parts = re.split(r"[,;]", body) if ("," in body or ";" in body) else body.split("\n")
        for raw in parts:
            name = re.sub(r"\s+", " ", raw).strip(" .\t*")
            if name.lower().startswith("and "):  # "..., Zambia and Zimbabwe" is rare but seen
                name = name[4:]
            if name:
                out.names.append((name, choice))
    if m := _TOTALS.search(text):
        out.totals = (int(m[1]), int(m[2]), int(m[3]))
    return out


@dataclass
class MatchedPaste:
    votes: dict[int, VoteChoice]  # state id -> choice
    understood: dict[VoteChoice, list[str]]  # the names as read, by list, for showing back
    unmatched: list[str]  # names that matched no state (or stayed ambiguous) on the date
    repeated: list[str]  # names of states listed more than once


def match_paste(pasted: PastedList, resolver: StateResolver, day: dt.date) -> MatchedPaste:
    votes: dict[int, VoteChoice] = {}
    understood: dict[VoteChoice, list[str]] = {}
    unmatched: list[str] = []
    repeated: list[str] = []
    for name, choice in pasted.names:
        state_id = resolver.resolve(name, day)
        if state_id is None:
            unmatched.append(name)
            continue
        understood.setdefault(choice, []).append(name)
        if state_id in votes:
            repeated.append(name)
            continue
        votes[state_id] = choice
    return MatchedPaste(votes, understood, unmatched, repeated)


Tally = tuple[int, int, int, int]


def tally_of(votes: Mapping[int, VoteChoice]) -> Tally:
    values = list(votes.values())
    return (
        values.count(VoteChoice.YES),
        values.count(VoteChoice.NO),
        values.count(VoteChoice.ABSTAIN),
        values.count(VoteChoice.NON_VOTING),
    )


@dataclass(frozen=True)
class Official:
    yes: int | None
    no: int | None
    abstain: int | None
    non_voting: int | None


def complete_roll_call(
    votes: Mapping[int, VoteChoice], members: frozenset[int], complete: bool
) -> dict[int, VoteChoice]:
    """The votes to store: in a complete roll call a member in none of the lists did not vote."""
    out = dict(votes)
    if complete:
        for state_id in members - out.keys():
            out[state_id] = VoteChoice.NON_VOTING
    return out


def roll_call_problems(
    votes: Mapping[int, VoteChoice],
    members: frozenset[int],
    suspended: frozenset[int],
    names: Mapping[int, str],
    complete: bool,
) -> list[str]:
    """What is wrong with a roll call as such (who may vote), whatever the official totals say."""
    problems: list[str] = []
    outsiders = sorted(names.get(s, str(s)) for s in votes.keys() - members)
    if outsiders:
        problems.append("Not members on that date: " + ", ".join(outsiders) + ".")
    barred = sorted(
        names.get(s, str(s)) for s, c in votes.items() if s in suspended and c != VoteChoice.NON_VOTING
    )
    if barred:
        problems.append("Had lost the vote on that date (Article 19): " + ", ".join(barred) + ".")
    if complete and len(votes.keys() & members) != len(members):
        problems.append(f"A complete roll call lists all {len(members)} members on that date.")
    return problems


def totals_problem(tally: Tally, official: Official, complete: bool) -> str | None:
    """How the roll call disagrees with the official totals, or None if it agrees."""
    labels = ("in favour", "against", "abstaining", "non-voting")
    given = (official.yes, official.no, official.abstain, official.non_voting)
    differences = []
    for label, counted, announced in zip(labels, tally, given, strict=True):
        if announced is None:
            continue
        if (complete and counted != announced) or (not complete and counted > announced):
            differences.append(f"{label}: the roll call has {counted}, the official total is {announced}")
    if not differences:
        return None
    return "; ".join(differences) + "."
