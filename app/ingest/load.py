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

How a batch is written, and why that is fast, is app.ingest.batches; what the database held before the
import, app.ingest.stored.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from app.ingest.batches import Batch, postgres_job, sqlite_job, stored_values
from app.ingest.prepare import Decision
from app.ingest.records import PRECEDENCE, Record, SourceFile
from app.ingest.stored import Existing, SourceCoverage, decision_key, load_existing, load_subjects, source_id
from app.models import DecisionKind, Resolution, SourceKind, Vote, VoteIntention

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
BATCH = 250  # decisions per batch of statements
QUEUED = 2  # batches handed to the writer thread and not yet written, at most


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


def decision_label(r: Record) -> str:
    """How the import summary names a decision: its symbol, and for a separate vote its roll call."""
    if r.kind is DecisionKind.RESOLUTION and r.symbol:
        return r.symbol
    ident = f"Voeten roll call {r.voeten_rcid}" if r.voeten_rcid is not None else f"UNDL record {r.undl_id}"
    return f"{r.symbol} ({ident})" if r.symbol else ident


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
        self._existing = load_existing(session)
        self._subjects = load_subjects(session) if self._existing else {}
        coverage = coverage or {}
        self._source_ids = {source: source_id(session, source, coverage.get(source)) for source in sources}
        self._files = frozenset((source.kind, source.name) for source in sources)
        self._next_id = (session.scalar(select(func.max(Resolution.id))) or 0) + 1
        self._counted: set[int] = set()  # rows already counted as added or changed in this import
        self._named: set[int] = set()  # rows already named in ``kept`` or ``unpublished``
        # Into an empty vote table, build the secondary index once at the end rather than per row.
        self._bulk = not session.scalar(select(exists().select_from(Vote)))
        self._batch = Batch()
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
            batch.new_rows.append(stored_values(self._row(decision, row_id)))
            batch.roll_calls.append((row_id, decision))
            digest = decision.content_hash
            self._existing[key] = Existing(
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
        self, found: Existing, decision: Decision, extra: dict[str, Any], *, new_subjects: bool
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

    def _admin_kept(self, found: Existing, decision: Decision) -> dict[str, Any]:
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
        batch, self._batch = self._batch, Batch()
        if not len(batch) and not batch.roll_calls:
            return
        job = postgres_job(batch) if self._postgres else sqlite_job(batch)
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
