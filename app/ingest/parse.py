"""Turning identified input files into records, whatever their format.

Records come out by source: DGACM's, the UN Digital Library's, then Voeten's; app.ingest.reconcile
pairs, matches and merges them.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from app.ingest.dgacm import parse_dgacm
from app.ingest.errors import IngestError
from app.ingest.records import Record
from app.ingest.sources import Format, InputFile, decode
from app.ingest.undl import parse_undl
from app.ingest.voeten import add_issues, add_votes, parse_roll_calls


def iter_records(inputs: list[InputFile]) -> Iterator[Record]:
    by_format: dict[Format, list[InputFile]] = {}
    for item in inputs:
        by_format.setdefault(item.format, []).append(item)
    _check_voeten(by_format)
    # The UN Digital Library's files are read in another thread while this one reads the others: most of
    # that reading is polars' (Rust, without the GIL).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-undl") as pool:
        library = [
            pool.submit(parse_undl, item.source, item.data, functools.partial(decode, item.path))
            for item in by_format.get(Format.UNDL, [])
        ]
        for item in by_format.get(Format.DGACM, []):
            yield from parse_dgacm(item.source, io.StringIO(item.text))
        voeten = list(_voeten(by_format))
        for future in library:
            yield from future.result()
    yield from voeten


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
        add_votes(records, item.source, item.data, functools.partial(decode, item.path))
    yield from records.values()
