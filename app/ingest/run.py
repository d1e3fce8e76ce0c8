"""The import of the sources' files: read, check, resolve and write, inside the caller's transaction.

app.importing joins it with the provisional records among the files (written as the admin writes a
record) and with what is derived from both."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.ingest.errors import IngestError
from app.ingest.load import DecisionWriter
from app.ingest.package import read_package
from app.ingest.parse import iter_records
from app.ingest.prepare import Decision, Preparer
from app.ingest.reconcile import reconcile
from app.ingest.records import SourceFile
from app.ingest.reference import build_resolver, load_reference, sync_states
from app.ingest.sources import InputFile, discover
from app.ingest.stored import SourceCoverage
from app.ingest.summary import ImportSummary, Reporter
from app.models import ImportRun, Resolution, SourceKind, State

# Part of every import's fingerprint: change it when the importer would write something else from the
# same files, so that a re-import of unchanged files does not stop early on an older importer's work.
IMPORTER_VERSION = "2026-12-02 reconciled record"


@dataclass(frozen=True)
class SourcesImported:
    summary: ImportSummary
    # The same files, member-state file and importer as the last import: nothing was read or written.
    skipped: bool = False


def import_sources(
    session: Session, paths: list[Path], record_files: list[Path], reference_path: Path, report: Reporter
) -> SourcesImported:
    """Import the sources' files or folders among ``paths`` (any supported format). ``record_files``, the
    provisional records imported beside them, count in the fingerprint. Raises IngestError /
    UnmatchedNamesError.

    Nothing is committed here: the caller owns the transaction, so a failure leaves the database as it was.
    An import of exactly the files and member-state file the last import read, by the same importer,
    finds nothing to do without reading them (``ImportRun``).
    """
    inputs = discover(paths) if paths or not record_files else []
    # A data package (app.ingest.package) carries its own member states and already reconciled decisions.
    package = read_package(inputs)
    inputs = package.inputs if package else inputs
    reference_bytes = _read_reference(reference_path)
    fingerprint = _fingerprint(inputs, reference_bytes, record_files)
    if _already_imported(session, fingerprint):
        files = [str(item.path) for item in inputs]
        return SourcesImported(
            ImportSummary(files=files, resolutions_unchanged=_count(session)), skipped=True
        )
    reference = package.reference() if package else load_reference(reference_path)
    report.stage("Member states")
    synced = sync_states(session, reference)
    codes = dict(session.execute(select(State.id, State.code)).all())
    report.stage("Reading votes")
    preparer = Preparer(build_resolver(session), codes)
    if package:
        prepared = package.decisions({code: state_id for state_id, code in codes.items()})
    else:
        prepared = [preparer.prepare(record) for record in iter_records(inputs)]
        preparer.finish()
        _check_voeten_alone(session, inputs)
    report.stage("Reconciling sources")
    decisions = reconcile(prepared)
    report.stage("Importing votes")
    sources = [item.source for item in inputs]
    with DecisionWriter(session, sources, report.advance, _coverage(prepared)) as writer:
        writer.release_roll_call_ids(decisions)
        for decision in decisions:
            writer.submit(decision)
        report.stage("Building indexes")  # the last batches are written and the indexes built on leaving
    written = writer.result
    session.add(ImportRun(fingerprint=fingerprint))
    summary = ImportSummary(
        files=[str(item.path) for item in inputs] + [str(path) for path in record_files],
        states_added=synced.added,
        states_changed=synced.changed,
        states_kept=synced.kept,
        resolutions_added=written.added,
        resolutions_changed=written.changed,
        resolutions_unchanged=written.unchanged,
        resolutions_kept=written.kept,
        unpublished_updated=written.unpublished,
        votes_written=written.votes_written,
        removed=written.removed,
        differences=sum(len(d.differences) for d in decisions),
        separate_votes=sum(1 for d in decisions if d.record.kind.value != "resolution"),
        flagged=sum(1 for d in decisions if d.discrepancy),
        duplicate_names=preparer.duplicate_names,
        outside_membership=Counter(code for d in decisions for code in d.outside),
    )
    return SourcesImported(summary)


def _check_voeten_alone(session: Session, inputs: list[InputFile]) -> None:
    """Voeten's roll calls are matched to the UN's records of the same import. Alone, on a database
    that holds the UN's records, they would come back as the unmatched votes of before reconciliation."""
    kinds = {item.source.kind for item in inputs}
    if SourceKind.VOETEN not in kinds or kinds & {SourceKind.UNDL, SourceKind.DGACM}:
        return
    holds_un = session.scalar(
        select(Resolution.id)
        .where(or_(Resolution.source_kinds.contains("undl"), Resolution.source_kinds.contains("dgacm")))
        .limit(1)
    )
    if holds_un is not None:
        where = ", ".join(str(item.path) for item in inputs if item.source.kind is SourceKind.VOETEN)
        raise IngestError(
            where,
            None,
            "Voeten's data is matched to the UN's records read in the same import, and this database holds "
            "the UN's records: import all the sources together (unga import data/sources)",
        )


def _read_reference(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""  # load_reference names the problem


def _fingerprint(inputs: list[InputFile], reference: bytes, record_files: list[Path]) -> str:
    digest = hashlib.sha256(IMPORTER_VERSION.encode())
    for item in sorted(inputs, key=lambda i: (i.source.kind.value, i.source.name)):
        digest.update(
            f"|{item.format}|{item.source.name}|{item.source.sha256}|{item.source.version}".encode()
        )
    for path in sorted(record_files):  # the provisional records (app.admin.provisional)
        digest.update(f"|{path.name}|".encode() + hashlib.sha256(path.read_bytes()).digest())
    digest.update(hashlib.sha256(reference).digest())
    return digest.hexdigest()


def _already_imported(session: Session, fingerprint: str) -> bool:
    """The newest import read exactly these files, and nothing was written since but by the admin (whose
    saves an import keeps anyway)."""
    latest = session.scalar(select(ImportRun.fingerprint).order_by(ImportRun.id.desc()).limit(1))
    return latest == fingerprint


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Resolution)) or 0


def _coverage(decisions: list[Decision]) -> dict[SourceFile, SourceCoverage]:
    days: dict[SourceFile, list[dt.date]] = {}
    for decision in decisions:
        days.setdefault(decision.record.source, []).append(decision.record.day)
    return {source: SourceCoverage(min(found), max(found), len(found)) for source, found in days.items()}
