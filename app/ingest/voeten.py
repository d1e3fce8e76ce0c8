"""Parser for Erik Voeten's UN General Assembly voting data as packaged by the R package ``unvotes``.

Three CSV files: roll calls (one row per recorded vote), votes (one row per state per roll call, only
yes / no / abstain: absent members and non-members were dropped) and issue codes. Quirks handled:
month-level dates, amendment and paragraph votes (coded only until 1985), several roll calls on one
resolution, Namibia's country code "NA" (read as text, never as a missing value).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable

import polars as pl

from app.ingest.errors import IngestError
from app.ingest.records import Record, SourceFile
from app.ingest.transcripts import Reading, clean_transcript, is_transcript, read_transcript, transcript_title
from app.models.enums import Adoption, DecisionKind, VoteChoice
from app.symbols import from_voeten

ROLL_CALL_COLUMNS = ("rcid", "session", "importantvote", "date", "unres", "amend", "para", "short", "descr")
VOTE_COLUMNS = ("rcid", "country", "country_code", "vote")
ISSUE_COLUMNS = ("rcid", "short_name", "issue")
_LETTERS = {"yes": VoteChoice.YES.value, "no": VoteChoice.NO.value, "abstain": VoteChoice.ABSTAIN.value}


def _rows(
    source: SourceFile, lines: Iterable[str], columns: tuple[str, ...]
) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != columns:
        raise IngestError(source.name, 1, f"expected the columns {', '.join(columns)}")
    for row in reader:
        if len(row) != len(columns):
            raise IngestError(
                source.name, reader.line_num, f"expected {len(columns)} fields, found {len(row)}"
            )
        yield reader.line_num, row


def _flag(source: SourceFile, line: int, value: str, column: str) -> bool | None:
    if value == "":
        return None
    if value not in {"0", "1"}:
        raise IngestError(source.name, line, f"{column} must be 0, 1 or empty, not {value!r}")
    return value == "1"


def parse_roll_calls(source: SourceFile, lines: Iterable[str]) -> dict[int, Record]:
    records: dict[int, Record] = {}
    sections: dict[int, str] = {}
    titled: set[int] = set()  # roll calls described by the UN library's resolution title
    transcripts: dict[int, str] = {}  # roll calls described only by a passage of the meeting record
    for line, (rcid_s, session_s, important, date_s, unres, amend, para, short, descr) in _rows(
        source, lines, ROLL_CALL_COLUMNS
    ):
        try:
            rcid, session = int(rcid_s), int(session_s)
            day = dt.date.fromisoformat(date_s)
        except ValueError:
            raise IngestError(
                source.name, line, "rcid, session and date must be a number, a number and a date"
            ) from None
        if rcid in records:
            raise IngestError(source.name, line, f"roll call {rcid} appears twice")
        mapped = from_voeten(unres, session)
        is_amendment = _flag(source, line, amend, "amend")
        is_paragraph = _flag(source, line, para, "para")
        kind = (
            DecisionKind.AMENDMENT
            if is_amendment
            else DecisionKind.PARAGRAPH
            if is_paragraph or mapped.section
            else DecisionKind.RESOLUTION
        )
        notes = [] if unres else ["Voeten's data gives no resolution symbol for this vote."]
        if is_transcript(descr):
            transcripts[rcid] = descr
            title, description = "", clean_transcript(descr)  # titled below, once all are read
        else:
            title, description = title_and_description(short, descr)
        if _LIBRARY_SUFFIX.search(short) or _LIBRARY_SUFFIX.search(descr):
            titled.add(rcid)
        records[rcid] = Record(
            source=source,
            line=line,
            day=day,
            symbol=mapped.symbol,
            session_kind=mapped.session.kind,
            session_number=mapped.session.number,
            adoption=Adoption.RECORDED_VOTE,
            kind=kind,
            title=title,
            description=description,
            adopted=True if kind is DecisionKind.RESOLUTION and mapped.symbol.startswith("A/RES/") else None,
            important_vote=_flag(source, line, important, "importantvote"),
            has_roll_call=True,
            voeten_rcid=rcid,
            voeten_ref=unres.strip(),
            notes=notes,
        )
        if mapped.section:
            sections[rcid] = mapped.section
    _mark_separate_votes(records, titled)
    _title_transcripts(records, transcripts)
    return records


_LIBRARY_SUFFIX = re.compile(r"\s*:\s*resolution\s*/.*$", re.IGNORECASE)
# How the UN library's titles end in Voeten's data; a roll call so titled is a resolution's adoption.
LIBRARY_TITLE_SUFFIX = " : resolution / adopted by the General Assembly"


def title_and_description(short: str, descr: str) -> tuple[str, str]:
    """Voeten's ``descr`` is the UN library's title for recent votes (mixed case, "... : resolution /
    adopted by the General Assembly") and a description of the motion for older ones (upper case);
    ``short`` is a topic phrase. In sessions 71-73 the two swap: ``short`` holds the library title and
    ``descr`` the agenda entry ("A/71/251 39 - ..."). Use the real title wherever it is."""
    short, descr = short.strip(), descr.strip()
    if _LIBRARY_SUFFIX.search(short):
        return _LIBRARY_SUFFIX.sub("", short), descr
    if descr and not descr.isupper():
        return _LIBRARY_SUFFIX.sub("", descr), short
    return short, descr


def _mark_separate_votes(records: dict[int, Record], titled: set[int]) -> None:
    """Where several roll calls share a symbol, one is the vote on the whole text.

    Until 1985 Voeten codes amendment and paragraph votes; later ones are not coded, so of the
    uncoded roll calls on one symbol the adoption is the latest (highest roll-call id) of those that
    carry the UN library's resolution title (``titled``), or the latest of all where none does. The
    title matters: roll calls added to the dataset later (ids above 5700) include procedural motions
    filed under the resolution's symbol with a transcript for a description ("The Acting President:
    ..."), which would otherwise displace the real adoption (A/RES/61/11 on the Cuba embargo, 2006).
    The others are kept as separate votes on the same text.
    """
    adoption: dict[str, tuple[bool, int]] = {}
    for rcid, record in records.items():
        if record.kind is DecisionKind.RESOLUTION and record.symbol:
            rank = (rcid in titled, rcid)
            adoption[record.symbol] = max(rank, adoption.get(record.symbol, rank))
    for rcid, record in records.items():
        if record.kind is DecisionKind.RESOLUTION and record.symbol and adoption[record.symbol][1] != rcid:
            record.kind = DecisionKind.SEPARATE
            record.adopted = None


def _title_transcripts(records: dict[int, Record], transcripts: dict[int, str]) -> None:
    """Give each roll call described by a meeting-record passage a title read from it (app.ingest.
    transcripts). Where the passage names no draft, the text's name comes from another passage on the
    same symbol that names it (the nearest; the same draft where both say which), else from the title
    of a roll call on the symbol that has one (the adoption's first)."""
    vocabulary = frozenset(
        word
        for rcid, record in records.items()
        if rcid not in transcripts and not record.title.isupper()
        for word in re.findall(r"[^\W\d_]+", record.title.casefold())
    )
    readings = {rcid: read_transcript(text, vocabulary) for rcid, text in transcripts.items()}
    named: dict[str, list[tuple[int, Reading]]] = {}
    titles: dict[str, str] = {}
    for rcid, record in sorted(records.items(), key=lambda item: item[1].kind is not DecisionKind.RESOLUTION):
        if not record.symbol:
            continue
        if rcid in readings and readings[rcid].name:
            named.setdefault(record.symbol, []).append((rcid, readings[rcid]))
        elif rcid not in readings and record.title and not record.title.isupper():
            titles.setdefault(record.symbol, record.title)
    for rcid, reading in readings.items():
        record = records[rcid]
        text_title = ""
        if not reading.name and record.symbol:
            siblings = [
                (abs(other - rcid), other > rcid, sibling.name)
                for other, sibling in named.get(record.symbol, [])
                if not (reading.draft and sibling.draft) or reading.draft == sibling.draft
            ]
            text_title = min(siblings)[2] if siblings else titles.get(record.symbol, "")
        record.title = transcript_title(reading, record.kind, text_title)


def add_votes(
    records: dict[int, Record], source: SourceFile, data: bytes, decode: Callable[[bytes], str]
) -> int:
    """Attach each vote row to its roll call; returns the number of rows.

    The hot spot of Voeten's data (870,000 rows, in country order rather than by roll call). polars reads
    the columns and sorts the rows by roll call (in Rust, without the GIL), so that each roll call takes
    one slice of names and letters, with no Python statement per row. A file it cannot read, or one with
    a problem (a malformed row, an unknown roll call or vote), goes through the row-by-row reader, which
    names the line of the first problem; ``decode`` gives it the text.
    """
    columns = _vote_columns(data)
    if columns is not None:
        added = _add_vote_columns(records, *columns)
        if added is not None:
            return added
    return _add_vote_rows(records, source, io.StringIO(decode(data)))


def _vote_columns(data: bytes) -> tuple[list[int], list[int], list[str], str] | None:
    """Roll-call ids and their row counts, then the names and choice letters in roll-call order; None
    if the file needs the row reader."""
    header = data[: data.find(b"\n")].decode("utf-8-sig", "replace")
    if tuple(h.strip() for h in header.split(",")) != VOTE_COLUMNS:
        return None
    try:
        frame = pl.read_csv(data, infer_schema=False, empty_string_is_null=False)
    except (pl.exceptions.PolarsError, OSError, ValueError):
        return None
    if len(frame) != data.count(b"\n") - (1 if data.endswith(b"\n") else 0):
        return None  # quotes or line ends polars read otherwise than the csv module would
    frame = frame.with_columns(
        pl.col("rcid").cast(pl.Int64, strict=False),
        pl.col("vote").replace_strict(_LETTERS, default=None),
    )
    if frame["rcid"].null_count() or frame["vote"].null_count():
        return None
    frame = frame.sort("rcid", maintain_order=True)
    runs = frame.group_by("rcid", maintain_order=True).len()
    return (
        runs["rcid"].to_list(),
        runs["len"].to_list(),
        frame["country"].to_list(),
        "".join(frame["vote"].to_list()),
    )


def _add_vote_columns(
    records: dict[int, Record], rcids: list[int], counts: list[int], names: list[str], letters: str
) -> int | None:
    """Hand each roll call its slice; None, with nothing changed, if a roll call is not in the roll-calls
    file."""
    if not set(rcids) <= records.keys():
        return None
    start = 0
    for rcid, count in zip(rcids, counts, strict=True):
        record = records[rcid]
        record.voter_names += names[start : start + count]
        record.choices += letters[start : start + count]
        start += count
    return len(names)


def _add_vote_rows(records: dict[int, Record], source: SourceFile, lines: Iterable[str]) -> int:
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != VOTE_COLUMNS:
        raise IngestError(source.name, 1, f"expected the columns {', '.join(VOTE_COLUMNS)}")
    by_id = {str(rcid): record for rcid, record in records.items()}
    current_id, current = "", None
    count = 0
    for row in reader:
        try:
            rcid, country, _code, vote = row
        except ValueError:
            raise IngestError(source.name, reader.line_num, f"expected 4 fields, found {len(row)}") from None
        if rcid != current_id:
            current_id, current = rcid, by_id.get(rcid)
        letter = _LETTERS.get(vote)
        if current is None or letter is None:
            reason = (
                f"roll call {rcid!r} is not in the roll-calls file"
                if current is None
                else (f"vote must be yes, no or abstain, not {vote!r}")
            )
            raise IngestError(source.name, reader.line_num, reason)
        current.add_votes([country], letter)
        count += 1
    return count


def add_issues(records: dict[int, Record], source: SourceFile, lines: Iterable[str]) -> None:
    for line, (rcid_s, _short, issue) in _rows(source, lines, ISSUE_COLUMNS):
        record = records.get(int(rcid_s)) if rcid_s.isascii() and rcid_s.isdigit() else None
        if record is None:
            raise IngestError(source.name, line, f"roll call {rcid_s!r} is not in the roll-calls file")
        if issue.strip():
            record.subjects.add(("Voeten issue", issue.strip()))
