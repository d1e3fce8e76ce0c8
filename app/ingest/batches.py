"""How the import writes a batch of planned decisions (app.ingest.load): a few large statements per batch.

Speed (benchmarks/import_speed.py): decisions are planned in batches and each batch is written with a
few large statements: SQLite expands a batch's roll calls (letters by state id) with json_each in C,
PostgreSQL takes COPY. Binding a million parameter tuples through executemany is about 1.5x slower. A
writer thread runs the batches while the importing thread prepares the next: both drivers release the
GIL while the database works, and a batch's votes (most of the work) are one statement, so the thread
rarely queues for the GIL (an earlier writer thread, with one statement per roll call, gained nothing).
Measured on the shared two-vCPU machine: it hides most of PostgreSQL's COPY work (a separate process);
for SQLite it measured neutral there, as no core was idle. Into an empty vote table
the secondary index (and, on PostgreSQL, the vote primary and foreign keys) are built once at the end,
inside the same transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, update

from app.ingest.prepare import NO_VOTE, Decision
from app.models import Resolution, ResolutionSubject, SourceDifference, Vote, VoteChoice

RESOLUTION_COLUMNS = (
    "id", "symbol", "kind", "title", "description", "adopted_on", "session_kind", "session_number",
    "meeting_record", "draft_symbol", "committee", "agenda_item", "agenda_title", "adoption", "adopted",
    "important_vote", "official_yes", "official_no", "official_abstain", "official_non_voting", "tally_yes",
    "tally_no", "tally_abstain", "tally_non_voting", "roll_call_complete", "discrepancy", "voeten_rcid",
    "voeten_ref", "undl_id", "parent_id", "source_kinds", "source_id", "content_hash", "imported_kind",
    "imported_hash", "published", "version",
)  # fmt: skip
_ENUMS = tuple(
    RESOLUTION_COLUMNS.index(name) for name in ("kind", "session_kind", "adoption", "imported_kind")
)
# Written for new rows only: an update leaves the row's publication to the admin and counts its version up.
_NOT_UPDATED = ("id", "published", "version")
_DAY = RESOLUTION_COLUMNS.index("adopted_on")
_LETTERS = tuple(choice.value for choice in VoteChoice)
_SQLITE_VOTES = (
    "INSERT INTO vote (resolution_id, state_id, choice) "
    "SELECT CAST(r.key AS INTEGER), v.key, v.value FROM json_each(?) AS r, json_each(r.value) AS v "
    f"WHERE v.value <> '{NO_VOTE}'"
)
SUBJECT_COLUMNS = ("resolution_id", "vocabulary", "term")
DIFFERENCE_COLUMNS = ("resolution_id", "source", "kind", "state_id", "item", "shown", "other")
Job = Callable[[Connection], int]  # writes one batch; returns the number of votes written


@dataclass
class Batch:
    new_rows: list[list[Any]] = field(default_factory=list)  # values in RESOLUTION_COLUMNS order
    changed_rows: list[dict[str, Any]] = field(default_factory=list)
    # Columns filling in what a row lacks, and the source record an admin's row was kept against.
    supplements: list[dict[str, Any]] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)
    subjects: list[list[Any]] = field(default_factory=list)
    differences: list[list[Any]] = field(default_factory=list)
    roll_calls: list[tuple[int, Decision]] = field(default_factory=list)

    def __len__(self) -> int:
        return (
            len(self.new_rows)
            + len(self.changed_rows)
            + len(self.supplements)
            + len(self.subjects)
            + len(self.differences)
        )


def sqlite_job(batch: Batch) -> Job:
    # The batch's roll calls as one JSON object, resolution id -> an array of letters indexed by
    # state id: SQLite expands it with json_each in C, in one statement, so the writer thread holds
    # the GIL only briefly. (Measured slower: a JSON object of state id -> letter, a flat array of
    # triples, executemany of tuples, substr() over the state table. One statement per roll call is
    # about 8% cheaper, but takes the GIL back 250 times a batch.)
    votes = (
        "{"
        + ",".join(f'"{row_id}":["' + '","'.join(d.letters) + '"]' for row_id, d in batch.roll_calls)
        + "}"
    )
    count = sum(d.vote_count for _, d in batch.roll_calls)

    def job(conn: Connection) -> int:
        driver = conn.connection.driver_connection
        assert driver is not None
        if batch.new_rows:
            for row in batch.new_rows:
                row[_DAY] = row[_DAY].isoformat()  # as SQLAlchemy stores a date on SQLite
            driver.executemany(_insert_sql("resolution", RESOLUTION_COLUMNS), batch.new_rows)
        apply_updates(conn, batch)
        if batch.subjects:
            driver.executemany(_insert_sql("resolution_subject", SUBJECT_COLUMNS), batch.subjects)
        if batch.differences:
            driver.executemany(_insert_sql("source_difference", DIFFERENCE_COLUMNS), batch.differences)
        if batch.roll_calls:
            driver.execute(_SQLITE_VOTES, (votes,))
        return count

    return job


def postgres_job(batch: Batch) -> Job:
    rows = batch.new_rows
    lines = "".join([_copy_lines(row_id, d.letters) for row_id, d in batch.roll_calls])
    count = sum(d.vote_count for _, d in batch.roll_calls)

    def job(conn: Connection) -> int:
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            _copy_rows(cursor, "resolution", RESOLUTION_COLUMNS, rows)
            apply_updates(conn, batch)
            _copy_rows(cursor, "resolution_subject", SUBJECT_COLUMNS, batch.subjects)
            _copy_rows(cursor, "source_difference", DIFFERENCE_COLUMNS, batch.differences)
            if lines:
                with cursor.copy("COPY vote (resolution_id, state_id, choice) FROM STDIN") as copy:
                    copy.write(lines)
        return count

    return job


def _copy_rows(cursor: Any, table: str, columns: tuple[str, ...], rows: list[list[Any]]) -> None:
    """``rows`` into ``table`` by COPY: PostgreSQL's counterpart of SQLite's executemany of _insert_sql."""
    if rows:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


@functools.cache
def _line_ends(width: int) -> list[dict[str, str]]:
    """Per state id, the end of a COPY line for each letter: "\t{state id}\t{letter}\n"."""
    return [{c: f"\t{state_id}\t{c}\n" for c in _LETTERS} for state_id in range(width)]


def _copy_lines(row_id: int, letters: str) -> str:
    """A roll call as COPY text lines (resolution id, state id, choice), from precomputed line ends."""
    start, ends = str(row_id), _line_ends(len(letters))
    return "".join([start + ends[i][c] for i, c in enumerate(letters) if c != NO_VOTE])


def apply_updates(conn: Connection, batch: Batch) -> None:
    """Changed rows and supplements: rare (re-imports of changed sources), so plain SQLAlchemy."""
    for row in batch.changed_rows:
        # The row's own version is counted up here (a new row's "version" of 1 would clash with it), and
        # its publication stays as it is: only an admin unpublishes, and only an admin publishes again.
        values = {k: v for k, v in row.items() if k not in _NOT_UPDATED}
        conn.execute(
            update(Resolution)
            .where(Resolution.id == row["id"])
            .values(**values, version=Resolution.version + 1)
        )
    for row in batch.supplements:
        values = {k: v for k, v in row.items() if k != "id"}
        conn.execute(update(Resolution).where(Resolution.id == row["id"]).values(**values))
    if batch.replaced:
        # Replaced with the batch's own: the roll call, the subjects and the differences are the new
        # record's alone (rows an admin saved never get here).
        conn.execute(delete(Vote).where(Vote.resolution_id.in_(batch.replaced)))
        conn.execute(delete(ResolutionSubject).where(ResolutionSubject.resolution_id.in_(batch.replaced)))
        conn.execute(delete(SourceDifference).where(SourceDifference.resolution_id.in_(batch.replaced)))


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def stored_values(row: dict[str, Any]) -> list[Any]:
    """A new row's values in RESOLUTION_COLUMNS order, enums as the text both databases store."""
    values = list(row.values())
    for index in _ENUMS:
        values[index] = values[index].value
    return values
