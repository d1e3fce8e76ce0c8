"""Finding input files and telling their format from their content (not their name)."""

from __future__ import annotations

import csv
import hashlib
import json
import tomllib
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.ingest import package_format
from app.ingest.errors import IngestError
from app.ingest.package_schema import header_mismatch
from app.ingest.records import SourceFile
from app.ingest.undl import UNDL_MARKERS
from app.ingest.voeten import ISSUE_COLUMNS, ROLL_CALL_COLUMNS, VOTE_COLUMNS
from app.models.enums import SourceKind

DATA_SUFFIXES = (".json", ".json.gz", ".jsonl", ".jsonl.gz", ".csv", ".csv.gz")
# Optional file beside the data naming each file's upstream version (see data/README.md).
PROVENANCE_FILE = "provenance.toml"


class Format(StrEnum):
    DGACM = "UN DGACM resolutions extract (JSON Lines)"
    VOETEN_ROLL_CALLS = "Voeten/unvotes roll calls (CSV)"
    VOETEN_VOTES = "Voeten/unvotes votes (CSV)"
    VOETEN_ISSUES = "Voeten/unvotes issues (CSV)"
    UNDL = "UN Digital Library voting data (CSV)"
    # Written by `unga export` (app.opendata), read back by app.ingest.package.
    PACKAGE = "UNGA Votes data package (datapackage.json)"
    PACKAGE_TABLE = "UNGA Votes data package table (CSV)"


_SOURCE_KIND = {
    Format.DGACM: SourceKind.DGACM,
    Format.VOETEN_ROLL_CALLS: SourceKind.VOETEN,
    Format.VOETEN_VOTES: SourceKind.VOETEN,
    Format.VOETEN_ISSUES: SourceKind.VOETEN,
    Format.UNDL: SourceKind.UNDL,
    Format.PACKAGE: SourceKind.PACKAGE,
    Format.PACKAGE_TABLE: SourceKind.PACKAGE,
}


@dataclass(frozen=True)
class InputFile:
    path: Path
    format: Format
    source: SourceFile
    data: bytes  # decompressed

    @property
    def text(self) -> str:
        """The content as text, decoded on demand (the UN Digital Library's parser reads the bytes)."""
        return decode(self.path, self.data)


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text, or an IngestError naming the line of the first byte that is not."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise IngestError(str(path), line, "not UTF-8 text") from None


def discover(paths: list[Path]) -> list[InputFile]:
    """Expand folders, read every data file once and identify its format. Errors name the file."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(DATA_SUFFIXES)))
        elif path.is_file():
            files.append(path)
        else:
            raise IngestError(str(path), None, "no such file or folder")
    if not files:
        raise IngestError(
            ", ".join(str(p) for p in paths), None, "no data files found (.json, .json.gz, .csv, .csv.gz)"
        )
    # Two at a time: decompressing and hashing release the GIL, and the UN Digital Library's file alone
    # (330 MB once decompressed) takes as long as all the others.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="import-read") as pool:
        return list(pool.map(read_input, dict.fromkeys(files)))


def read_input(path: Path) -> InputFile:
    """One file read, decompressed, hashed and identified."""
    raw = path.read_bytes()
    # The file as stored identifies it (a recompressed copy reads as another version, and is found
    # unchanged record by record): hashing the UN Digital Library's 330 MB once decompressed cost 0.3 s.
    digest = hashlib.sha256(raw).hexdigest()
    if raw[:2] == b"\x1f\x8b":
        try:
            # zlib verifies the gzip trailer's checksum in C (the gzip module computes it apart, slower).
            raw = zlib.decompress(raw, wbits=zlib.MAX_WBITS | 16)
        except zlib.error as exc:
            raise IngestError(str(path), None, f"damaged gzip file ({exc})") from None
    fmt = _package_descriptor(path, raw) or _sniff(path, raw[:65536].decode("utf-8-sig", "ignore"))
    version = _versions(path.parent).get(path.name, "")
    return InputFile(path, fmt, SourceFile(_SOURCE_KIND[fmt], path.name, digest, version), raw)


def _sniff(path: Path, text: str) -> Format:
    first = _first_line(text)
    if first.lstrip().startswith("{"):
        try:
            row = json.loads(first)
        except json.JSONDecodeError:
            raise IngestError(str(path), 1, "starts like JSON but is not one JSON object per line") from None
        if isinstance(row, dict) and "symbol" in row and ("MS_in_favour" in row or "adoption_date" in row):
            return Format.DGACM
        raise IngestError(
            str(path), 1, "JSON, but not the DGACM resolutions extract (no symbol/adoption_date)"
        )
    header = tuple(h.strip() for h in next(csv.reader([first]), []))
    lowered = {h.lower() for h in header}
    if header == ROLL_CALL_COLUMNS:
        return Format.VOETEN_ROLL_CALLS
    if header == VOTE_COLUMNS:
        return Format.VOETEN_VOTES
    if header == ISSUE_COLUMNS:
        return Format.VOETEN_ISSUES
    if header in package_format.HEADERS:
        return Format.PACKAGE_TABLE
    if (table := package_format.closest_table(header)) is not None:
        raise IngestError(str(path), 1, header_mismatch(table, header))
    if lowered & UNDL_MARKERS:
        return Format.UNDL
    raise IngestError(
        str(path), 1, "unrecognised format: not a DGACM extract, Voeten CSV or UN Digital Library CSV"
    )


def _package_descriptor(path: Path, raw: bytes) -> Format | None:
    """A data package's descriptor (datapackage.json: one JSON object over many lines), if this is one.
    Only a package ``unga export`` wrote is accepted: other packages have other tables."""
    if raw.lstrip()[:1] != b"{" or len(raw) > 16_000_000:
        return None
    try:
        content = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(content, dict) or "resources" not in content:
        return None
    if content.get("name") != package_format.PACKAGE_NAME:
        raise IngestError(
            str(path),
            None,
            f"a data package, but not one of this site's (its name is not {package_format.PACKAGE_NAME!r})",
        )
    return Format.PACKAGE


def _first_line(text: str) -> str:
    """The first line that is not blank, without splitting or copying the whole (up to 18 MB) text."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        if text[start:end].strip():
            return text[start:end]
        start = end
    return ""


def _versions(folder: Path) -> dict[str, str]:
    manifest = folder / PROVENANCE_FILE
    if not manifest.is_file():
        return {}
    try:
        files = tomllib.loads(manifest.read_text(encoding="utf-8")).get("files", {})
    except tomllib.TOMLDecodeError as exc:
        raise IngestError(str(manifest), None, f"not valid TOML: {exc}") from None
    return {name: str(entry.get("version", "")) for name, entry in files.items() if isinstance(entry, dict)}
