"""Writing prepared decisions to the database: one transaction, idempotent, bulk where it matters.

A decision is new (inserted), changed (its fingerprint differs: row updated, roll call replaced) or
unchanged (skipped). A record from a less authoritative source than the row's only adds what the row
lacks (Voeten's roll-call id, important-vote flag and issue codes): this is also how the overlap of two
sources in one import (session 74) becomes one resolution.

The sources are reconciled within one import (app.ingest.reconcile), so an import of some of them is
careful with decisions others also hold: a decision replaces a stored row only if it comes from every
source the row came from (an import of DGACM's file alone does not replace the Library's roll call with
DGACM's lists); otherwise it only fills in what the row lacks. A decision the import no longer produces
from a file it read again (a stale row: Voeten's old references stood in for symbols before the sources
were reconciled) is removed, unless an admin saved it or noted an intended vote on it.

An import never silently undoes an admin's decision. A resolution an admin saved (its source is then
the admin) keeps its facts, roll call and subjects; when its source record has changed since the edit
(``imported_hash``), the import names it in ``kept``, once. A resolution an admin unpublished takes its
changed source record but stays unpublished, and is named in ``unpublished``: only an admin publishes
it again.

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

import datetime as dt
import functools
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from app.ingest.prepare import NO_VOTE, Decision
from app.ingest.records import PRECEDENCE, Record, SourceFile
from app.models import (
    DataSource,
    DecisionKind,
    Resolution,
    ResolutionSubject,
    SourceDifference,
    SourceKind,
    Vote,
    VoteChoice,
    VoteIntention,
)

VOTE_INDEX = ("ix_vote_state_id_resolution_id_choice", "vote (state_id, resolution_id, choice)")
# Dropped during a bulk load into PostgreSQL and added back once (SQLite's WITHOUT ROWID table *is* its key).
VOTE_POSTGRES_CONSTRAINTS = (
    ("pk_vote", "PRIMARY KEY (resolution_id, state_id)"),
    (
        "fk_vote_resolution_id_resolution",
        "FOREIGN KEY (resolution_id) REFERENCES resolution (id) ON DELETE CASCADE",
    ),
    ("fk_vote_state_id_state", "FOREIGN KEY (state_id) REFERENCES state (id)"),
)
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
BATCH = 250  # decisions per batch of statements
QUEUED = 2  # batches handed to the writer thread and not yet written, at most
Job = Callable[[Connection], int]  # writes one batch; returns the number of votes written


@dataclass
class WriteResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    votes_written: int = 0
    # Saved by an admin, and their source record changed since: kept as the admin left them.
    kept: list[str] = field(default_factory=list)
    # Unpublished by an admin, and their source record changed: updated, still unpublished.
    unpublished: list[str] = field(default_factory=list)
    removed: int = 0  # stale rows removed (see the module docstring)
    differences: int = 0  # differences between sources written


@dataclass
class _Existing:
    id: int
    source: SourceKind
    content_hash: str
    voeten_rcid: int | None
    important_vote: bool | None
    published: bool = True
    imported_kind: SourceKind | None = None  # what the last import wrote (see Resolution.imported_hash)
    imported_hash: str | None = None
    kinds: frozenset[SourceKind] = frozenset()  # the sources that hold the row's decision
    parent_id: int | None = None
    file: tuple[SourceKind, str] | None = None  # the file the row was last written from
    seen: bool = False  # produced by this import

    def held_by(self) -> frozenset[SourceKind]:
        return self.kinds or frozenset({self.source})


def decision_key(kind: DecisionKind, symbol: str, rcid: int | None, undl_id: int | None) -> tuple[str, str]:
    """Identity across sources: a resolution's UN symbol, else the source's roll-call id."""
    if kind is DecisionKind.RESOLUTION and symbol:
        return ("symbol", symbol)
    if rcid is not None:
        return ("rcid", str(rcid))
    return ("undl", str(undl_id))


def decision_label(r: Record) -> str:
    """How the import summary names a decision: its symbol, and for a separate vote its roll call."""
    if r.kind is DecisionKind.RESOLUTION and r.symbol:
        return r.symbol
    ident = f"Voeten roll call {r.voeten_rcid}" if r.voeten_rcid is not None else f"UNDL record {r.undl_id}"
    return f"{r.symbol} ({ident})" if r.symbol else ident


@dataclass
class _Batch:
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


class DecisionWriter:
    """Context manager: ``submit`` decisions in order; they are written in batches."""

    def __init__(
        self,
        session: Session,
        sources: list[SourceFile],
        progress: Callable[[int], None] | None = None,
        coverage: dict[SourceFile, SourceCoverage] | None = None,
    ) -> None:
        self.result = WriteResult()
        self._conn = session.connection()
        self._progress = progress
        self._postgres = self._conn.dialect.name == "postgresql"
        self._existing = _load_existing(session)
        self._subjects = _load_subjects(session) if self._existing else {}
        coverage = coverage or {}
        self._source_ids = {source: _source_id(session, source, coverage.get(source)) for source in sources}
        self._files = frozenset((source.kind, source.name) for source in sources)
        self._next_id = (session.scalar(select(func.max(Resolution.id))) or 0) + 1
        self._counted: set[int] = set()  # rows already counted as added or changed in this import
        self._named: set[int] = set()  # rows already named in ``kept`` or ``unpublished``
        # Into an empty vote table, build the secondary index once at the end rather than per row.
        self._bulk = not session.scalar(select(exists().select_from(Vote)))
        self._batch = _Batch()
        # Batches are written by one thread while this one reads and prepares the next: the database
        # drivers release the GIL while SQLite or PostgreSQL work, so the two overlap on two cores.
        self._writer: ThreadPoolExecutor
        self._pending: deque[Future[int]] = deque()

    def __enter__(self) -> DecisionWriter:
        if self._bulk:
            self._conn.exec_driver_sql(f"DROP INDEX {VOTE_INDEX[0]}")
            if self._postgres:
                for name, _ in VOTE_POSTGRES_CONSTRAINTS:
                    self._conn.exec_driver_sql(f"ALTER TABLE vote DROP CONSTRAINT {name}")
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")
        return self

    def submit(self, decision: Decision) -> None:
        self._plan(decision)
        if len(self._batch.roll_calls) >= BATCH:
            self._flush()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc is None:
                self._flush()
        finally:
            self._drain(collect=exc is None)
        if exc is not None:
            return  # the caller rolls the transaction back, index drop included
        self._remove_stale()
        if self._bulk:
            if self._postgres:
                # The default 64 MB, shared by parallel workers, makes the sorts spill to disk; LOCAL
                # lasts until the end of the transaction.
                self._conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
                for name, definition in VOTE_POSTGRES_CONSTRAINTS:
                    self._conn.exec_driver_sql(f"ALTER TABLE vote ADD CONSTRAINT {name} {definition}")
            self._conn.exec_driver_sql(f"CREATE INDEX {VOTE_INDEX[0]} ON {VOTE_INDEX[1]}")
        if self._postgres:  # ids were assigned here, not by the sequence
            self._conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('resolution', 'id'), "
                "coalesce((SELECT max(id) FROM resolution), 1))"
            )

    def release_roll_call_ids(self, decisions: list[Decision]) -> None:
        """Before writing: take Voeten roll-call ids off rows that will not keep them (the id is unique,
        and reconciliation can move a roll call from one stored decision to another)."""
        wanted = {}
        for decision in decisions:
            r = decision.record
            if r.voeten_rcid is not None:
                wanted[r.voeten_rcid] = decision_key(r.kind, r.symbol, r.voeten_rcid, r.undl_id)
        moved = [
            e.id
            for key, e in self._existing.items()
            if e.voeten_rcid is not None
            and e.source is not SourceKind.ADMIN
            and wanted.get(e.voeten_rcid, key) != key
        ]
        for first in range(0, len(moved), 500):
            chunk = moved[first : first + 500]
            self._conn.execute(update(Resolution).where(Resolution.id.in_(chunk)).values(voeten_rcid=None))
        for e in self._existing.values():
            if e.id in set(moved):
                e.voeten_rcid = None

    def _plan(self, decision: Decision) -> None:
        r = decision.record
        batch = self._batch
        key = decision_key(r.kind, r.symbol, r.voeten_rcid, r.undl_id)
        found = self._existing.get(key)
        kinds = frozenset(decision.sources or (r.source.kind,))
        if found is None:
            row_id, self._next_id = self._next_id, self._next_id + 1
            batch.new_rows.append(_stored(self._row(decision, row_id)))
            batch.roll_calls.append((row_id, decision))
            digest = decision.content_hash
            self._existing[key] = _Existing(
                row_id, r.source.kind, digest, r.voeten_rcid, r.important_vote, True, r.source.kind, digest,
                kinds, self._parent_id(decision), (r.source.kind, r.source.name), seen=True,
            )  # fmt: skip
            self._count(row_id, added=True)
            self._add_subjects(row_id, decision)
            self._add_differences(row_id, decision)
            return
        found.seen = True
        row_id = found.id
        if found.source is SourceKind.ADMIN:
            # The admin's save owns the facts, the roll call and the subject list (re-adding a subject
            # the admin removed would undo the edit); what the admin forms lack is still filled in.
            extra = self._admin_kept(found, decision)
            self._supplement(found, decision, extra, new_subjects=False)
            return
        if not found.held_by() <= kinds or found.content_hash == decision.content_hash:
            new_subjects = self._add_subjects(row_id, decision)
            parent = self._parent_id(decision)
            extra = {"parent_id": parent} if found.held_by() <= kinds and parent != found.parent_id else {}
            found.parent_id = parent if extra else found.parent_id
            self._supplement(found, decision, extra, new_subjects=new_subjects)
            return
        row = self._row(decision, row_id)
        row["voeten_rcid"] = r.voeten_rcid or found.voeten_rcid
        if row["important_vote"] is None:
            row["important_vote"] = found.important_vote
        found.source, found.content_hash = r.source.kind, decision.content_hash
        found.imported_kind, found.imported_hash = r.source.kind, decision.content_hash
        found.kinds, found.parent_id, found.file = kinds, row["parent_id"], (r.source.kind, r.source.name)
        if not found.published:
            self._name(self.result.unpublished, row_id, r)
        batch.changed_rows.append(row)
        batch.replaced.append(row_id)
        batch.roll_calls.append((row_id, decision))
        self._subjects.pop(row_id, None)
        self._add_subjects(row_id, decision)
        self._add_differences(row_id, decision)
        self._count(row_id, added=False)

    def _parent_id(self, decision: Decision) -> int | None:
        parent = self._existing.get(decision.parent) if decision.parent else None
        return parent.id if parent else None

    def _add_differences(self, row_id: int, decision: Decision) -> None:
        for d in decision.differences:
            self._batch.differences.append(
                [row_id, d.source.value, d.kind.value, d.state_id, d.item, d.shown[:200], d.other[:200]]
            )
        self.result.differences += len(decision.differences)

    def _remove_stale(self) -> None:
        """Remove the rows this import no longer produces (module docstring), in one statement a chunk."""
        stale = [
            e.id
            for e in self._existing.values()
            if not e.seen and e.source is not SourceKind.ADMIN and e.file in self._files
        ]
        if not stale:
            return
        noted = set(self._conn.scalars(select(VoteIntention.resolution_id).distinct()))
        stale = [row_id for row_id in stale if row_id not in noted]
        for first in range(0, len(stale), 500):
            self._conn.execute(delete(Resolution).where(Resolution.id.in_(stale[first : first + 500])))
        self.result.removed = len(stale)

    def _supplement(
        self, found: _Existing, decision: Decision, extra: dict[str, Any], *, new_subjects: bool
    ) -> None:
        """Unchanged, or a less authoritative source, or the admin's row: only fill in what the row
        lacks. ``extra`` holds columns to write that change nothing shown (see ``_admin_kept``)."""
        r = decision.record
        filled = False
        if found.voeten_rcid is None and r.voeten_rcid is not None:
            extra["voeten_rcid"] = found.voeten_rcid = r.voeten_rcid
            filled = True
        if found.important_vote is None and r.important_vote is not None:
            extra["important_vote"] = found.important_vote = r.important_vote
            filled = True
        if extra:
            self._batch.supplements.append({"id": found.id, **extra})
        if filled or new_subjects:
            self._count(found.id, added=False)
        elif found.id not in self._counted:
            self._counted.add(found.id)
            self.result.unchanged += 1

    def _admin_kept(self, found: _Existing, decision: Decision) -> dict[str, Any]:
        """For a row an admin saved: would this record have changed the row, by the rule for every other
        row (at least as authoritative as what the last import wrote, and different)? Then the row is
        kept and named, and the record is remembered, so that the next import names it only if the
        source changes again. Returns the columns to write."""
        r = decision.record
        if found.imported_kind is not None and (
            PRECEDENCE[found.imported_kind] > PRECEDENCE[r.source.kind]
            or found.imported_hash == decision.content_hash
        ):
            return {}
        found.imported_kind, found.imported_hash = r.source.kind, decision.content_hash
        self._name(self.result.kept, found.id, r)
        return {"imported_kind": r.source.kind, "imported_hash": decision.content_hash}

    def _name(self, names: list[str], row_id: int, record: Record) -> None:
        if row_id not in self._named:
            self._named.add(row_id)
            names.append(decision_label(record))

    def _count(self, row_id: int, *, added: bool) -> None:
        if row_id in self._counted:
            return
        self._counted.add(row_id)
        if added:
            self.result.added += 1
        else:
            self.result.changed += 1

    def _add_subjects(self, row_id: int, decision: Decision) -> bool:
        have = self._subjects.setdefault(row_id, set())
        new = decision.record.subjects - have
        have |= new
        self._batch.subjects.extend([row_id, vocabulary, term] for vocabulary, term in sorted(new))
        return bool(new)

    def _row(self, decision: Decision, row_id: int) -> dict[str, Any]:
        r = decision.record
        yes, no, abstain, non_voting = decision.tally
        return {
            "id": row_id, "symbol": r.symbol, "kind": r.kind, "title": r.title, "description": r.description,
            "adopted_on": r.day, "session_kind": r.session_kind, "session_number": r.session_number,
            "meeting_record": r.meeting_record, "draft_symbol": r.draft_symbol, "committee": r.committee,
            "agenda_item": r.agenda_item, "agenda_title": r.agenda_title, "adoption": r.adoption,
            "adopted": r.adopted, "important_vote": r.important_vote, "official_yes": r.official_yes,
            "official_no": r.official_no, "official_abstain": r.official_abstain,
            "official_non_voting": r.official_non_voting, "tally_yes": yes, "tally_no": no,
            "tally_abstain": abstain, "tally_non_voting": non_voting, "roll_call_complete": decision.complete,
            "discrepancy": decision.discrepancy, "voeten_rcid": r.voeten_rcid, "voeten_ref": r.voeten_ref,
            "undl_id": r.undl_id, "parent_id": self._parent_id(decision),
            "source_kinds": " ".join(k.value for k in decision.sources or (r.source.kind,)),
            "source_id": self._source_ids[r.source], "content_hash": decision.content_hash,
            "imported_kind": r.source.kind, "imported_hash": decision.content_hash,
            "published": True, "version": 1,
        }  # fmt: skip

    def _flush(self) -> None:
        batch, self._batch = self._batch, _Batch()
        if not len(batch) and not batch.roll_calls:
            return
        job = self._postgres_job(batch) if self._postgres else self._sqlite_job(batch)
        self._pending.append(self._writer.submit(job, self._conn))
        while len(self._pending) > QUEUED or (self._pending and self._pending[0].done()):
            self._collect(self._pending.popleft())

    def _drain(self, *, collect: bool) -> None:
        """Wait for every batch handed to the writer, counting them if ``collect``; the first error is
        raised. Waits even after an error: nothing may still be writing when the caller rolls back."""
        try:
            while self._pending:
                written = self._pending.popleft()
                if collect:
                    self._collect(written)
                else:
                    written.exception()
        finally:
            self._writer.shutdown()  # waits for whatever is still queued or running

    def _collect(self, written: Future[int]) -> None:
        """Count a written batch; a failed one raises its error here, in the importing thread."""
        count = written.result()
        self.result.votes_written += count
        if self._progress:
            self._progress(count)

    def _sqlite_job(self, batch: _Batch) -> Job:
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
            _apply_updates(conn, batch)
            if batch.subjects:
                driver.executemany(_insert_sql("resolution_subject", SUBJECT_COLUMNS), batch.subjects)
            if batch.differences:
                driver.executemany(_insert_sql("source_difference", DIFFERENCE_COLUMNS), batch.differences)
            if batch.roll_calls:
                driver.execute(_SQLITE_VOTES, (votes,))
            return count

        return job

    def _postgres_job(self, batch: _Batch) -> Job:
        rows = batch.new_rows
        lines = "".join([_copy_lines(row_id, d.letters) for row_id, d in batch.roll_calls])
        count = sum(d.vote_count for _, d in batch.roll_calls)

        def job(conn: Connection) -> int:
            driver = conn.connection.driver_connection
            assert driver is not None
            with driver.cursor() as cursor:
                if rows:
                    with cursor.copy(f"COPY resolution ({', '.join(RESOLUTION_COLUMNS)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                _apply_updates(conn, batch)
                if batch.subjects:
                    with cursor.copy(
                        f"COPY resolution_subject ({', '.join(SUBJECT_COLUMNS)}) FROM STDIN"
                    ) as copy:
                        for subject in batch.subjects:
                            copy.write_row(subject)
                if batch.differences:
                    with cursor.copy(
                        f"COPY source_difference ({', '.join(DIFFERENCE_COLUMNS)}) FROM STDIN"
                    ) as copy:
                        for difference in batch.differences:
                            copy.write_row(difference)
                if lines:
                    with cursor.copy("COPY vote (resolution_id, state_id, choice) FROM STDIN") as copy:
                        copy.write(lines)
            return count

        return job


@functools.cache
def _line_ends(width: int) -> list[dict[str, str]]:
    """Per state id, the end of a COPY line for each letter: "\t{state id}\t{letter}\n"."""
    return [{c: f"\t{state_id}\t{c}\n" for c in _LETTERS} for state_id in range(width)]


def _copy_lines(row_id: int, letters: str) -> str:
    """A roll call as COPY text lines (resolution id, state id, choice), from precomputed line ends."""
    start, ends = str(row_id), _line_ends(len(letters))
    return "".join([start + ends[i][c] for i, c in enumerate(letters) if c != NO_VOTE])


def _apply_updates(conn: Connection, batch: _Batch) -> None:
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


def _stored(row: dict[str, Any]) -> list[Any]:
    """A new row's values in RESOLUTION_COLUMNS order, enums as the text both databases store."""
    values = list(row.values())
    for index in _ENUMS:
        values[index] = values[index].value
    return values


@dataclass(frozen=True)
class SourceCoverage:
    """What one file holds: the dates of its first and last votes and its number of decisions."""

    first_day: dt.date
    last_day: dt.date
    records: int


def _source_id(session: Session, source: SourceFile, coverage: SourceCoverage | None) -> int:
    row_id = session.scalar(
        select(DataSource.id).where(
            DataSource.kind == source.kind, DataSource.name == source.name, DataSource.sha256 == source.sha256
        )
    )
    covers = (
        {"first_day": coverage.first_day, "last_day": coverage.last_day, "records": coverage.records}
        if coverage
        else {}
    )
    if row_id is None:
        values = {
            "kind": source.kind,
            "name": source.name,
            "sha256": source.sha256,
            "version": source.version,
            **covers,
        }
        row_id = session.execute(insert(DataSource).values(**values).returning(DataSource.id)).scalar_one()
    elif covers:
        session.execute(update(DataSource).where(DataSource.id == row_id).values(**covers))
    return row_id


def _load_existing(session: Session) -> dict[tuple[str, str], _Existing]:
    rows = session.execute(
        select(
            Resolution.id, Resolution.kind, Resolution.symbol, Resolution.voeten_rcid, Resolution.undl_id,
            DataSource.kind.label("source"), Resolution.content_hash, Resolution.important_vote,
            Resolution.published, Resolution.imported_kind, Resolution.imported_hash, Resolution.source_kinds,
            Resolution.parent_id, DataSource.name,
        ).join(DataSource, Resolution.source_id == DataSource.id)
    )  # fmt: skip
    return {
        decision_key(row.kind, row.symbol, row.voeten_rcid, row.undl_id): _Existing(
            row.id,
            row.source,
            row.content_hash,
            row.voeten_rcid,
            row.important_vote,
            row.published,
            row.imported_kind,
            row.imported_hash,
            frozenset(SourceKind(k) for k in row.source_kinds.split()),
            row.parent_id,
            (row.source, row.name),
        )
        for row in rows
    }


def _load_subjects(session: Session) -> dict[int, set[tuple[str, str]]]:
    rows = session.execute(
        select(ResolutionSubject.resolution_id, ResolutionSubject.vocabulary, ResolutionSubject.term)
    )
    subjects: dict[int, set[tuple[str, str]]] = {}
    for row_id, vocabulary, term in rows:
        subjects.setdefault(row_id, set()).add((vocabulary, term))
    return subjects
