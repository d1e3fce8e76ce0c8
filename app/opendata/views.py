"""The typed context of the /data page, and how a file of the package is served."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from app.ingest import package_format as fmt
from app.ingest.package_schema import Table
from app.opendata.files import BuiltFile, BuiltPackage
from app.opendata.sources import PROJECT_LICENCE, SOURCES, Licence, Source
from app.urls import absolute_url, data_file_path

# What a file is served as: the compressed tables as what they are (not Content-Encoding: gzip, which
# would make browsers save a decompressed file under a .gz name), the descriptor as JSON to read.
GZIP_TYPE = "application/gzip"
JSON_TYPE = "application/json"


class FileLink(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    url: str
    title: str
    description: str
    rows: int | None
    size: str  # "2.7 MB"


class DataPage(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: str
    as_of: dt.date | None  # the day the record last changed
    files: list[FileLink]
    descriptor_url: str
    votes_url: str  # absolute, for the example to copy
    total_size: str
    sources: tuple[Source, ...]
    project_licence: Licence
    tables: tuple[Table, ...]  # for "how the files fit together"


def human_size(size: int) -> str:
    """Bytes as people read them: 2.7 MB, 43 kB, 363 bytes."""
    if size >= 1_000_000:
        return f"{size / 1e6:.1f} MB"
    if size >= 1_000:
        return f"{size / 1e3:.0f} kB"
    return f"{size} bytes"


def _link(built: BuiltFile) -> FileLink:
    return FileLink(
        name=built.name,
        url=data_file_path(built.name),
        title=built.title,
        description=built.description,
        rows=built.rows,
        size=human_size(built.bytes),
    )


def data_page(package: BuiltPackage, base_url: str) -> DataPage:
    as_of = dt.datetime.fromisoformat(package.created).date() if package.created else None
    return DataPage(
        version=package.version,
        as_of=as_of,
        files=[_link(f) for f in package.files],
        descriptor_url=data_file_path(fmt.DESCRIPTOR),
        votes_url=absolute_url(base_url, data_file_path(fmt.VOTES.path)),
        total_size=human_size(sum(f.bytes for f in package.files)),
        sources=SOURCES,
        project_licence=PROJECT_LICENCE,
        tables=fmt.TABLES,
    )


def media_type(name: str) -> str:
    return JSON_TYPE if name == fmt.DESCRIPTOR else GZIP_TYPE
