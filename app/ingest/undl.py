"""Parser for the UN Dag Hammarskjöld Library's "General Assembly Voting Data" CSV.

One row per member state per resolution adopted by recorded vote, with the state's name at the time
(ms_name), a three-letter code (ms_code), its vote (Y, N, A; non-voting is "X" in 2025 files, "NV" in
2024 ones) and the official totals repeated on every row. Column names vary between versions
(yes / total_yes, abstention / abstentions / total_abstentions ...): the header is read, not assumed.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable

from app.ingest.errors import IngestError
from app.ingest.records import Record, SourceFile
from app.models.enums import Adoption, VoteChoice
from app.symbols import normalize_symbol, session_of

_ALIASES = {
    "undl_id": ("undl_id", "id"),
    "code": ("ms_code", "ms_codes"),
    "name": ("ms_name", "ms_names"),
    "vote": ("ms_vote", "ms_votes"),
    "symbol": ("resolution",),
    "date": ("date",),
    "title": ("title",),
    "draft": ("draft",),
    "meeting": ("meeting",),
    "agenda_title": ("agenda_title",),
    "subjects": ("subjects",),
    "vote_note": ("vote_note",),
    "yes": ("total_yes", "yes"),
    "no": ("total_no", "no"),
    "abstain": ("total_abstentions", "total_abstention", "abstentions", "abstention"),
    "non_voting": ("total_non_voting", "non_voting", "non-voting", "total_non-voting"),
}
_REQUIRED = ("name", "vote", "symbol", "date")
_CHOICES = {
    "Y": VoteChoice.YES,
    "N": VoteChoice.NO,
    "A": VoteChoice.ABSTAIN,
    "X": VoteChoice.NON_VOTING,
    "NV": VoteChoice.NON_VOTING,
    "": VoteChoice.NON_VOTING,
}
UNDL_MARKERS = frozenset({"ms_vote", "ms_votes"})


def _columns(source: SourceFile, header: list[str]) -> dict[str, int]:
    index = {h.strip().lower(): i for i, h in enumerate(header)}
    found = {}
    for field, names in _ALIASES.items():
        for name in names:
            if name in index:
                found[field] = index[name]
                break
    missing = [f for f in _REQUIRED if f not in found]
    if missing:
        raise IngestError(source.name, 1, f"missing column(s) for {', '.join(missing)}")
    return found


def parse_undl(source: SourceFile, lines: Iterable[str]) -> list[Record]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise IngestError(source.name, 1, "empty file")
    col = _columns(source, header)
    records: dict[str, Record] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise IngestError(source.name, line, f"expected {len(header)} fields, found {len(row)}")

        def get(field: str, row: list[str] = row) -> str:
            return row[col[field]].strip() if field in col else ""

        raw_symbol = get("symbol")
        symbol = normalize_symbol(raw_symbol)
        if symbol is None:
            raise IngestError(source.name, line, f"not a resolution symbol: {raw_symbol!r}")
        choice = _CHOICES.get(get("vote").upper())
        if choice is None:
            raise IngestError(source.name, line, f"vote must be Y, N, A, X or NV, not {get('vote')!r}")
        record = records.get(symbol)
        if record is None:
            record = _record(source, line, symbol, get)
            records[symbol] = record
        elif _date(source, line, get("date")) != record.day:
            raise IngestError(source.name, line, f"{symbol} has two dates in this file")
        name = get("name") or get("code")
        record.add_votes([name], choice.value)
        if get("code"):
            record.name_codes[name] = get("code")
    return list(records.values())


def _record(source: SourceFile, line: int, symbol: str, get: Callable[[str], str]) -> Record:
    session = session_of(symbol)
    assert session is not None
    undl_id = get("undl_id")
    record = Record(
        source=source,
        line=line,
        day=_date(source, line, get("date")),
        symbol=symbol,
        session_kind=session.kind,
        session_number=session.number,
        adoption=Adoption.RECORDED_VOTE,
        title=get("title"),
        meeting_record=get("meeting"),
        draft_symbol=get("draft"),
        agenda_title=get("agenda_title"),
        official_yes=_total(source, line, get("yes")),
        official_no=_total(source, line, get("no")),
        official_abstain=_total(source, line, get("abstain")),
        official_non_voting=_total(source, line, get("non_voting")),
        has_roll_call=True,
        undl_id=int(undl_id) if undl_id.isascii() and undl_id.isdigit() else None,
    )
    note = get("vote_note")
    if note:
        record.notes.append(f"UN Digital Library note: {note}")
    for term in re.split(r"\s*[|;]\s*", get("subjects")):
        if term:
            record.subjects.add(("UNBIS", term[:300]))
    return record


def _date(source: SourceFile, line: int, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise IngestError(source.name, line, f"unreadable date {value!r}") from None


def _total(source: SourceFile, line: int, value: str) -> int | None:
    if not value:
        return None
    try:
        number = float(value)  # 2026 files write totals as floats ("120.0")
    except ValueError:
        raise IngestError(source.name, line, f"total is not a number: {value!r}") from None
    if number != int(number) or number < 0:
        raise IngestError(source.name, line, f"total is not a whole number: {value!r}")
    return int(number)
