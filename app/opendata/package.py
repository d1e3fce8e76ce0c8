"""Writing the published record as a data package: one gzip-compressed CSV per table of
app.ingest.package_format, and datapackage.json describing them (Frictionless Data Package).

Read from one snapshot of the database, so the files agree with each other and with the version they
carry. Written deterministically (rows in id order, gzip without a name or time), so the same data gives
the same bytes. Only published decisions are written: drafts are not public.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session

from app.data_version import data_version
from app.ingest import package_format as fmt
from app.ingest.package_schema import Column, Table
from app.ingest.stored import decision_key
from app.models import DecisionKind, Resolution, SourceKind, State
from app.opendata import queries
from app.opendata.sources import PROJECT_LICENCE, SOURCES

# gzip level 4 compresses the votes table (13 MB of text) in half of level 6's time (zlib's default) and
# a third of level 9's, 1% larger; level 1 is faster again but 14% larger.
COMPRESSION = 4
UNDL_RECORD = "https://digitallibrary.un.org/record/{}"
Row = list[Any]


@dataclass(frozen=True)
class WrittenFile:
    table: Table
    rows: int
    bytes: int
    sha256: str  # of the file as written (compressed), as Frictionless checks it


@dataclass
class PackageSummary:
    version: str
    created: dt.datetime | None
    data_version: str  # the app's (app.data_version) at the snapshot the package was read from
    files: list[WrittenFile] = field(default_factory=list)
    descriptor_bytes: int = 0
    # Each source's upstream versions as the files read recorded them (provenance.toml), where known.
    source_versions: dict[str, str] = field(default_factory=dict)
    drafts_skipped: int = 0
    # Decisions or links the package cannot carry (they could not be told apart on import).
    not_exported: list[str] = field(default_factory=list)
    left_out: list[int] = field(default_factory=list)  # the ids of such decisions


def package_version(version: str, created: dt.datetime | None) -> str:
    """The package's version: the day the record last changed and a digest of the app's data version
    (app.data_version), which any import or admin save moves."""
    day = created.date().isoformat() if created else "empty"
    return f"{day}.{hashlib.sha256(version.encode()).hexdigest()[:8]}"


def write_package(session: Session, folder: Path) -> PackageSummary:
    """Write every table and datapackage.json into ``folder`` (an existing, empty folder)."""
    queries.consistent_snapshot(session)
    created = queries.last_change(session)
    version = data_version(session)
    summary = PackageSummary(package_version(version, created), created, version)
    summary.source_versions = {
        kind.value: "; ".join(dict.fromkeys(version for _, version in files if version))
        for kind, files in queries.source_versions(session).items()
    }
    states = queries.states(session)
    codes = {state.id: state.code for state in states}
    resolutions, separate = _decisions(session, summary)
    where = {r.id: fmt.RESOLUTIONS for r, _ in resolutions} | {r.id: fmt.SEPARATE_VOTES for r, _ in separate}
    subjects = queries.subjects_by_resolution(session)
    write = _Writer(folder, summary)
    write(fmt.RESOLUTIONS, (_resolution_row(r, kind) for r, kind in resolutions))
    write(fmt.SEPARATE_VOTES, (_separate_row(r, kind, where, summary) for r, kind in separate))
    for table, kind in ((fmt.VOTES, "resolution"), (fmt.SEPARATE_VOTE_VOTES, "separate")):
        with write.many([table]) as writers:
            for lines in queries.vote_lines(session, kind, fmt.VOTE_WORDS, summary.left_out):
                writers[table].write_lines(lines)
    for table, decided in ((fmt.SUBJECTS, resolutions), (fmt.SEPARATE_VOTE_SUBJECTS, separate)):
        write(table, ([r.id, v, t] for r, _ in decided for v, t in subjects.get(r.id, [])))
    write(fmt.DIFFERENCES, _differences(session, where, codes, summary))
    _write_states(write, states, codes)
    descriptor = json.dumps(build_descriptor(summary), ensure_ascii=False, indent=2) + "\n"
    (folder / fmt.DESCRIPTOR).write_text(descriptor, encoding="utf-8")
    summary.descriptor_bytes = len(descriptor.encode())
    return summary


def _decisions(
    session: Session, summary: PackageSummary
) -> tuple[list[tuple[Resolution, SourceKind]], list[tuple[Resolution, SourceKind]]]:
    """The published decisions, split into resolutions and separate votes. A decision the importer
    could not tell from one written before it (no symbol, Voeten roll-call id or Library record id to
    set them apart) is left out and named."""
    resolutions: list[tuple[Resolution, SourceKind]] = []
    separate: list[tuple[Resolution, SourceKind]] = []
    seen: set[tuple[str, str]] = set()
    for resolution, kind in queries.decisions(session):
        if not resolution.published:
            summary.drafts_skipped += 1
            continue
        r = resolution
        key = decision_key(r.kind, r.symbol, r.voeten_rcid, r.undl_id)
        if key in seen:
            summary.not_exported.append(r.symbol or f"recorded vote {r.id}")
            summary.left_out.append(r.id)
            continue
        seen.add(key)
        (resolutions if r.kind is DecisionKind.RESOLUTION else separate).append((resolution, kind))
    return resolutions, separate


def _common(r: Resolution, kind: SourceKind) -> Row:
    return [
        r.title, r.description, r.adopted_on, r.session_kind.value, r.session_number, r.meeting_record,
        r.draft_symbol, r.committee, r.agenda_item, r.agenda_title, r.adoption.value, r.adopted,
        r.important_vote, r.official_yes, r.official_no, r.official_abstain, r.official_non_voting,
        r.tally_yes, r.tally_no, r.tally_abstain, r.tally_non_voting, r.roll_call_complete, r.discrepancy,
        r.voeten_rcid, r.voeten_ref, r.undl_id, UNDL_RECORD.format(r.undl_id) if r.undl_id else "",
        # Rows entered through the admin hold no source kinds: the admin is their source.
        r.source_kinds or kind.value,
    ]  # fmt: skip


def _resolution_row(r: Resolution, kind: SourceKind) -> Row:
    return [r.id, r.symbol, *_common(r, kind)]


def _separate_row(r: Resolution, kind: SourceKind, where: dict[int, Table], summary: PackageSummary) -> Row:
    parent = r.parent_id
    if parent is not None and where.get(parent) is not fmt.RESOLUTIONS:
        summary.not_exported.append(f"the resolution recorded vote {r.id} belongs to (not published)")
        parent = None
    return [r.id, r.kind.value, parent, r.symbol, *_common(r, kind)]


def _differences(
    session: Session, where: dict[int, Table], codes: dict[int, str], summary: PackageSummary
) -> Iterator[Row]:
    for decision_id, source, kind, state_id, item, shown, other in queries.differences(session):
        table = where.get(decision_id)
        if table is fmt.RESOLUTIONS:
            yield [decision_id, source, kind, codes.get(state_id or 0, ""), item, shown, other]
        elif table is fmt.SEPARATE_VOTES:  # the importer records differences on resolutions only
            summary.not_exported.append(f"a difference between sources on recorded vote {decision_id}")


def _write_states(write: _Writer, states: list[State], codes: dict[int, str]) -> None:
    write(
        fmt.STATES,
        (
            [s.code, s.name, s.iso2, s.m49, s.regional_group.value, s.group_note, s.status.value]
            for s in states
        ),
    )
    write(fmt.STATE_NAMES, ([s.code, n.name, n.valid_from, n.valid_to] for s in states for n in s.names))
    write(
        fmt.MEMBERSHIPS,
        (
            [s.code, m.admitted_on, m.ended_on, codes.get(m.successor_id or 0, ""), m.note]
            for s in states
            for m in s.memberships
        ),
    )
    write(
        fmt.SUSPENSIONS,
        (
            [s.code, x.starts_on, x.ends_on, x.note]
            for s in states
            for x in sorted(s.suspensions, key=lambda x: x.starts_on)
        ),
    )
    write(
        fmt.STATE_ALIASES,
        (
            [s.code, a.alias, a.public]
            for s in states
            for a in sorted(s.aliases, key=lambda a: (a.folded, a.alias))
        ),
    )


def _cell(value: object) -> object:
    """How a value is written: empty for none, true/false, ISO dates; text as it is (no spreadsheet
    formula defusing here: the files are data, read back exactly)."""
    if value is None:
        return ""
    if value is True:
        return fmt.TRUE
    if value is False:
        return fmt.FALSE
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _CountingWriter:
    """A csv writer that converts cells and counts rows."""

    def __init__(self, text: TextIO) -> None:
        self._text = text
        self._writer = csv.writer(text, lineterminator="\n")
        self.rows = 0

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([_cell(v) for v in row])
        self.rows += 1

    def write_lines(self, lines: list[str]) -> None:
        """Rows already written as CSV lines, without their ends (the votes)."""
        self._text.write("\n".join(lines) + "\n")
        self.rows += len(lines)

    def header(self, table: Table) -> None:
        self._writer.writerow(table.header)


class _Writer:
    """Writes tables into the folder and records each file in the summary."""

    def __init__(self, folder: Path, summary: PackageSummary) -> None:
        self.folder = folder
        self.summary = summary

    def __call__(self, table: Table, rows: Iterable[Row]) -> None:
        with self.many([table]) as writers:
            for row in rows:
                writers[table].writerow(row)

    @contextmanager
    def many(self, tables: list[Table]) -> Iterator[dict[Table, _CountingWriter]]:
        writers: dict[Table, _CountingWriter] = {}
        with _open_all(self.folder, tables) as texts:
            for table, text in zip(tables, texts, strict=True):
                writers[table] = _CountingWriter(text)
                writers[table].header(table)
            yield writers
        for table in tables:
            content = (self.folder / table.path).read_bytes()
            digest = hashlib.sha256(content).hexdigest()
            self.summary.files.append(WrittenFile(table, writers[table].rows, len(content), digest))


@contextmanager
def _open_all(folder: Path, tables: list[Table]) -> Iterator[list[TextIO]]:
    if len(tables) == 1:
        with _gzip_text(folder / tables[0].path) as text:
            yield [text]
        return
    with _gzip_text(folder / tables[0].path) as first, _open_all(folder, tables[1:]) as rest:
        yield [first, *rest]


@contextmanager
def _gzip_text(path: Path) -> Iterator[TextIO]:
    # mtime=0 and no name: the same data gives the same bytes (and hash).
    with (
        path.open("wb") as file,
        gzip.GzipFile(filename="", mode="wb", fileobj=file, mtime=0, compresslevel=COMPRESSION) as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=False) as text,
    ):
        yield text


def _field(column: Column) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if column.values:
        constraints["enum"] = list(column.values)
    described: dict[str, Any] = {"name": column.name, "type": column.type, "description": column.description}
    return described | ({"constraints": constraints} if constraints else {})


def _resource(written: WrittenFile) -> dict[str, Any]:
    table = written.table
    schema: dict[str, Any] = {"fields": [_field(c) for c in table.columns], "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [k.column], "reference": {"resource": k.table, "fields": [k.target]}}
            for k in table.foreign_keys
        ]
    return {
        "name": table.name,
        "path": table.path,
        "profile": "tabular-data-resource",
        "title": table.title,
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "compression": "gz",
        "bytes": written.bytes,
        "hash": f"sha256:{written.sha256}",
        "schema": schema,
    }


def build_descriptor(summary: PackageSummary) -> dict[str, Any]:
    """datapackage.json: the package, its licences and sources, and every table's schema."""
    written = {f.table: f for f in summary.files}
    return {
        "profile": "tabular-data-package",
        "name": fmt.PACKAGE_NAME,
        "title": "UN General Assembly votes: the reconciled record",
        "description": (
            "Every recorded vote of the United Nations General Assembly from 1946, and every resolution "
            "adopted without a vote since September 2019: the UN Digital Library's record, the UN's "
            "machine-readable resolutions (DGACM) and Erik Voeten's data reconciled into one record per "
            "decision, with how each member state voted, the member states with their dated names, "
            "memberships and suspensions, and every difference between the sources. Each source's terms "
            "apply to what comes from it (see sources): the UN Digital Library's allow non-commercial "
            "use with attribution only."
        ),
        "version": summary.version,
        **({"created": _iso(summary.created)} if summary.created else {}),
        "keywords": ["United Nations", "General Assembly", "roll-call votes", "resolutions"],
        "licenses": [s.licence.descriptor() for s in SOURCES] + [PROJECT_LICENCE.descriptor()],
        "sources": [
            {
                "title": s.title,
                "path": s.path,
                "description": s.covers,
                **({"version": v} if (v := summary.source_versions.get(s.kind.value)) else {}),
                "licenses": [s.licence.descriptor()],
                "citation": s.citation,
            }
            for s in SOURCES
        ],
        "resources": [_resource(written[table]) for table in fmt.TABLES],
    }


def _iso(moment: dt.datetime) -> str:
    # SQLite hands back naive datetimes; they are stored in UTC.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
