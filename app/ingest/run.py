"""The import as one operation: read, check, resolve and write, inside the caller's transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import refresh_planner_statistics
from app.ingest import provisional
from app.ingest.load import DecisionWriter
from app.ingest.parse import iter_records
from app.ingest.prepare import Preparer
from app.ingest.provisional import ProvisionalResult
from app.ingest.reference import build_resolver, load_reference, sync_states
from app.ingest.sources import discover
from app.models import State
from app.resolutions.search import rebuild_search_index
from app.series.refresh import refresh_series


class Reporter:
    """Progress callbacks; the CLI shows a progress bar, tests and the server stay quiet."""

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


@dataclass
class ImportSummary:
    files: list[str] = field(default_factory=list)
    states_added: int = 0
    states_changed: int = 0
    states_kept: list[str] = field(default_factory=list)  # changed by an admin, unlike the file: kept
    resolutions_added: int = 0
    resolutions_changed: int = 0
    resolutions_unchanged: int = 0
    # Saved through the admin, and their source record changed since: kept as the admin left them.
    resolutions_kept: list[str] = field(default_factory=list)
    # Unpublished through the admin, and their source record changed: updated, still unpublished.
    unpublished_updated: list[str] = field(default_factory=list)
    votes_written: int = 0
    flagged: int = 0  # records whose official totals and roll call disagree, or with a source note
    duplicate_names: int = 0
    outside_membership: Counter[str] = field(default_factory=Counter)
    provisional: ProvisionalResult = field(default_factory=ProvisionalResult)

    @property
    def changed_anything(self) -> bool:
        changed = (self.states_added, self.states_changed, self.resolutions_added, self.resolutions_changed)
        return any(changed) or self.provisional.changed_anything


def import_paths(
    session: Session, paths: list[Path], reference_path: Path, reporter: Reporter | None = None
) -> ImportSummary:
    """Import files or folders of any supported format. Raises IngestError / UnmatchedNamesError.

    Nothing is committed here: the caller owns the transaction, so a failure leaves the database as it was.
    """
    report = reporter or Reporter()
    report.stage("Reading files")
    record_files, paths = provisional.split_paths(paths)
    inputs = discover(paths) if paths or not record_files else []
    reference = load_reference(reference_path)
    report.stage("Member states")
    synced = sync_states(session, reference)
    states_added, states_changed = synced.added, synced.changed
    codes = dict(session.execute(select(State.id, State.code)).all())
    preparer = Preparer(build_resolver(session), codes)
    report.stage("Importing votes")
    with DecisionWriter(session, [item.source for item in inputs], report.advance) as writer:
        for record in iter_records(inputs):
            writer.submit(preparer.prepare(record))
        preparer.finish()
        report.stage("Building indexes")  # the last batches are written and the indexes built on leaving
    written = writer.result
    report.stage("Provisional records")
    recorded = provisional.ProvisionalResult()
    provisional.import_files(session, record_files, recorded)
    provisional.replace_provisional(session, recorded)
    changed = any((written.added, written.changed, states_added, states_changed, recorded.changed_anything))
    report.stage("Search index")
    rebuild_search_index(session, skip_if_filled=not changed)
    report.stage("Series of recurring resolutions")
    refresh_series(session)
    if changed:
        report.stage("Planner statistics")
        refresh_planner_statistics(session)
    return ImportSummary(
        files=[str(item.path) for item in inputs] + [str(path) for path in record_files],
        states_added=states_added,
        states_changed=states_changed,
        states_kept=synced.kept,
        resolutions_added=written.added,
        resolutions_changed=written.changed,
        resolutions_unchanged=written.unchanged,
        resolutions_kept=written.kept,
        unpublished_updated=written.unpublished,
        votes_written=written.votes_written,
        flagged=preparer.flagged,
        duplicate_names=preparer.duplicate_names,
        outside_membership=preparer.outside_membership,
        provisional=recorded,
    )
