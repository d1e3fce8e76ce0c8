"""Parser for the UN DGACM machine-readable resolutions extract (JSON Lines, one adopted resolution a line).

Quirks handled (see data/README.md): counts are strings and "N.A." means 0; dates come as
"2019-11-07 00:00:00" or "18 September 2024" with a non-breaking space; 79.json and 80.json repeat some
symbols (the last line wins); a recorded vote may come without lists (official totals only); titles may
carry footnote text after a tab; the committee can read "#fifthCommittee".
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from app.ingest.errors import IngestError
from app.ingest.records import Record, SourceFile
from app.models.enums import Adoption, VoteChoice
from app.symbols import normalize_symbol, session_of

_LISTS = (
    ("MS_in_favour", VoteChoice.YES),
    ("MS_against", VoteChoice.NO),
    ("MS_abstaining", VoteChoice.ABSTAIN),
)
_COUNTS = ("MS_in_favour_count", "MS_against_count", "MS_abstaining_count")
_REQUIRED = ("symbol", "adoption_date")
_SPACES = re.compile(r"\s+")


def parse_dgacm(source: SourceFile, lines: Iterable[str]) -> Iterator[Record]:
    """Yield one record per distinct symbol; a repeated symbol's later line replaces the earlier one."""
    by_symbol: dict[str, Record] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IngestError(source.name, number, f"not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise IngestError(source.name, number, "expected a JSON object")
        record = _record(source, number, row)
        previous = by_symbol.get(record.symbol)
        if previous is not None:
            record.notes.extend(n for n in previous.notes if n not in record.notes)
        by_symbol[record.symbol] = record
    yield from by_symbol.values()


def _record(source: SourceFile, line: int, row: dict[str, Any]) -> Record:
    for key in _REQUIRED:
        if not isinstance(row.get(key), str) or not row[key].strip():
            raise IngestError(source.name, line, f"missing {key!r}")
    symbol = normalize_symbol(row["symbol"])
    if symbol is None:
        raise IngestError(source.name, line, f"not a resolution symbol: {row['symbol']!r}")
    session = session_of(symbol)
    assert session is not None  # normalize_symbol only returns symbols in UN form
    day = _date(source, line, row["adoption_date"])
    lists = [(_names(source, line, row, key), choice) for key, choice in _LISTS]
    counts = [_count(source, line, row.get(key)) for key in _COUNTS]
    recorded = _is_recorded(row, lists, counts)
    title, _, footnote = _text(row.get("title")).partition("\t")
    record = Record(
        source=source,
        line=line,
        day=day,
        symbol=symbol,
        session_kind=session.kind,
        session_number=session.number,
        adoption=Adoption.RECORDED_VOTE if recorded else Adoption.WITHOUT_VOTE,
        title=_clean(title),
        description=_clean(footnote),
        meeting_record=_text(row.get("pv")),
        draft_symbol=_text(row.get("originating_document")),
        committee=_committee(_text(row.get("committee"))),
        agenda_item=_text(row.get("agenda_item")),
        agenda_title=_clean(_text(row.get("agenda_item_name"))),
        adopted=True,
    )
    if recorded:
        record.official_yes, record.official_no, record.official_abstain = (c or 0 for c in counts)
        for names, choice in lists:
            record.add_votes(names, choice.value)
        record.has_roll_call = bool(record.voter_names)
    for pair in row.get("subjects") or []:
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair):
            term, vocabulary = pair
            record.subjects.add((_vocabulary(vocabulary), _clean(term)[:300]))
    return record


def _is_recorded(
    row: dict[str, Any], lists: list[tuple[list[str], VoteChoice]], counts: list[int | None]
) -> bool:
    adoption = _text(row.get("adoption_type")) or _text(row.get("voting_type"))
    if adoption:
        return "recorded" in adoption.lower() or adoption == "adoptedRecordedVote"
    # Four multi-part lines have no adoption type: a roll call or a count means a recorded vote.
    return any(names for names, _ in lists) or any(c for c in counts)


def _names(source: SourceFile, line: int, row: dict[str, Any], key: str) -> list[str]:
    value = row.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise IngestError(source.name, line, f"{key!r} is not a list of names")
    return [v for v in value if v.strip()]


def _count(source: SourceFile, line: int, value: object) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if text.upper() in {"N.A.", "NA", "N/A"}:
        return 0  # the extract writes N.A. for an empty list
    if not (text.isascii() and text.isdigit()):
        raise IngestError(source.name, line, f"vote count is not a number: {text!r}")
    return int(text)


def _date(source: SourceFile, line: int, value: str) -> dt.date:
    day = _read_date(value)
    if day is None:
        raise IngestError(source.name, line, f"unreadable adoption date {value!r}")
    return day


@functools.lru_cache(maxsize=4096)
def _read_date(value: str) -> dt.date | None:
    """Cached: a few hundred distinct dates recur across 2,400 lines, and strptime is slow."""
    text = value.replace("\u00a0", " ").strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def _committee(text: str) -> str:
    if text.startswith("#"):  # "#fifthCommittee" appears five times
        words = re.sub(r"([A-Z])", r" \1", text[1:]).split()
        return " ".join(w.capitalize() for w in words)
    return text


def _vocabulary(name: str) -> str:
    if name.startswith("UNBIS"):
        return "UNBIS"
    if name.startswith("A/"):
        return "Agenda"
    return name[:40]
