"""The one CSV writer of every CSV the site serves: RFC 4180 (CRLF line ends), with formula-like cells
defused for spreadsheets.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
Excel, LibreOffice and Google Sheets when the file is opened: a resolution title or a state's name taken
from a source (or typed by an admin) could reach a reader's spreadsheet as ``=HYPERLINK(...)``. Such
cells get a leading apostrophe, OWASP's advice. Numbers (and text that is only a number, such as a
negative kappa formatted as "-0.1234") are left as they are: a number is never a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from starlette.responses import Response

MEDIA_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def cell(value: object) -> str | int | float:
    """One cell as written: None as empty, numbers as they are, formula-like text defused."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def to_csv(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """A whole CSV document: the header, then the rows, every cell through ``cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(v) for v in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


def csv_response(body: str, filename: str) -> Response:
    """A CSV download: the file name is reduced to safe characters (it may come from a UN symbol)."""
    safe = re.sub(r"[^A-Za-z0-9._()-]+", "_", filename).strip("_") or "download.csv"
    return Response(
        body, media_type=MEDIA_TYPE, headers={"Content-Disposition": f'attachment; filename="{safe}"'}
    )
