"""The pages that say what the record is made of: About (sources, periods, rules), the differences between
sources (page and CSV), and a vote's own page naming its sources and what they record otherwise."""

from __future__ import annotations

import csv
import io

from starlette.testclient import TestClient

from tests.resolutions.conftest import one, soup


def test_about_lists_each_source_with_its_period(client: TestClient) -> None:
    page = soup(client.get("/about").text)
    rows = {
        tr.select("td")[0].get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in one(page, "#sources ~ div table tbody").select("tr")
    }
    assert rows["The UN Digital Library"][1] == "1946-01-26 to 2025-10-29"
    assert rows["Voeten's data"][1] == "1946-01-01 to 2019-12-27"
    assert rows["The UN's machine-readable resolutions (DGACM)"][1].endswith("2026-06-04")
    rules = one(page, "#rules + ul").get_text(" ", strip=True)
    assert (
        "The Library decides an adopted resolution’s symbol, date, meeting record, title and roll call"
        in rules
    )


def test_the_differences_page_counts_them_by_kind(client: TestClient) -> None:
    page = soup(client.get("/differences").text)
    counts = {
        (cells[0].get_text(strip=True), cells[1].get_text(strip=True)): int(
            cells[2].get_text(strip=True).replace(",", "")
        )
        for cells in (tr.select("td") for tr in page.select("table")[0].select("tbody tr"))
    }
    assert counts[("Voeten's data", "Date")] > 1_000
    assert counts[("Voeten's data", "A state's vote")] > 1_000
    assert counts[("The UN's DGACM extract", "Count")] >= 1  # A/RES/77/293: 58 abstaining for 59


def test_the_differences_filter_by_kind_and_download(client: TestClient) -> None:
    page = soup(client.get("/differences?source=voeten&kind=count").text)
    texts = [tr.select("td")[2].get_text(strip=True) for tr in page.select("table.differences-list tbody tr")]
    assert texts
    assert all(t.startswith("Voeten's data counts") for t in texts)
    response = client.get("/differences.csv?source=voeten&kind=count")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    es_10_19 = [r for r in rows if r["symbol"] == "A/RES/ES-10/19" and r["count"] == "yes"]
    assert es_10_19[0]["un_value"] == "128"
    assert es_10_19[0]["other_value"] == "127"


def test_a_vote_s_page_says_where_the_sources_differ(client: TestClient) -> None:
    page = soup(client.get("/resolutions/A/RES/ES-10/19").text)
    differs = one(page, "section.differences").get_text(" ", strip=True)
    assert "Voeten's data counts 127 in favour (the UN: 128)." in differs
    sources = [str(a["href"]) for a in page.select(".facts a[rel=external]")]
    assert any(href.startswith("https://digitallibrary.un.org/record/") for href in sources)


def test_a_symbol_without_its_part_shows_the_part_voted(client: TestClient) -> None:
    response = client.get("/resolutions/A/RES/181(II)", follow_redirects=False)
    assert response.status_code == 200
    page = soup(response.text)
    assert one(page, ".eyebrow .symbol").get_text(strip=True) == "A/RES/181(II) A"
    assert "33 in favour" in one(page, ".outcome").get_text(" ", strip=True)
    assert client.get("/resolutions/A/RES/181(II)[A]", follow_redirects=False).status_code == 301


def test_a_symbol_voted_in_parts_lists_them(client: TestClient) -> None:
    page = soup(client.get("/resolutions/A/RES/39/148").text)
    symbols = [a.get_text(strip=True) for a in page.select("table a.symbol")]
    assert symbols[:2] == ["A/RES/39/148 A", "A/RES/39/148 B"]
    api = client.get("/api/resolutions/A/RES/39/148")
    assert api.status_code == 404
    assert "A/RES/39/148 A" in api.json()["detail"]


def test_a_separate_vote_points_to_its_resolution(client: TestClient) -> None:
    page = soup(client.get("/resolutions/A/RES/2758(XXVI)").text)
    links = [str(a["href"]) for a in page.select("#sep-h ~ div table a")]
    assert len(links) == 6
    vote = soup(client.get(links[0]).text)
    assert one(vote, ".res-header").select_one("a[href='/resolutions/A/RES/2758(XXVI)']") is not None
    assert vote.select_one(".eyebrow .symbol") is None  # no UN symbol of its own


def test_searching_the_un_title_finds_the_resolution(client: TestClient) -> None:
    page = soup(
        client.get("/resolutions?q=elimination+of+all+forms+of+racial+discrimination&year_to=1975").text
    )
    assert "A/RES/3379(XXX)" in page.get_text(" ")
