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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.ingest.names import StateResolver
from app.kit.text import fold
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
    # Words broken across lines by a PDF's hyphenation: "Bosnia and Herze-\ngovina" loses the hyphen;
    # a name whose hyphen is its own ("Guinea-\nBissau", "Timor-\nLeste") keeps it, joined.
    text = re.sub(r"(?<=[a-z])-\n\s*(?=[a-z])", "", text)
    text = re.sub(r"(?<=\w)-[ \t]*\n\s*(?=[A-Z])", "-", text)
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
    wrong_date: list[str] = field(default_factory=list)  # names no member carried on the date, explained


@dataclass(frozen=True)
class DatedName:
    name: str
    start: dt.date
    end: dt.date | None  # inclusive; None while it lasts

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def shown(self) -> str:
        return f"{self.name} ({self.start.year}–{self.end.year if self.end else 'today'})"


def name_problem(
    name: str, day: dt.date, names: Sequence[DatedName], others: Sequence[DatedName] = ()
) -> str | None:
    """Why ``name`` does not denote the member a resolver matched it to on ``day``, or None.

    A seat that changed names changed the state it stands for (the USSR's seat is the Russian
    Federation's; China's was the Republic of China's until 1971; Serbia's was Yugoslavia's): a name of
    another period, or a spelling of one ("Taiwan", "Republic of China", "USSR"), names a state that was
    not a member on the day, and must not become the member's vote. ``names``: the seat's dated names;
    ``others``: other seats' names that fold alike (Yugoslavia, 1945-1992)."""
    key = fold(name)
    current = [n for n in names if n.covers(day)]
    if any(fold(n.name) == key for n in current) or (len(names) <= 1 and not others):
        return None
    now = current[0].name if current else None
    past = [n for n in (*names, *others) if n not in current]
    # A name of another period, or part of one ("Republic of China" in "China (Republic of China)").
    former = [n for n in past if key in fold(n.name)]
    if not former and any(key in fold(n.name) or fold(n.name) in key for n in current):
        return None  # a spelling of today's name: "Russia", "Republic of Türkiye"
    # Otherwise an alias: its initials or a distinctive word tell its period ("USSR", "Soviet Union").
    former = former or [n for n in past if _related(key, fold(n.name))]
    if not former and any(_related(key, fold(n.name)) for n in current):
        return None
    was = "; ".join(n.shown() for n in former) if former else "not a name this seat had on that date"
    today = f"on {day.isoformat()} the member is called {now}" if now else f"no member had it on {day}"
    return f"{name}: {was}; {today}."


_COMMON_WORDS = {"of", "the", "and", "republic", "democratic", "people's", "federal", "united", "state"}


def _related(alias: str, name: str) -> bool:
    """Whether a folded alias is the initials of a folded name, or shares a distinctive word with it."""
    words = re.findall(r"[\w']+", name)
    initials = "".join(w[0] for w in words if w not in {"of", "the", "and"})
    alias_words = set(re.findall(r"[\w']+", alias.replace(".", "")))
    if alias.replace(".", "") == initials:
        return True
    return bool({w for w in alias_words if len(w) > 3} & {w for w in words if len(w) > 3} - _COMMON_WORDS)


def match_paste(
    pasted: PastedList,
    resolver: StateResolver,
    day: dt.date,
    dated: Mapping[int, Sequence[DatedName]] | None = None,
) -> MatchedPaste:
    """The pasted names matched to the members on ``day``; with ``dated`` (each seat's dated names),
    a name of another period is refused rather than read as the seat's vote (name_problem)."""
    votes: dict[int, VoteChoice] = {}
    understood: dict[VoteChoice, list[str]] = {}
    unmatched: list[str] = []
    repeated: list[str] = []
    wrong_date: list[str] = []
    for name, choice in pasted.names:
        state_id = resolver.resolve(name, day)
        if state_id is None:
            unmatched.append(name)
            continue
        if dated is not None:
            others = [
                n for seat in resolver.candidates(name) if seat != state_id for n in dated.get(seat, ())
            ]
            if problem := name_problem(name, day, dated.get(state_id, ()), others):
                wrong_date.append(problem)
                continue
        understood.setdefault(choice, []).append(name)
        if state_id in votes:
            repeated.append(name)
            continue
        votes[state_id] = choice
    return MatchedPaste(votes, understood, unmatched, repeated, wrong_date)


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
