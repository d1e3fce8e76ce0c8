"""Plain domain logic about resolutions: labels and tallies, no database access."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from app.kit.csv import to_csv as to_csv  # the one CSV writer (app/kit/csv.py), re-exported
from app.models import Resolution, SessionKind, VoteChoice
from app.resolutions.roll_calls import MemberEntry, RollCallEntry
from app.resolutions.tally import ShownTally
from app.symbols import from_roman, to_roman


def session_code(resolution: Resolution) -> str:
    """The session as written in symbols and in the list's filter: '79', 'ES-10', 'S-32'."""
    prefixes = {SessionKind.EMERGENCY_SPECIAL: "ES-", SessionKind.SPECIAL: "S-"}
    return f"{prefixes.get(resolution.session_kind, '')}{resolution.session_number}"


def session_roman(resolution: Resolution) -> str:
    return to_roman(resolution.session_number)


def roll_call_tally(resolution: Resolution) -> tuple[int, int, int, int]:
    """Counts of the stored roll call."""
    return (resolution.tally_yes, resolution.tally_no, resolution.tally_abstain, resolution.tally_non_voting)


def display_tally(resolution: Resolution) -> tuple[int, int, int, int | None]:
    """The totals to show people: the roll call's counts, or the official totals where the roll call is
    incomplete (an admin entered only the votes known so far, or the source omits the lists). The
    non-voting count of an incomplete roll call is unknown unless officially published."""
    if resolution.roll_call_complete or resolution.official_yes is None:
        return roll_call_tally(resolution)
    return (
        resolution.official_yes,
        resolution.official_no or 0,
        resolution.official_abstain or 0,
        resolution.official_non_voting,
    )


# The five permanent members of the Security Council, by seat (the USSR's seat is RUS; China's, CHN).
PERMANENT_MEMBERS = ("CHN", "FRA", "RUS", "GBR", "USA")
VOTE_ORDER = (VoteChoice.YES, VoteChoice.NO, VoteChoice.ABSTAIN, VoteChoice.NON_VOTING)


@dataclass(frozen=True)
class VoteGroup:
    """The states that cast one kind of vote."""

    choice: VoteChoice
    entries: list[RollCallEntry]


def group_by_vote(entries: list[RollCallEntry]) -> list[VoteGroup]:
    """The roll call split by vote (in favour, against, abstaining, non-voting); empty groups left out."""
    groups = [VoteGroup(choice, [e for e in entries if e.choice is choice]) for choice in VOTE_ORDER]
    return [g for g in groups if g.entries]


def permanent_members(entries: list[RollCallEntry]) -> list[RollCallEntry]:
    """The five permanent members' votes, in the usual order, under their names on the day."""
    by_code = {e.code: e for e in entries}
    return [by_code[code] for code in PERMANENT_MEMBERS if code in by_code]


def official_totals(resolution: Resolution) -> tuple[int | None, int | None, int | None, int | None] | None:
    """The totals the source published, or None where it published none."""
    values = (
        resolution.official_yes,
        resolution.official_no,
        resolution.official_abstain,
        resolution.official_non_voting,
    )
    return None if all(v is None for v in values) else values


def official_differs(resolution: Resolution) -> bool:
    """Whether a published total disagrees with the stored roll call's count."""
    official = official_totals(resolution)
    if official is None:
        return False
    tally = roll_call_tally(resolution)
    return any(o is not None and o != t for o, t in zip(official, tally, strict=True))


def parse_session(text: str) -> tuple[SessionKind, int] | None:
    """A session as people write it: '79', 'ES-10', 'S-32', 'XXX' (Roman, as in old symbols)."""
    s = text.strip().upper().replace(" ", "")
    kind = SessionKind.REGULAR
    if s.startswith("ES-"):
        kind, s = SessionKind.EMERGENCY_SPECIAL, s[3:]
    elif s.startswith("S-"):
        kind, s = SessionKind.SPECIAL, s[2:]
    if s.isascii() and s.isdigit() and len(s) <= 3:  # str.isdigit admits '²', which int() refuses
        number = int(s)
    elif s and len(s) <= 12 and set(s) <= set("IVXLC"):
        number = from_roman(s)
    else:
        return None
    return (kind, number) if 1 <= number <= 200 else None


_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%d/%m/%Y")


def parse_day(text: str) -> dt.date | None:
    """A date as people write it in a search box (2026-02-24, 24 February 2026, February 24, 2026)."""
    text = " ".join(text.split())
    if not 8 <= len(text) <= 20:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def nearest_symbols(wanted: str, candidates: list[str], limit: int = 5) -> list[str]:
    """The symbols most like a mistyped one, best first."""
    return difflib.get_close_matches(wanted.upper(), candidates, n=limit, cutoff=0.6)


ROLL_CALL_CSV_HEADER = ["symbol", "date", "country_code", "country_name_on_date", "regional_group", "vote"]
LIST_CSV_HEADER = [
    "symbol",
    "date",
    "session",
    "title",
    "adoption",
    "yes",
    "no",
    "abstain",
    "non_voting",
    "url",
    "roll_call_complete",
    "votes_known",
    "members",
]


def roll_call_columns(tally: ShownTally) -> list[object]:
    """How much of the roll call is known, for CSV rows: the yes/no/abstain columns of an incomplete
    roll call hold the official totals (non-voting empty where not published)."""
    return ["yes" if tally.complete else "no", tally.known, tally.members]


def roll_call_rows(resolution: Resolution, entries: list[RollCallEntry]) -> list[list[object]]:
    return [
        [
            resolution.symbol,
            resolution.adopted_on.isoformat(),
            e.code,
            e.name,
            e.regional_group.value,
            e.choice.label,
        ]
        for e in entries
    ]


NOT_KNOWN = "Not known"  # the vote column of a member whose vote an incomplete roll call lacks


def unknown_rows(resolution: Resolution, unknown: list[MemberEntry]) -> list[list[object]]:
    day = resolution.adopted_on.isoformat()
    return [[resolution.symbol, day, m.code, m.name, m.regional_group.value, NOT_KNOWN] for m in unknown]


_DOCUMENT_SYMBOL = re.compile(r"^A/(?:ES-\d+/|S-\d+/)?(?:\d+/)?PV\.\d+")


def meeting_record_url(record: str) -> str | None:
    """The verbatim record on undocs.org: 'A/75/PV.48 (Resumption 1)' is part of document A/75/PV.48."""
    m = _DOCUMENT_SYMBOL.match(record.strip())
    return f"https://undocs.org/{m.group(0)}" if m else None
