"""The files of a data package as the import reads them: the descriptor, the tables it lists (each checked
for its columns and its hash), and each table's lines and cells as its columns' types. Any problem is an
IngestError with the file, the line and the reason."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.ingest import package_format as fmt
from app.ingest.errors import IngestError
from app.ingest.package_schema import Column, Table
from app.ingest.sources import Format, InputFile, read_input

_TRUE = frozenset(("true", "True", "TRUE", "1"))  # Table Schema's default true and false values


_FALSE = frozenset(("false", "False", "FALSE", "0"))


Values = dict[str, Any]


def read_descriptor(item: InputFile) -> Values:
    try:
        content = json.loads(item.text)
    except json.JSONDecodeError as exc:
        raise IngestError(str(item.path), exc.lineno, f"not valid JSON: {exc.msg}") from None
    if not isinstance(content, dict) or not isinstance(content.get("resources"), list):
        raise IngestError(str(item.path), None, "a data package descriptor needs a list of resources")
    return content


def read_listed(where: str, path: Path) -> InputFile:
    if not path.is_file():
        raise IngestError(where, None, f"lists {path.name}, which is not beside it")
    return read_input(path)


def check_table(item: InputFile, table: Table) -> None:
    if item.format is not Format.PACKAGE_TABLE or fmt.HEADERS.get(header_of(item)) is not table:
        raise IngestError(
            str(item.path), 1, f"not the {table.name} table: its columns are {', '.join(table.header)}"
        )


def check_hash(item: InputFile, expected: object) -> None:
    if not isinstance(expected, str) or not expected:
        return
    algorithm, _, digest = expected.rpartition(":")
    if algorithm not in ("", "sha256", "md5"):
        raise IngestError(str(item.path), None, f"the hash {expected!r} is not sha256 or md5")
    # The import identifies a file by the sha256 of its bytes as stored: the same hash Frictionless gives.
    actual = (
        item.source.sha256
        if algorithm == "sha256"
        else hashlib.new(algorithm or "md5", item.path.read_bytes()).hexdigest()
    )
    if actual != digest.lower():
        raise IngestError(
            str(item.path),
            None,
            "differs from the file the descriptor describes (its hash): changed or damaged. To import a "
            "file changed on purpose, remove its hash from the descriptor.",
        )


def with_version(item: InputFile, version: str) -> InputFile:
    return dataclasses.replace(item, source=dataclasses.replace(item.source, version=version))


def header_of(item: InputFile) -> tuple[str, ...]:
    first = item.text.split("\n", 1)[0]
    return tuple(next(csv.reader([first]), []))


def table_lines(item: InputFile, table: Table) -> Iterator[tuple[int, list[str]]]:
    """The rows after the header, each with the line it starts on, checked for its number of fields."""
    reader = csv.reader(io.StringIO(item.text))
    next(reader, None)  # the header, checked when the file was identified
    width = len(table.columns)
    start = reader.line_num + 1
    for cells in reader:
        if len(cells) != width:
            if not cells:  # a blank line
                start = reader.line_num + 1
                continue
            raise IngestError(str(item.path), start, f"{len(cells)} fields where the header has {width}")
        yield start, cells
        start = reader.line_num + 1


def cell_value(column: Column, cell: str, item: InputFile, line: int) -> object:
    """A cell as its column's type: None if empty (an error if the column requires a value)."""
    if cell == "":
        if column.required:
            raise IngestError(str(item.path), line, f"{column.name} is empty")
        return None
    if column.values and cell not in column.values:
        raise IngestError(
            str(item.path), line, f"{column.name}: {cell!r} is not one of {', '.join(column.values)}"
        )
    if column.type == "integer":
        try:
            return int(cell)
        except ValueError:
            raise IngestError(
                str(item.path), line, f"{column.name}: {cell!r} is not a whole number"
            ) from None
    if column.type == "boolean":
        if cell in _TRUE or cell in _FALSE:
            return cell in _TRUE
        raise IngestError(str(item.path), line, f"{column.name}: {cell!r} is not true or false")
    if column.type == "date":
        try:
            return dt.date.fromisoformat(cell)
        except ValueError:
            raise IngestError(
                str(item.path), line, f"{column.name}: {cell!r} is not a date (YYYY-MM-DD)"
            ) from None
    return cell
