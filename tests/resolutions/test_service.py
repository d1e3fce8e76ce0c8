"""Plain logic for resolution pages: no database."""

from __future__ import annotations

import pytest

from app.models import SessionKind
from app.resolutions import service


class TestParseSession:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("79", (SessionKind.REGULAR, 79)),
            ("es-10", (SessionKind.EMERGENCY_SPECIAL, 10)),
            ("S-32", (SessionKind.SPECIAL, 32)),
            ("XXX", (SessionKind.REGULAR, 30)),
            ("0", None),
            ("abc", None),
            ("ES-", None),
            ("²", None),  # a digit to str.isdigit, not to int(): found by the API fuzz test
            ("9" * 50, None),
        ],
    )
    def test_forms(self, text: str, expected: tuple[SessionKind, int] | None) -> None:
        assert service.parse_session(text) == expected


class TestCsv:
    def test_formulas_are_defused(self) -> None:
        text = service.to_csv(["a", "b"], [["=HYPERLINK(1)", "-2+1"], ["plain", None]])
        assert text.splitlines() == ["a,b", "'=HYPERLINK(1),'-2+1", "plain,"]


def test_nearest_symbols() -> None:
    candidates = ["A/RES/ES-10/24", "A/RES/ES-10/23", "A/RES/74/7"]
    assert service.nearest_symbols("A/RES/ES-10/244", candidates)[0] == "A/RES/ES-10/24"
    assert service.nearest_symbols("zzz", candidates) == []


@pytest.mark.parametrize(
    ("record", "url"),
    [
        ("A/ES-10/PV.55", "https://undocs.org/A/ES-10/PV.55"),
        ("A/75/PV.48 (Resumption 1)", "https://undocs.org/A/75/PV.48"),
        ("A/PV.2400", "https://undocs.org/A/PV.2400"),
        ("see the record", None),
    ],
)
def test_meeting_record_url(record: str, url: str | None) -> None:
    assert service.meeting_record_url(record) == url
