"""Parser for the UN Dag Hammarskjöld Library's "General Assembly Voting Data" CSV.

One row per member state per recorded vote, with the state's name at the time (ms_name), a three-letter
code (ms_code, empty in files rebuilt from the record pages), its vote (Y, N, A; non-voting is "X" in 2025
files, "NV" in 2024 ones) and the record's facts and official totals repeated on every row. Column names
vary between versions (yes / total_yes, abstention / abstentions / total_abstentions ...): the header is
read, not assumed.

Quirks handled: symbols with bracketed or glued-on parts (``A/RES/181(II)[A]``, ``A/RES/38/35A``) and
one that cannot exist (``A/RES/79/XX``: kept without a symbol, for another source to supply); titles ending
with the catalogue's suffix (" : resolution / adopted by the General Assembly", also misspelt); vote letters
in lower case; a state listed as non-voting on a date before its admission (dropped: it was not a member).

Speed: the Library's files are 330 to 360 MB of text, every row repeating its record's title and agenda.
The rows' first four columns are read by polars (a multi-threaded CSV reader in Rust, about ten times the
csv module here) and each record's facts from its first row only. A file polars cannot read, or one with
a problem, goes through the csv module, which names the line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence

import polars as pl

from app.ingest.errors import IngestError
from app.ingest.records import Record, SourceFile
from app.models.enums import Adoption, SessionKind, VoteChoice
from app.symbols import parse_symbol

_ALIASES = {
    "undl_id": ("undl_id", "id"),
    "code": ("ms_code", "ms_codes"),
    "name": ("ms_name", "ms_names"),
    "vote": ("ms_vote", "ms_votes"),
    "symbol": ("resolution", "resolutions"),
    "session": ("session",),
    "date": ("date",),
    "title": ("title",),
    "draft": ("draft",),
    "meeting": ("meeting",),
    "agenda_title": ("agenda_title", "agenda_titles"),
    "subjects": ("subjects",),
    "vote_note": ("vote_note",),
    "yes": ("total_yes", "yes"),
    "no": ("total_no", "no"),
    "abstain": ("total_abstentions", "total_abstention", "abstentions", "abstention"),
    "non_voting": ("total_non_voting", "non_voting", "non-voting", "total_non-voting"),
}
_REQUIRED = ("undl_id", "name", "vote", "symbol", "date")
_CHOICES = {
    "Y": VoteChoice.YES.value,
    "N": VoteChoice.NO.value,
    "A": VoteChoice.ABSTAIN.value,
    "X": VoteChoice.NON_VOTING.value,
    "NV": VoteChoice.NON_VOTING.value,
    "": VoteChoice.NON_VOTING.value,
}
UNDL_MARKERS = frozenset({"ms_vote", "ms_votes"})
# " : resolution / adopted by the General Assembly" and its variants ("Assemly", "resolutions /", a full
# stop, "decision /"): the catalogue's statement of responsibility, not part of the title.
_CATALOGUE_SUFFIX = re.compile(
    r"\s*:\s*(?:resolutions?|decisions?)(?:\s*/.*|\s+(?:adopted|by)\b.*)?\s*$", re.IGNORECASE
)
# "A/38/251 34 Situation in the Middle East. MIDDLE EAST SITUATION": the agenda document, the item number
# and its title, then the catalogue's subject heading in capitals.
_AGENDA = re.compile(r"^(?P<document>A/\S+)\s+(?P<item>\d+[a-z]?)\s+(?P<title>.*)$")
_HEADING = re.compile(r"\.\s+[^a-z]+$")


def clean_title(title: str) -> str:
    """The Library's title without the catalogue's suffix."""
    return _CATALOGUE_SUFFIX.sub("", title.strip())


def split_agenda(agenda: str) -> tuple[str, str]:
    """(item number, title) of the Library's agenda entry; ("", text) if it has another shape."""
    agenda = agenda.strip()
    m = _AGENDA.match(agenda)
    if not m:
        return "", agenda
    title = _HEADING.sub(".", m["title"]).strip() if m["title"].upper() != m["title"] else m["title"]
    return m["item"], title.rstrip(".") if title.endswith("..") else title


def _columns(source: SourceFile, header: Sequence[str]) -> dict[str, int]:
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


def parse_undl(source: SourceFile, data: bytes, decode: Callable[[bytes], str]) -> list[Record]:
    """Every record of the file, in file order. Raises IngestError naming the line of a problem;
    ``decode`` turns the bytes into text for the row reader (or names the line of a byte that is not
    UTF-8)."""
    fast = _parse_columns(source, data)
    if fast is not None:
        return fast
    return _parse_rows(source, io.StringIO(decode(data)))


def _parse_columns(source: SourceFile, data: bytes) -> list[Record] | None:
    """The fast path; None if polars cannot read the file or finds anything the row reader must name."""
    header = next(csv.reader([data[: data.find(b"\n")].decode("utf-8-sig", "replace")]), [])
    col = _columns(source, header)
    wanted = {field: header[col[field]] for field in ("undl_id", "name", "vote", "code") if field in col}
    try:
        frame = pl.read_csv(
            data, columns=list(wanted.values()), infer_schema=False, empty_string_is_null=False
        )
    except (pl.exceptions.PolarsError, OSError, ValueError):
        return None
    ids = frame[wanted["undl_id"]]
    letters = (
        frame[wanted["vote"]].str.strip_chars().str.to_uppercase().replace_strict(_CHOICES, default=None)
    )
    if letters.null_count():
        return None  # an unknown vote: the row reader names its line
    if len(frame) != data.count(b"\n") - (1 if data.endswith(b"\n") else 0):
        # A quoted field spanning lines, a blank line, or quotes polars read otherwise than the csv
        # module would (it does not fail on them): the row reader decides, and names any problem.
        return None
    starts = (ids != ids.shift(1)).fill_null(True).arg_true().to_list()
    if ids.n_unique() != len(starts):
        return None  # a record's rows are not together: the row reader handles (or names) it
    state_names = frame[wanted["name"]].str.strip_chars().to_list()
    all_letters = "".join(letters.to_list())
    codes = frame[wanted["code"]].str.strip_chars() if "code" in wanted else None
    has_codes = codes is not None and bool((codes != "").any())
    code_list = codes.to_list() if codes is not None and has_codes else None
    ends = [*starts[1:], len(frame)]
    firsts = _first_rows(data, ids, starts)
    if firsts is None:
        return None
    records = []
    for start, end, row in zip(starts, ends, firsts, strict=True):
        if len(row) != len(header):
            return None

        def get(field: str, row: list[str] = row) -> str:
            return row[col[field]].strip() if field in col else ""

        try:
            # Line numbers here assume no field spans lines; on any problem the row reader, which
            # counts them, names it.
            record = _record(source, start + 2, get)
        except IngestError:
            return None
        record.voter_names = state_names[start:end]
        record.choices = all_letters[start:end]
        if code_list is not None:
            pairs = zip(record.voter_names, code_list[start:end], strict=True)
            record.name_codes = {name: code for name, code in pairs if code}
        records.append(record)
    return records


def _first_rows(data: bytes, ids: pl.Series, starts: list[int]) -> list[list[str]] | None:
    """The fields of each record's first row (0-based row numbers after the header), read with the csv
    module. A row of a record is at least as long as its first row's tail (the fields after the vote,
    which every row of the record repeats), so the search for the next record's first row starts that
    far on: the file is scanned about once in C, mostly skipped. None if a row is not where it should be."""
    rows = []
    position = data.find(b"\n") + 1
    previous_start, minimum = 0, 0
    for start, ident in zip(starts, ids.gather(starts).to_list(), strict=True):
        needle = b"\n" + ident.encode() + b","
        found = data.find(needle, max(position - 1, position - 1 + (start - previous_start - 1) * minimum))
        if found < 0 or (start == 0 and found != position - 1):
            return None
        position = found + 1
        end = data.find(b"\n", position)
        line = data[position : end if end >= 0 else len(data)]
        fields = next(csv.reader([line.decode("utf-8", "replace")]), [])
        # The tail: what follows the fourth comma that is outside quotes; a quoted name holds a comma.
        minimum = len(line) - len(",".join(fields[:4]).encode()) + len(ident) + 3 if len(fields) > 4 else 0
        previous_start = start
        rows.append(fields)
    return rows


def _parse_rows(source: SourceFile, lines: Iterable[str]) -> list[Record]:
    """The row-by-row reader: slower, and names the line of any problem."""
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

        choice = _CHOICES.get(get("vote").upper())
        if choice is None:
            raise IngestError(source.name, line, f"vote must be Y, N, A, X or NV, not {get('vote')!r}")
        record = records.get(get("undl_id"))
        if record is None:
            record = records[get("undl_id")] = _record(source, line, get)
        elif _date(source, line, get("date")) != record.day:
            raise IngestError(source.name, line, f"record {get('undl_id')} has two dates in this file")
        name = get("name") or get("code")
        record.add_votes([name], choice)
        if get("code"):
            record.name_codes[name] = get("code")
    return list(records.values())


def _record(source: SourceFile, line: int, get: Callable[[str], str]) -> Record:
    raw_symbol = get("symbol")
    symbol = parse_symbol(raw_symbol)
    if symbol is None and not re.fullmatch(r"A/(?:RES|DEC)/\S+", raw_symbol):
        raise IngestError(source.name, line, f"not a resolution symbol: {raw_symbol!r}")
    undl_id = get("undl_id")
    if not (undl_id.isascii() and undl_id.isdigit()):
        raise IngestError(source.name, line, f"undl_id is not a number: {undl_id!r}")
    item, agenda_title = split_agenda(get("agenda_title"))
    session_kind, session_number = (
        (symbol.session.kind, symbol.session.number) if symbol else _session(get("session"))
    )
    record = Record(
        source=source,
        line=line,
        day=_date(source, line, get("date")),
        symbol=symbol.canonical if symbol else "",
        session_kind=session_kind,
        session_number=session_number,
        adoption=Adoption.RECORDED_VOTE,
        title=clean_title(get("title")),
        meeting_record=get("meeting"),
        draft_symbol=get("draft"),
        agenda_item=item,
        agenda_title=agenda_title,
        official_yes=_total(source, line, get("yes")),
        official_no=_total(source, line, get("no")),
        official_abstain=_total(source, line, get("abstain")),
        official_non_voting=_total(source, line, get("non_voting")),
        has_roll_call=True,
        undl_id=int(undl_id),
        source_symbol="" if symbol else raw_symbol,
    )
    if symbol is None:
        record.notes.append(
            f"The UN Digital Library gives the symbol as {raw_symbol}, which names no resolution."
        )
    for term in re.split(r"\s*[|;]\s*", get("subjects")):
        if term:
            record.subjects.add(("UNBIS", term[:300]))
    return record


def _session(column: str) -> tuple[SessionKind, int]:
    """The Library's session column (``38``, ``ES-10``, ``S-1``), read only where the symbol is unusable."""
    m = re.fullmatch(r"(?:(ES|S)-)?(\d+)", column.strip())
    if not m:
        return SessionKind.REGULAR, 0
    kind = {"ES": SessionKind.EMERGENCY_SPECIAL, "S": SessionKind.SPECIAL}.get(
        m[1] or "", SessionKind.REGULAR
    )
    return kind, int(m[2])


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
