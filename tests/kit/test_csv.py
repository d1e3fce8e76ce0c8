"""The one CSV writer (app/kit/csv.py): formula-like text defused, numbers left as numbers."""

from __future__ import annotations

import csv
import io

import pytest

from app.kit.csv import cell, csv_response, to_csv


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("-0.1234", "-0.1234"),  # a negative kappa, already formatted
        ("+12", "+12"),
        (-3, -3),
        (0.5, 0.5),
        (None, ""),
        ("Türkiye", "Türkiye"),
    ],
)
def test_cells(value: object, written: object) -> None:
    assert cell(value) == written


def test_a_document_round_trips_with_crlf() -> None:
    text = to_csv(["a", "b"], [["=1+1", -2], ["plain", None]])
    assert text == "a,b\r\n'=1+1,-2\r\nplain,\r\n"
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["'=1+1", "-2"], ["plain", ""]]


def test_the_file_name_cannot_break_the_header() -> None:
    response = csv_response("a\r\n", 'A/RES/1 "x"\r\nSet-Cookie: y.csv')
    assert response.headers["content-disposition"] == 'attachment; filename="A_RES_1_x_Set-Cookie_y.csv"'
    kept = csv_response("", "A_RES_3379(XXX).csv").headers["content-disposition"]
    assert kept == 'attachment; filename="A_RES_3379(XXX).csv"'
    assert response.media_type == "text/csv; charset=utf-8"
