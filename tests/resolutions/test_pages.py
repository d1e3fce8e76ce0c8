"""The resolution pages, on the real data: what a reader sees, asserted with selectors."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.importing import import_paths
from app.models import DecisionKind, Resolution
from app.resolutions import service
from app.resolutions.vote_map import DISCLAIMER
from tests.conftest import REFERENCE
from tests.resolutions.conftest import StatementCounter, one, soup

ES_10_24 = "/resolutions/A/RES/ES-10/24"


def _figures(html: str, scope: str = ".outcome") -> dict[str, str]:
    """The figures of the tally bar; a non-voting figure that is not known is not shown at all."""
    page = soup(html)
    found = {
        kind: page.select_one(f"{scope} .t-{kind} strong") for kind in ("yes", "no", "abstain", "nonvoting")
    }
    return {kind: node.get_text() for kind, node in found.items() if node is not None}


def _import_dgacm(
    db: Session, folder: Path, symbol: str, totals: tuple[int, int, int], yes: list[str], abstain: list[str]
) -> None:
    row = {
        "symbol": symbol,
        "title": "A test resolution",
        "adoption_date": "4\u00a0June 2026",
        "adoption_type": "By a recorded vote",
        "pv": "A/80/PV.99",
        "MS_in_favour_count": str(totals[0]),
        "MS_against_count": str(totals[1]),
        "MS_abstaining_count": str(totals[2]),
        "MS_in_favour": yes,
        "MS_against": [],
        "MS_abstaining": abstain,
    }
    (folder / "test.json").write_text(json.dumps(row) + "\n", "utf-8")
    import_paths(db, [folder / "test.json"], REFERENCE)


class TestResolutionPage:
    def test_es_10_24_tally_and_facts(self, client: TestClient) -> None:
        response = client.get(ES_10_24)
        assert response.status_code == 200
        assert response.template.name == "resolutions/detail.html"  # type: ignore[attr-defined]
        assert _figures(response.text) == {"yes": "124", "no": "14", "abstain": "43", "nonvoting": "12"}
        page = soup(response.text)
        assert one(page, ".eyebrow .symbol").get_text() == "A/RES/ES-10/24"
        assert "Advisory opinion of the International Court of Justice" in one(page, "h1").get_text()
        assert one(page, ".verdict").get_text(strip=True) == "Adopted by a recorded vote"
        facts = {
            one(d, "dt").get_text(): one(d, "dd").get_text(strip=True) for d in page.select(".facts div")
        }
        assert facts["Date"] == "18 September 2024"
        assert facts["Session"] == "10th emergency special session"
        assert facts["Meeting record"] == "A/ES-10/PV.55"
        assert facts["Draft"] == "A/ES-10/L.31/Rev.1"
        assert page.select_one('.facts a[href="https://undocs.org/A/RES/ES-10/24"]') is not None
        session_link = page.select_one(".facts a[href^='/resolutions?']")
        assert session_link is not None
        assert session_link["href"] == "/resolutions?session=ES-10"

    def test_roll_call_grouped_by_vote(self, client: TestClient) -> None:
        page = soup(client.get(ES_10_24).text)
        counts = {
            choice: len(page.select(f".vote-group-{choice} .state-list li"))
            for choice in ("yes", "no", "abstain", "nonvoting")
        }
        assert counts == {"yes": 124, "no": 14, "abstain": 43, "nonvoting": 12}
        non_voting = [li.get_text(strip=True) for li in page.select(".vote-group-nonvoting .state-list li")]
        assert non_voting == [
            "Afghanistan", "Benin", "Central African Republic", "Congo", "Equatorial Guinea", "Eswatini",
            "Madagascar", "Sao Tome and Principe", "Somalia", "Togo", "Venezuela (Bolivarian Republic of)",
            "Zambia",
        ]  # fmt: skip
        usa = page.select_one('.vote-group-no li[data-code="USA"] a')
        assert usa is not None
        assert usa["href"] == "/countries/USA"

    def test_permanent_members_and_regional_groups(self, client: TestClient) -> None:
        page = soup(client.get(ES_10_24).text)
        p5 = {
            one(row, "th").get_text(strip=True): one(row, ".vote").get_text(" ", strip=True)
            for row in page.select("table.p5 tbody tr")
        }
        assert p5 == {
            "China": "✓ In favour",
            "France": "✓ In favour",
            "Russian Federation": "✓ In favour",
            "United Kingdom of Great Britain and Northern Ireland": "– Abstaining",
            "United States of America": "✗ Against",
        }
        totals = [0, 0, 0, 0]
        for row in page.select("table.regions tbody:not(.p5-split) tr"):
            for i, cell in enumerate(row.select("td")[:4]):
                totals[i] += int(cell.get_text())
        assert totals == [124, 14, 43, 12]

    def test_world_map(self, client: TestClient) -> None:
        response = client.get(ES_10_24)
        page = soup(response.text)
        svg = page.select_one("figure.vote-map svg.map")
        assert svg is not None
        assert svg["role"] == "img"
        titles = {t.get_text() for t in svg.select("use > title, circle > title")}
        assert "United States of America: Against" in titles
        assert "Afghanistan: Non-voting" in titles
        assert "Tuvalu: Against" in titles  # a dot only: Tuvalu has no shape at this scale
        assert len(svg.select("use.m-no")) >= 10
        assert one(page, "figure.vote-map .disclaimer").get_text() == DISCLAIMER
        assert "style=" not in response.text
        assert "<script" not in response.text
        # The outlines are one file for every page, which the browser keeps for good.
        refs = {str(u["href"]) for u in svg.select("use")}
        files = {ref.split("#")[0] for ref in refs}
        assert len(files) == 1
        geometry = client.get(files.pop())
        assert geometry.headers["content-type"] == "image/svg+xml"
        assert "immutable" in geometry.headers["cache-control"]
        outline_ids = {str(p["id"]) for p in soup(geometry.text).select("path[id]")}
        assert {ref.split("#")[1] for ref in refs} <= outline_ids
        assert client.get("/maps/world-000000000000.svg").status_code == 404

    def test_name_on_the_day_before_1991(self, client: TestClient) -> None:
        page = soup(client.get("/resolutions/A/RES/3379(XXX)").text)
        names = [li.get_text(strip=True) for li in page.select(".roll-call .state-list li")]
        assert "Union of Soviet Socialist Republics" in names
        assert "Russian Federation" not in names
        titles = {t.get_text() for t in page.select("svg.map title")}
        # Former Soviet republics without a seat of their own take the USSR's vote on the map.
        assert any(t.startswith("Union of Soviet Socialist Republics:") for t in titles)

    def test_official_totals_that_differ(self, client: TestClient, db: Session, tmp_path: Path) -> None:
        # Every vote in the shipped sources now has a roll call that agrees with its totals (the Library's
        # fills DGACM's gaps), so a DGACM record of the kind the extract has held is made up for the test.
        _import_dgacm(
            db, tmp_path, "A/RES/80/998", totals=(3, 0, 1), yes=["FRANCE", "GERMANY"], abstain=["CHILE"]
        )
        page = soup(client.get("/resolutions/A/RES/80/998").text)
        notice = one(page, ".notice.discrepancy").get_text(" ", strip=True)
        assert "official 3, roll call 2" in notice
        assert "3 in favour" in notice

    def test_incomplete_roll_call(self, client: TestClient, db: Session, tmp_path: Path) -> None:
        _import_dgacm(db, tmp_path, "A/RES/80/999", totals=(168, 2, 0), yes=[], abstain=[])
        response = client.get("/resolutions/A/RES/80/999")
        page = soup(response.text)
        assert _figures(response.text)["yes"] == "168"
        notice = one(page, ".notice.incomplete").get_text(" ", strip=True)
        assert "Incomplete roll call" in notice
        assert "does not say how any state voted" in notice
        assert page.select_one("svg.map") is None

    def test_adopted_without_a_vote(self, client: TestClient) -> None:
        page = soup(client.get("/resolutions/A/RES/74/266").text)
        assert one(page, ".verdict").get_text(strip=True) == "Adopted without a vote"
        assert page.select_one(".roll-call") is None
        assert page.select_one("svg.map") is None

    def test_symbol_written_loosely_redirects_to_the_permalink(self, client: TestClient) -> None:
        response = client.get("/resolutions/es-10/24", follow_redirects=False)
        assert response.status_code == 301
        assert response.headers["location"] == ES_10_24

    def test_separate_votes(self, client: TestClient, db: Session) -> None:
        amendment = db.scalars(
            select(Resolution)
            .where(Resolution.kind == DecisionKind.AMENDMENT, Resolution.parent_id.is_not(None))
            .order_by(Resolution.id)
        ).first()
        assert amendment is not None
        response = client.get(f"/votes/{amendment.id}")
        assert response.status_code == 200
        page = soup(response.text)
        assert "amendment" in one(page, ".eyebrow").get_text()
        parent = db.get_one(Resolution, amendment.parent_id)
        main_page = soup(client.get(f"/resolutions/{parent.symbol}", follow_redirects=True).text)
        links = [a["href"] for a in main_page.select("#sep-h ~ .table-scroll a")]
        assert f"/votes/{amendment.id}" in links

    def test_context_is_typed(self, client: TestClient) -> None:
        response = client.get(ES_10_24)
        context = response.context  # type: ignore[attr-defined]
        assert context["tally"].as_tuple() == (124, 14, 43, 12)
        assert context["tally"].note == ""
        assert context["votes_known"] == 193
        assert [g.choice.name for g in context["groups"]] == ["YES", "NO", "ABSTAIN", "NON_VOTING"]


class TestStatementCount:
    """Relationships raise on lazy load; these bounds catch a loop of queries all the same."""

    def test_resolution_page(self, client: TestClient, statements: StatementCounter) -> None:
        assert client.get(ES_10_24).status_code == 200
        # resolution, its subjects, roll call, other votes, state names, source, statements of intended
        # vote, its series: a fixed number, whatever the size of the roll call
        assert statements.count <= 10, statements.statements

    def test_list_and_home(self, client: TestClient, statements: StatementCounter) -> None:
        assert client.get("/resolutions", params={"q": "nuclear weapons", "session": "40"}).status_code == 200
        assert statements.count <= 4, statements.statements
        before = statements.count
        assert client.get("/").status_code == 200
        # + the membership, read once because an incomplete roll call is among the latest (its "N of M known")
        assert statements.count - before <= 4


class TestList:
    def _symbols(self, html: str) -> list[str]:
        return [a.get_text() for a in soup(html).select(".results .result .symbol")]

    def _count(self, html: str) -> int:
        return int(one(soup(html), ".result-count strong").get_text().replace(",", ""))

    def test_newest_first_with_pager(self, client: TestClient) -> None:
        response = client.get("/resolutions")
        page = soup(response.text)
        assert self._count(response.text) == 7169  # with the provisional record of 24 February 2026
        dates = [one(r, ".meta").get_text() for r in page.select(".results .result")]
        assert len(dates) == 50
        assert one(page, '.pager a[rel="next"]')["href"] == "/resolutions?page=2"
        second = client.get("/resolutions", params={"page": 2})
        assert self._symbols(second.text)[0] not in self._symbols(response.text)

    def test_session_and_years_narrow(self, client: TestClient) -> None:
        assert (
            self._count(client.get("/resolutions", params={"session": "74"}).text) == 272
        )  # the Library has six after December 2019
        es10 = client.get("/resolutions", params={"session": "ES-10"}).text
        assert all(s.startswith("A/RES/ES-10/") for s in self._symbols(es10))
        years = client.get("/resolutions", params={"year_from": "1975", "year_to": "1975"}).text
        dates = [one(r, ".meta").get_text() for r in soup(years).select(".result")]
        assert dates
        assert all("1975" in d for d in dates)
        assert 0 < self._count(years) < 7169

    def test_topic_subject_adoption_and_margin(self, client: TestClient) -> None:
        total = 7169
        topic = self._count(client.get("/resolutions", params={"topic": "Human rights"}).text)
        subject = self._count(client.get("/resolutions", params={"subject": "palestine question"}).text)
        without = client.get("/resolutions", params={"adoption": "without"}).text
        assert 0 < topic < total
        assert 0 < subject < total
        page = soup(without)
        assert len(page.select(".result .adopted-without")) == len(page.select(".result")) == 50
        close = client.get("/resolutions", params={"margin": "5", "sort": "margin"}).text
        margins = [
            int(one(r, ".t-yes strong").get_text()) - int(one(r, ".t-no strong").get_text())
            for r in soup(close).select(".result")
        ]
        assert margins
        assert all(abs(m) <= 5 for m in margins)
        assert [abs(m) for m in margins] == sorted(abs(m) for m in margins)

    def test_closest_votes_first(self, client: TestClient) -> None:
        page = soup(client.get("/resolutions", params={"sort": "margin"}).text)
        results = page.select(".result")
        assert len(results) == 50
        assert page.select(".result .adopted-without") == []
        yes = [int(one(r, ".t-yes strong").get_text()) for r in results]
        no = [int(one(r, ".t-no strong").get_text()) for r in results]
        margins = [abs(y - n) for y, n in zip(yes, no, strict=True)]
        assert margins == sorted(margins)

    def test_filters_stay_in_links(self, client: TestClient) -> None:
        page = soup(client.get("/resolutions", params={"q": "apartheid", "year_from": "1980"}).text)
        assert one(page, '.filters input[name="q"]')["value"] == "apartheid"
        assert one(page, '.pager a[rel="next"]')["href"] == "/resolutions?q=apartheid&year_from=1980&page=2"
        downloads = {a.get_text(): a["href"] for a in page.select(".downloads a")}
        assert downloads["CSV"] == "/resolutions.csv?q=apartheid&year_from=1980"
        assert downloads["JSON"] == "/api/resolutions?q=apartheid&year_from=1980"

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "nuclear weapons", "year_from": "1990", "year_to": "1999"},
            {"session": "ES-10", "sort": "margin"},
            {"topic": "Human rights", "adoption": "recorded", "margin": "25"},
            {"subject": "disarmament"},
        ],
    )
    def test_json_twin_gives_the_same_list(self, client: TestClient, params: dict[str, str]) -> None:
        page = soup(client.get("/resolutions", params=params).text)
        twin = one(page, ".downloads a[href^='/api/']")["href"]
        body = client.get(str(twin)).json()
        assert body["total"] == self._count(str(page))
        assert [r["symbol"] or "Recorded vote" for r in body["results"]] == self._symbols(str(page))

    def test_list_csv(self, client: TestClient) -> None:
        response = client.get("/resolutions.csv", params={"session": "74"})
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == service.LIST_CSV_HEADER
        assert len(rows) == 1 + 272


class TestSearch:
    def test_ranked_search_finds_68_262_first(self, client: TestClient) -> None:
        response = client.get("/resolutions", params={"q": "territorial integrity of Ukraine"})
        assert response.status_code == 200
        symbols = [a.get_text() for a in soup(response.text).select(".results .symbol")]
        assert symbols[0] == "A/RES/68/262"

    @pytest.mark.parametrize(
        ("q", "target"), [("ES-10/24", ES_10_24), ("A/RES/74/7", "/resolutions/A/RES/74/7")]
    )
    def test_symbol_goes_straight_to_the_resolution(self, client: TestClient, q: str, target: str) -> None:
        response = client.get("/resolutions", params={"q": q}, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == target

    @pytest.mark.parametrize(
        "q",
        [
            'nuclear "weap',
            "A/RES/75/80",
            "human-rights",
            "NOT",
            "AND OR NEAR(",
            "title:ukraine",
            "ukraine*",
            "'; DROP TABLE resolution; --",
            "1 OR 1=1",
            "<b>bold</b>",
            "\x00\x01 nul",
            '"""',
            "((((",
            "é ü 中文 العربية",
        ],
    )
    def test_hostile_queries_never_fail(self, client: TestClient, q: str) -> None:
        response = client.get("/resolutions", params={"q": q}, follow_redirects=False)
        if response.status_code == 303:  # a symbol: straight to its page
            response = client.get(response.headers["location"])
            assert response.status_code == 200
            return
        assert response.status_code == 200, response.text[:500]
        assert soup(response.text).select_one(".result-count") is not None

    @pytest.mark.parametrize(
        "url",
        [
            "/resolutions?subject=%00",
            "/resolutions?topic=a%00b",
            "/resolutions?session=%00",
            "/resolutions?q=%ff%fe",
            "/resolutions/%00",
            "/resolutions/A/RES/%00.csv",
            "/api/resolutions?q=%00",
            "/api/resolutions?subject=%00",
            "/api/resolutions/%00",
        ],
    )
    def test_control_characters_never_fail(self, client: TestClient, url: str) -> None:
        # PostgreSQL refuses NUL in any string parameter: it must never reach the database.
        response = client.get(url)
        assert response.status_code in (200, 400, 404)
        assert "\x00" not in response.text

    def test_html_in_the_query_is_shown_as_text(self, client: TestClient) -> None:
        response = client.get("/resolutions", params={"q": "<script>alert(1)</script>"})
        assert response.status_code == 200
        page = soup(response.text)
        assert page.select("script") == []
        assert "<script>alert(1)</script>" in one(page, ".notice").get_text()
        assert "&lt;script&gt;" in response.text

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "x" * 5000},
            {"page": "-1"},
            {"page": "abc"},
            {"year_from": "abc"},
            {"year_to": "99999"},
            {"margin": "-3"},
            {"sort": "<script>"},
            {"session": "ES-abc"},
        ],
    )
    def test_bad_input_is_a_400_page(self, client: TestClient, params: dict[str, str]) -> None:
        response = client.get("/resolutions", params=params)
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("text/html")
        page = soup(response.text)
        assert one(page, ".error").get_text().startswith("Invalid request.")
        assert page.select("script") == []

    def test_empty_form_fields_are_ignored(self, client: TestClient) -> None:
        params = {"q": "", "session": "", "year_from": "", "year_to": "", "margin": "", "sort": ""}
        assert client.get("/resolutions", params=params).status_code == 200

    def test_a_symbol_we_do_not_have_gets_suggestions(self, client: TestClient) -> None:
        page = soup(client.get("/resolutions", params={"q": "ES-10/244"}).text)
        assert "no resolution with the symbol A/RES/ES-10/244" in one(page, ".notice").get_text()
        assert "A/RES/ES-10/24" in [a.get_text() for a in page.select(".suggestions a")]

    def test_nothing_found_says_so(self, client: TestClient) -> None:
        page = soup(client.get("/resolutions", params={"q": "xylophonequux"}).text)
        assert one(page, ".result-count strong").get_text() == "0"
        assert "No resolutions match" in one(page, ".notice").get_text()


class TestRollCallCsv:
    def test_es_10_24(self, client: TestClient) -> None:
        response = client.get(ES_10_24 + ".csv")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert "A_RES_ES-10_24.csv" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert list(rows[0]) == service.ROLL_CALL_CSV_HEADER
        assert len(rows) == 193
        usa = next(r for r in rows if r["country_code"] == "USA")
        assert usa["vote"] == "Against"
        assert usa["date"] == "2024-09-18"
        assert sum(r["vote"] == "Non-voting" for r in rows) == 12

    def test_unknown_symbol(self, client: TestClient) -> None:
        assert client.get("/resolutions/A/RES/99/999.csv").status_code == 404


class TestNotFound:
    def test_mistyped_symbol_gets_suggestions(self, client: TestClient) -> None:
        response = client.get("/resolutions/A/RES/ES-10/244")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        page = soup(response.text)
        suggestions = [a.get_text() for a in page.select(".suggestions a")]
        assert "A/RES/ES-10/24" in suggestions
        assert page.select_one(f'.suggestions a[href="{ES_10_24}"]') is not None

    def test_html_for_pages_json_for_the_api(self, client: TestClient) -> None:
        page = client.get("/no/such/page")
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
        assert one(soup(page.text), "h1").get_text() == "Page not found"
        api = client.get("/api/resolutions/A/RES/99/999")
        assert api.status_code == 404
        assert api.headers["content-type"] == "application/json"
        assert client.get("/votes/999999999").status_code == 404

    def test_html_in_the_path_is_escaped(self, client: TestClient) -> None:
        response = client.get("/resolutions/<script>alert(1)</script>")
        assert response.status_code == 404
        assert soup(response.text).select("script") == []


class TestHomeAboutFeed:
    def test_home(self, client: TestClient) -> None:
        response = client.get("/")
        page = soup(response.text)
        figures = [li.get_text(" ", strip=True) for li in page.select(".headlines li")]
        assert figures[0] == "7,169 resolutions"
        assert figures[2] == "193 member states"
        assert figures[3].endswith("1946–2026")
        latest = page.select("section[aria-labelledby=latest-h] .result")
        assert len(latest) == 8
        assert all(r.select_one(".tally-bar") is not None for r in latest)
        assert page.select_one("form.hero-search input[name=q]") is not None

    def test_about_has_the_attribution(self, client: TestClient) -> None:
        text = one(soup(client.get("/about").text), "main").get_text(" ", strip=True)
        assert "Source: United Nations (DGACM), machine-readable General Assembly resolutions" in text
        assert "hdl:1902.1/12379" in text
        assert "non-voting" in text

    def test_atom_feed(self, client: TestClient) -> None:
        response = client.get("/feeds/resolutions.atom")
        assert response.headers["content-type"].startswith("application/atom+xml")
        ns = {"a": "http://www.w3.org/2005/Atom"}
        root = ET.fromstring(response.content)
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"
        for required in ("a:id", "a:title", "a:updated"):
            assert root.find(required, ns) is not None
        entries = root.findall("a:entry", ns)
        assert len(entries) == 50
        first = entries[0]
        # Published last: the provisional record of 24 February 2026 (a session and date, no symbol yet).
        assert first.find("a:link", ns).get("href", "").startswith("http://testserver/resolutions/")  # type: ignore[union-attr]
        assert all(e.find("a:id", ns) is not None and e.find("a:updated", ns) is not None for e in entries)
