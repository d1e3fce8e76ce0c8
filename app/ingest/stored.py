"""What the database holds before an import writes: the stored decisions by identity, their subjects, and
the source files' rows (app.ingest.load)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.ingest.records import SourceFile
from app.models import DataSource, DecisionKind, Resolution, ResolutionSubject, SourceKind


@dataclass
class Existing:
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


@dataclass(frozen=True)
class SourceCoverage:
    """What one file holds: the dates of its first and last votes and its number of decisions."""

    first_day: dt.date
    last_day: dt.date
    records: int


def source_id(session: Session, source: SourceFile, coverage: SourceCoverage | None) -> int:
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


def load_existing(session: Session) -> dict[tuple[str, str], Existing]:
    rows = session.execute(
        select(
            Resolution.id, Resolution.kind, Resolution.symbol, Resolution.voeten_rcid, Resolution.undl_id,
            DataSource.kind.label("source"), Resolution.content_hash, Resolution.important_vote,
            Resolution.published, Resolution.imported_kind, Resolution.imported_hash, Resolution.source_kinds,
            Resolution.parent_id, DataSource.name,
        ).join(DataSource, Resolution.source_id == DataSource.id)
    )  # fmt: skip
    return {
        decision_key(row.kind, row.symbol, row.voeten_rcid, row.undl_id): Existing(
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


def load_subjects(session: Session) -> dict[int, set[tuple[str, str]]]:
    rows = session.execute(
        select(ResolutionSubject.resolution_id, ResolutionSubject.vocabulary, ResolutionSubject.term)
    )
    subjects: dict[int, set[tuple[str, str]]] = {}
    for row_id, vocabulary, term in rows:
        subjects.setdefault(row_id, set()).add((vocabulary, term))
    return subjects
