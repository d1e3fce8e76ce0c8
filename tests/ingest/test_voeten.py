"""Voeten's votes file: the columnar fast path and the row-by-row CSV reader must read the same roll calls,
and a problem in a plain file is still reported with its line."""

from __future__ import annotations

import csv
import gzip
import io

import pytest

from app.ingest.errors import IngestError
from app.ingest.records import Record, SourceFile
from app.ingest.voeten import add_votes, parse_roll_calls
from app.models import SourceKind
from tests.conftest import SOURCES

VOETEN = SOURCES / "voeten"
SOURCE = SourceFile(SourceKind.VOETEN, "un_votes.csv", "0" * 64)


def _roll_calls() -> dict[int, Record]:
    text = gzip.decompress((VOETEN / "un_roll_calls.csv.gz").read_bytes()).decode("utf-8-sig")
    return parse_roll_calls(SOURCE, io.StringIO(text))


def _real_votes() -> str:
    return gzip.decompress((VOETEN / "un_votes.csv.gz").read_bytes()).decode("utf-8-sig")


def _quoted(text: str) -> str:
    """The same rows with every field quoted, as another CSV writer might save them."""
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(csv.reader(io.StringIO(text)))
    return out.getvalue()


def _add(records: dict[int, Record], text: str) -> int:
    return add_votes(records, SOURCE, text.encode(), bytes.decode)


def _small_roll_calls() -> dict[int, Record]:
    text = (
        "rcid,session,importantvote,date,unres,amend,para,short,descr\n"
        "99001,74,0,2019-12-01,R/74/998,0,0,TEST,TEST\n"
        "99002,74,0,2019-12-02,R/74/999,0,0,TEST,TEST\n"
    )
    return parse_roll_calls(SOURCE, io.StringIO(text))


class TestBothReadersAgree:
    @pytest.mark.long
    def test_the_shipped_file_reads_the_same_quoted_or_plain(self) -> None:
        plain, quoted = _roll_calls(), _roll_calls()
        text = _real_votes()
        assert _add(plain, text) == _add(quoted, _quoted(text)) == 869_937
        assert {rcid: (r.voter_names, r.choices) for rcid, r in plain.items()} == {
            rcid: (r.voter_names, r.choices) for rcid, r in quoted.items()
        }

    def test_interleaved_roll_calls_keep_their_own_votes(self) -> None:
        records = _small_roll_calls()
        text = (
            "rcid,country,country_code,vote\n"
            "99001,France,FR,yes\n99002,France,FR,no\n99001,Namibia,NA,abstain\n99002,Cuba,CU,yes\n"
        )
        assert _add(records, text) == 4
        assert (records[99001].voter_names, records[99001].choices) == (["France", "Namibia"], "YA")
        assert (records[99002].voter_names, records[99002].choices) == (["France", "Cuba"], "NY")


class TestProblemsInAPlainFile:
    """The fast path gives up on any problem and the CSV reader names the first problem's line."""

    @pytest.mark.parametrize(
        ("rows", "message"),
        [
            (
                "99001,France,FR,yes\n99003,Cuba,CU,no\n",
                r"line 3: roll call '99003' is not in the roll-calls",
            ),
            ("99001,France,FR,yes\n99001,Cuba,CU,no,extra\n", r"line 3: expected 4 fields, found 5"),
            ("99001,France,FR,yes\n\n99001,Cuba,CU,no\n", r"line 3: expected 4 fields, found 0"),
            ("99001,France,FR,maybe\n", r"line 2: vote must be yes, no or abstain, not 'maybe'"),
        ],
    )
    def test_error_names_the_line(self, rows: str, message: str) -> None:
        records = _small_roll_calls()
        with pytest.raises(IngestError, match=message):
            _add(records, "rcid,country,country_code,vote\n" + rows)
