"""Provisional records: votes entered from the day's reports before the UN publishes its record, and their
replacement when an import brings the official one.

Records come in reviewed files in the admin form's shape (app.admin.record_file; data/sources/provisional/
ships the vote of 24 February 2026), read and checked by the admin's own form logic, so a file can say
nothing the form would refuse. Each is addressed by its page key (session and date) until its symbol is
known. An import writes a record once, updates it when the file changes, keeps it when an admin has
changed it since, and leaves it alone once the official record has replaced it.

The replacement runs at the end of every import: a provisional record and an official one of the same
session and date whose totals agree (in favour, against, abstaining) are one vote. The provisional row
stays (its id, so its audit history and notes of intended votes; its source note and page address) and
takes the official record's symbol, facts and roll call; the official row the import wrote is removed.
The import names each replacement.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session, selectinload

from app.admin.entry import Entry, read_entry
from app.admin.record_file import RecordFileError, is_record_file, read_records
from app.admin.service import page_key, snapshot, write_entry
from app.audit import Actor, record, utcnow
from app.ingest.errors import IngestError
from app.ingest.summary import ProvisionalResult
from app.models import Base, DataSource, DecisionKind, Resolution, SourceKind, State, Vote, VoteIntention
from app.urls import symbol_path

IMPORT_ACTOR = Actor(None, "import")
SUFFIX = ".toml"


def split_paths(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(record files among the paths and inside the folders, the paths left for the other formats). A
    folder holding nothing but record files is not passed on (the other formats would find no data)."""
    files: list[Path] = []
    rest: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*" + SUFFIX) if p.is_file() and _is_record(p))
            files.extend(found)
            if not found or any(p.is_file() and not p.name.endswith(SUFFIX) for p in path.rglob("*")):
                rest.append(path)
        elif path.is_file() and path.name.endswith(SUFFIX) and _is_record(path):
            files.append(path)
        else:
            rest.append(path)
    return files, rest


def _is_record(path: Path) -> bool:
    try:
        return is_record_file(path.read_text(encoding="utf-8-sig")[:4000])
    except (OSError, UnicodeDecodeError):
        return False


def import_files(session: Session, files: list[Path], result: ProvisionalResult) -> None:
    """Write the records of each file (see the module's docstring). IngestError names file and record."""
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        try:
            records = read_records(text)
        except RecordFileError as exc:
            raise IngestError(str(path), None, str(exc)) from None
        source = _source(session, path, text)
        for item in records:
            entry = read_entry(session, item.raw)
            if entry.errors:
                problems = "; ".join(f"{name}: {message}" for name, message in sorted(entry.errors.items()))
                raise IngestError(str(path), None, f"record {item.number}: {problems}")
            _write(session, path, item.page_key, entry, source, result)


def _source(session: Session, path: Path, text: str) -> DataSource:
    digest = hashlib.sha256(text.encode()).hexdigest()
    found = session.scalar(
        select(DataSource).where(
            DataSource.kind == SourceKind.PROVISIONAL,
            DataSource.name == path.name,
            DataSource.sha256 == digest,
        )
    )
    if found is None:
        found = DataSource(kind=SourceKind.PROVISIONAL, name=path.name, sha256=digest, version="")
        session.add(found)
        session.flush()
    return found


def _fingerprint(entry: Entry) -> str:
    payload = [repr(entry.facts), sorted((k, v.value) for k, v in entry.votes.items())]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


def _write(
    session: Session, path: Path, key: str, entry: Entry, source: DataSource, result: ProvisionalResult
) -> None:
    assert entry.facts is not None
    key = key or page_key(entry.facts)
    fingerprint = _fingerprint(entry)
    row = session.scalar(
        select(Resolution).options(selectinload(Resolution.subjects)).where(Resolution.page_key == key)
    )
    if row is not None and (not row.provisional or row.symbol):
        return  # the official record has replaced it (or an admin gave it its symbol)
    if row is not None and row.imported_hash == fingerprint:
        result.unchanged += 1
        return
    admin_kind = (
        session.scalar(select(DataSource.kind).where(DataSource.id == row.source_id)) if row else None
    )
    if row is not None and admin_kind is SourceKind.ADMIN:
        result.kept.append(key)  # an admin corrected it after the file was imported: theirs stands
        return
    before = None
    if row is None:
        # New when its file is imported, after the history the same import may write (PostgreSQL's now()
        # is the transaction's start, the same for every row of one import).
        row = Resolution(
            kind=DecisionKind.RESOLUTION, published=True, published_at=utcnow(), page_key=key, subjects=[]
        )
        result.added += 1
    else:
        before = snapshot(row, _votes_by_code(session, row.id))
        result.changed += 1
    write_entry(session, row, entry, source.id, SourceKind.PROVISIONAL)
    row.imported_kind, row.imported_hash = SourceKind.PROVISIONAL, fingerprint
    session.flush()
    action = "create" if before is None else "edit"
    summary = f"provisional record from {path.name}"
    record(session, IMPORT_ACTOR, action, "resolution", row.id, summary, before, snapshot(row, _votes(entry)))


def _votes(entry: Entry) -> dict[str, str]:
    return dict(sorted(entry.choices.items()))


def _votes_by_code(session: Session, resolution_id: int) -> dict[str, str]:
    rows = session.execute(
        select(State.code, Vote.choice)
        .join(State, State.id == Vote.state_id)
        .where(Vote.resolution_id == resolution_id)
    )
    return {code: choice.value for code, choice in rows}


# --- Replacing provisional records by the official ones ------------------------------------------------

# Columns a provisional row keeps when the official record replaces it.
_KEPT = {"id", "created_at", "published_at", "published", "source_note", "page_key", "version", "provisional"}


def _totals(row: Resolution) -> tuple[int | None, int | None, int | None]:
    if row.official_yes is not None:
        return (row.official_yes, row.official_no, row.official_abstain)
    return (row.tally_yes, row.tally_no, row.tally_abstain)


def replace_provisional(session: Session, result: ProvisionalResult) -> None:
    """Give each provisional record the official record of the same vote, if an import has brought it."""
    pending = list(
        session.scalars(
            select(Resolution)
            .options(selectinload(Resolution.subjects))
            .where(Resolution.provisional.is_(True), Resolution.kind == DecisionKind.RESOLUTION)
        )
    )
    for row in pending:
        candidates = [
            c
            for c in session.scalars(
                select(Resolution).where(
                    Resolution.kind == DecisionKind.RESOLUTION,
                    Resolution.provisional.is_(False),
                    # The official record comes from an import (an admin's draft of the same vote is not it).
                    Resolution.imported_kind.is_not(None),
                    Resolution.imported_kind != SourceKind.PROVISIONAL,
                    Resolution.published.is_(True),
                    Resolution.symbol != "",
                    Resolution.session_kind == row.session_kind,
                    Resolution.session_number == row.session_number,
                    Resolution.adopted_on == row.adopted_on,
                    Resolution.id != row.id,
                )
            )
            if _totals(c) == _totals(row)
        ]
        if row.symbol:
            candidates = [c for c in candidates if c.symbol == row.symbol]
        if len(candidates) == 1:
            _replace(session, row, candidates[0], result)


def _replace(session: Session, row: Resolution, official: Resolution, result: ProvisionalResult) -> None:
    before = snapshot(row, _votes_by_code(session, row.id))
    values = {c.key: getattr(official, c.key) for c in Resolution.__table__.columns if c.key not in _KEPT}
    # The official row gives up its unique symbol and roll-call id first, then its dependants move over.
    session.execute(
        update(Resolution)
        .where(Resolution.id == official.id)
        .values(symbol="", voeten_rcid=None, undl_id=None)
    )
    for table, column in _dependants():
        if table is VoteIntention.__table__:
            continue  # notes of intended votes were made on the provisional record: they stay
        session.execute(delete(table).where(column == row.id))
        session.execute(update(table).where(column == official.id).values({column.key: row.id}))
    session.execute(delete(Resolution).where(Resolution.id == official.id))
    session.expunge(official)
    for name, value in values.items():
        setattr(row, name, value)
    row.provisional = False
    session.flush()
    session.refresh(row, ["subjects"])  # moved over from the official row above
    label = f"{row.page_key or row.id} -> {row.symbol} ({symbol_path(row.symbol)})"
    result.replaced.append(label)
    record(
        session,
        IMPORT_ACTOR,
        "replace_provisional",
        "resolution",
        row.id,
        f"the official record {row.symbol} replaced the provisional roll call and symbol",
        before,
        snapshot(row, _votes_by_code(session, row.id)),
    )


def _dependants() -> list[tuple[Table, Any]]:
    """Every table column that refers to a resolution, as the schema declares it (so a table added
    later moves over too)."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "resolution" and fk.column.name == "id" and table.name != "resolution":
                found.append((table, fk.parent))
    return found
