"""The import as one operation, inside the caller's transaction: the sources' files (app.ingest), the
provisional records among them (app.admin.provisional, written the way the admin writes a record), then
what is derived from both (app.derived). ``unga import``, the tests and the benchmarks call it.

It sits above both app.ingest and app.admin, which the admin's entry makes depend one way: the admin
reads names and member states the import's way (app.ingest.names), and the import of the sources knows
nothing of the admin.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlalchemy.orm import Session

from app.admin import provisional
from app.derived import Written, after_write
from app.ingest.run import import_sources
from app.ingest.summary import ImportSummary, ProvisionalResult, Reporter


def import_paths(
    session: Session, paths: list[Path], reference_path: Path, reporter: Reporter | None = None
) -> ImportSummary:
    """Import files or folders of any supported format, provisional records included. Raises IngestError /
    UnmatchedNamesError; nothing is committed here, so a failure leaves the database as it was."""
    report = reporter or Reporter()
    report.stage("Reading files")
    record_files, paths = provisional.split_paths(paths)
    sources = import_sources(session, paths, record_files, reference_path, report)
    if sources.skipped:
        return sources.summary
    report.stage("Provisional records")
    recorded = ProvisionalResult()
    provisional.import_files(session, record_files, recorded)
    provisional.replace_provisional(session, recorded)
    summary = dataclasses.replace(sources.summary, provisional=recorded)
    report.stage("Search index, series, planner statistics")
    after_write(session, Written(changed=summary.changed_anything))
    return summary
