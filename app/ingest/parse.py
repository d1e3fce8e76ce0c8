"""Turning identified input files into records, whatever their format.

Records come out most authoritative source first (DGACM, then the UN Digital Library, then Voeten), so
that where sources overlap the loader meets the authoritative record first and later ones only add to it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from app.ingest.dgacm import parse_dgacm
from app.ingest.errors import IngestError
from app.ingest.records import Record
from app.ingest.sources import Format, InputFile
from app.ingest.undl import parse_undl
from app.ingest.voeten import add_issues, add_votes, parse_roll_calls


def iter_records(inputs: list[InputFile]) -> Iterator[Record]:
    by_format: dict[Format, list[InputFile]] = {}
    for item in inputs:
        by_format.setdefault(item.format, []).append(item)
    _check_voeten(by_format)
    for item in by_format.get(Format.DGACM, []):
        yield from parse_dgacm(item.source, io.StringIO(item.text))
    for item in by_format.get(Format.UNDL, []):
        yield from parse_undl(item.source, io.StringIO(item.text))
    yield from _voeten(by_format)


def _check_voeten(by_format: dict[Format, list[InputFile]]) -> None:
    roll_calls = by_format.get(Format.VOETEN_ROLL_CALLS, [])
    others = by_format.get(Format.VOETEN_VOTES, []) + by_format.get(Format.VOETEN_ISSUES, [])
    if (roll_calls or others) and len(roll_calls) != 1:
        where = ", ".join(str(i.path) for i in roll_calls + others)
        raise IngestError(
            where,
            None,
            "Voeten's data needs exactly one roll-calls file (un_roll_calls.csv) beside its votes",
        )


def _voeten(by_format: dict[Format, list[InputFile]]) -> Iterator[Record]:
    roll_calls = by_format.get(Format.VOETEN_ROLL_CALLS, [])
    if not roll_calls:
        return
    records = parse_roll_calls(roll_calls[0].source, io.StringIO(roll_calls[0].text))
    for item in by_format.get(Format.VOETEN_ISSUES, []):
        add_issues(records, item.source, io.StringIO(item.text))
    for item in by_format.get(Format.VOETEN_VOTES, []):
        add_votes(records, item.source, item.text)
    yield from records.values()
