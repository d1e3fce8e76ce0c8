"""The group split of a vote: counts, cohesion and dissenters, checked by hand on A/RES/ES-10/24."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup, Tag
from starlette.testclient import TestClient

from app.models import RegionalGroup, VoteChoice
from app.resolutions.groups import agreement_index, group_splits, plurality
from app.resolutions.roll_calls import RollCallEntry

ES_10_24 = "/resolutions/A/RES/ES-10/24"


def label(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text(" ", strip=True).split())


def rows(client: TestClient) -> dict[str, list[str]]:
    page = BeautifulSoup(client.get(ES_10_24).text, "lxml")
    return {
        label(tr.select_one("th")): [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in page.select("table.regions tr")
        if tr.select_one("td")
    }


class TestAgreementIndex:
    def test_unanimous_and_even_three_way_split(self) -> None:
        assert agreement_index(10, 0, 0) == 1
        assert agreement_index(4, 4, 4) == 0
        assert agreement_index(0, 0, 0) is None

    def test_hand_computed(self) -> None:
        # ES-10/24, African group: 36 yes, 1 no, 7 abstaining -> (36 - 8/2) / 44.
        assert agreement_index(36, 1, 7) == pytest.approx(32 / 44)

    def test_a_tie_has_no_majority_and_no_dissenter(self) -> None:
        entries = [
            RollCallEntry("AAA", "A", VoteChoice.YES, RegionalGroup.AFRICAN),
            RollCallEntry("BBB", "B", VoteChoice.NO, RegionalGroup.AFRICAN),
            RollCallEntry("CCC", "C", VoteChoice.NON_VOTING, RegionalGroup.AFRICAN),
        ]
        (split,) = group_splits(entries, with_p5=False)
        assert split.majority is None
        assert split.against_majority == []
        assert split.cohesion == pytest.approx(0.25)  # (1 - 1/2) / 2

    def test_plurality_ignores_non_voting(self) -> None:
        from collections import Counter

        counts = Counter({VoteChoice.NON_VOTING: 9, VoteChoice.NO: 2, VoteChoice.YES: 1})
        assert plurality(counts) is VoteChoice.NO


class TestResolutionPage:
    def test_group_counts_add_up_to_the_tally(self, client: TestClient) -> None:
        table = rows(client)
        groups = [g.value for g in RegionalGroup if g is not RegionalGroup.NONE]
        totals = [sum(int(table[g][i]) for g in groups) for i in range(4)]
        assert totals == [124, 14, 43, 12]

    def test_hand_computed_splits_and_cohesion(self, client: TestClient) -> None:
        table = rows(client)
        # Counted from the roll call by hand (SQL over vote x state on 18 Sep 2024).
        assert table["African"][:5] == ["36", "1", "7", "10", "0.73"]
        assert table["Eastern European"][:5] == ["9", "2", "12", "0", "0.28"]  # (12 - 11/2) / 23
        assert table["Western European and Others"][:5] == ["16", "2", "11", "0", "0.33"]  # 9.5 / 29
        assert table["Permanent members (P5)"][:5] == ["3", "1", "1", "0", "0.40"]  # (3 - 1) / 5
        assert "Abstaining" in table["Eastern European"][5]

    def test_states_against_their_group_majority(self, client: TestClient) -> None:
        page = BeautifulSoup(client.get(ES_10_24).text, "lxml")
        items = {
            label(li.select_one("strong")): [a.get_text() for a in li.select("a")]
            for li in page.select("ul.dissent li")
        }
        p5 = items["Permanent members (P5)"]
        assert sorted(p5) == [
            "United Kingdom of Great Britain and Northern Ireland",
            "United States of America",
        ]
        assert len(items["Western European and Others"]) == 13  # 2 against + 11 abstaining
        assert "Israel" in items["Western European and Others"]
        assert len(items["African"]) == 8

    def test_csv_and_json_twins(self, client: TestClient) -> None:
        response = client.get(ES_10_24 + "/groups.csv")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        by_group = {r["group"]: r for r in csv.DictReader(io.StringIO(response.text))}
        assert by_group["Permanent members (P5)"]["against_majority"] == "GBR USA"
        assert by_group["African"]["cohesion"] == "0.727"
        data = client.get("/api/resolutions/A/RES/ES-10/24").json()
        p5 = next(g for g in data["groups"] if g["group"] == "Permanent members (P5)")
        assert (p5["yes"], p5["no"], p5["abstain"], p5["majority"]) == (3, 1, 1, "yes")
        assert {d["code"]: d["choice"] for d in p5["against_majority"]} == {"GBR": "abstain", "USA": "no"}

    def test_unknown_symbol_csv_is_a_404(self, client: TestClient) -> None:
        assert client.get("/resolutions/A/RES/ES-10/999/groups.csv").status_code == 404

    def test_adopted_without_a_vote_has_no_group_section(self, client: TestClient) -> None:
        data = client.get("/api/resolutions?adoption=without&per_page=1").json()
        symbol = data["results"][0]["symbol"]
        page = BeautifulSoup(client.get("/resolutions/" + symbol).text, "lxml")
        assert page.select_one("table.regions") is None
