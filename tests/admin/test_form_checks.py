"""What the resolution form refuses, each accepted before: names of another period in a pasted roll call,
symbols that cannot exist, totals above the membership or against the pasted sentence, invisible
formatting characters; and names sorted as readers expect."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.rollcall import parse_paste
from app.collation import name_key
from app.models import Resolution
from tests.admin.conftest import one, post_form, soup
from tests.admin.test_entry import NEW, UKRAINE_2026, _error

BASE = {k: v for k, v in UKRAINE_2026.items() if not k.startswith("vote-")}


def _check(client: TestClient, **changes: str) -> Any:
    return post_form(client, NEW, {**BASE, **changes, "action": "check"}, page=NEW)


class TestPastedNames:
    @pytest.mark.parametrize(
        ("name", "said"),
        [
            ("Taiwan", "on 2026-02-24 the member is called China"),
            ("Republic of China", "China (Republic of China) (1945–1971)"),
            ("Union of Soviet Socialist Republics", "the member is called Russian Federation"),
            ("USSR", "Union of Soviet Socialist Republics (1945–1991)"),
        ],
    )
    def test_a_name_of_another_period_is_an_error(
        self, admin_client: TestClient, name: str, said: str
    ) -> None:
        response = _check(
            admin_client, paste=f"In favour: Israel, {name}\nAbstaining: United States of America"
        )
        assert response.status_code == 400
        message = _error(response, "paste")
        assert "Not the name of a member on that date" in message
        assert said in message
        # Not read as another state's vote.
        assert not one(soup(response), "input[name=vote-CHN][value=Y]").has_attr("checked")
        assert not one(soup(response), "input[name=vote-RUS][value=Y]").has_attr("checked")

    def test_yugoslavia_is_explained_not_taken_for_serbia(self, admin_client: TestClient) -> None:
        response = _check(admin_client, paste="In favour: Serbia, Yugoslavia")
        message = _error(response, "paste")
        assert "Listed more than once" not in message
        assert "Yugoslavia (2000–2003)" in message
        assert "Yugoslavia (1945–2000)" in message

    def test_the_period_s_own_names_are_accepted(self, admin_client: TestClient) -> None:
        paste = "In favour: Union of Soviet Socialist Republics, Yugoslavia\nAgainst: China"
        response = _check(admin_client, paste=paste, symbol="A/RES/45/1", adopted_on="1990-10-15")
        assert soup(response).select_one("#paste-error") is None

    def test_pdf_line_breaks_in_hyphenated_names_are_joined(self) -> None:
        pasted = parse_paste("In favour: Guinea-\nBissau, Timor-\nLeste, Bosnia and Herze-\ngovina.")
        assert [name for name, _ in pasted.names] == [
            "Guinea-Bissau",
            "Timor-Leste",
            "Bosnia and Herzegovina",
        ]


class TestTotals:
    def test_the_pasted_sentence_is_compared_with_the_typed_totals(self, admin_client: TestClient) -> None:
        paste = "In favour: Israel.\nThe draft resolution was adopted by 93 votes to 18, with 65 abstentions."
        response = _check(admin_client, paste=paste)
        assert response.status_code == 400
        assert _error(response, "official_yes") == "The pasted text says 93."
        assert "says 93 where the totals say 107" in _error(response, "paste")

    def test_totals_above_the_membership_are_refused(self, admin_client: TestClient) -> None:
        response = _check(admin_client, official_yes="150", official_no="30", official_abstain="20")
        assert "more than the 193 members" in _error(response, "official_yes")


class TestSymbols:
    @pytest.mark.parametrize(
        ("symbol", "day", "said"),
        [
            ("A/RES/ES-11/９３", "2026-02-24", "plain digits"),
            ("A/RES/80/99999999999999999999", "2026-02-24", "no resolution with this number"),
            ("A/RES/999/1", "2026-02-24", "Session 999 opened in 2944"),
            ("A/RES/0/1", "2026-02-24", "no session with this number"),
            ("A/RES/ES-99/1", "2026-02-24", "cannot exist yet"),
            ("A/RES/80/12", "1990-03-01", "Session 80 opened in 2025"),
            ("A/RES/3379(XXX)", "2026-02-24", "Session 30 ended in 1976"),
        ],
    )
    def test_only_symbols_that_can_exist(
        self, admin_client: TestClient, symbol: str, day: str, said: str
    ) -> None:
        response = _check(admin_client, symbol=symbol, adopted_on=day)
        assert response.status_code == 400
        assert said in _error(response, "symbol")

    def test_real_symbols_pass_on_their_dates(self, admin_client: TestClient, db: Session) -> None:
        for symbol, day in (
            ("A/RES/ES-11/12", "2026-02-24"),
            ("A/RES/80/399", "2026-06-04"),
            ("A/RES/79/399", "2025-09-01"),
        ):
            response = _check(admin_client, symbol=symbol, adopted_on=day)
            assert not soup(response).select("#symbol-error"), symbol
        assert db.scalar(select(Resolution).where(Resolution.symbol == "A/RES/ES-11/12")) is None


class TestTextFields:
    def test_direction_overrides_are_refused(self, admin_client: TestClient) -> None:
        response = _check(admin_client, title="Peace \u202eniarkU ni")
        assert "U+202E" in _error(response, "title")


class TestSortedAsReadersExpect:
    def test_collation(self) -> None:
        names = ["Cuba", "Côte d'Ivoire", "Turkmenistan", "Türkiye"]
        assert sorted(names, key=name_key) == ["Côte d'Ivoire", "Cuba", "Türkiye", "Turkmenistan"]

    def test_roll_calls_lists_and_selects(self, admin_client: TestClient, client: TestClient) -> None:
        def before(names: list[str], first: str, second: str) -> bool:
            """Whether the name starting with ``first`` comes before ``second`` (apostrophes vary)."""
            cleaned = [" ".join(name.split()) for name in names]
            found = [i for i, name in enumerate(cleaned) if name.startswith(first)]
            return bool(found) and found[0] < cleaned.index(second)

        roll = [
            li.get_text() for li in soup(client.get("/resolutions/A/RES/ES-10/24")).select(".roll-call li")
        ]
        assert before(roll, "Côte d", "Cuba")
        assert before(roll, "Türkiye", "Turkmenistan")
        compare = soup(client.get("/compare"))
        countries = [o.get_text() for o in compare.select("select[name=a] option")]
        assert before(countries, "Türkiye", "Turkmenistan")
        form = soup(_check(admin_client))
        rows = [th.get_text().strip() for th in form.select("#rollcall tbody th")]
        assert before(rows, "Côte d", "Cuba")
