"""The ideal points of the real record: fitted cold after the history's import, as a real run does
(tests/conftest.py), stored in the test database, then read by the pages and the API."""

from __future__ import annotations

import csv
import io
import statistics

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.ideal import queries
from app.ideal.refresh import FitReport, fit_and_store, is_stale

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_fit(engine: Engine, history_fit: FitReport) -> FitReport:
    """The fit stored with the history; fitted again (cold, as then) only if a test in this worker has
    committed a change to the record since, so that what is asserted is always the stored fit's."""
    return history_fit if not is_stale() else fit_and_store(warm=False)


def point(db: Session, code: str, year: int) -> float:
    found = queries.points(db, codes=[code], since=year, until=year)
    assert found, f"no estimate for {code} in {year}"
    return found[0].ideal_point


def mean_point(db: Session, code: str, since: int, until: int) -> float:
    return statistics.mean(p.ideal_point for p in queries.points(db, codes=[code], since=since, until=until))


class TestTheFit:
    def test_is_stored_and_converged(self, real_fit: FitReport, db: Session) -> None:
        assert real_fit.stored
        assert real_fit.converged
        assert real_fit.recorded_votes > 6000
        assert real_fit.votes > 900_000
        assert not is_stale()
        run = queries.latest_fit(db)
        assert run is not None
        assert run.state_years == real_fit.state_years

    def test_every_member_with_votes_has_a_point_each_year(self, real_fit: FitReport, db: Session) -> None:
        year_2023 = queries.points(db, since=2023, until=2023)
        assert 185 <= len(year_2023) <= 193
        assert all(0 < p.se < 1 and p.votes > 0 for p in year_2023)

    def test_the_united_states_is_on_the_positive_side(self, real_fit: FitReport, db: Session) -> None:
        assert all(p.ideal_point > 0 for p in queries.points(db, codes=["USA"], since=1980))


class TestFaceValidity:
    """What can be checked without outside files."""

    def test_the_p5_west_stands_apart_from_russia_and_china(self, real_fit: FitReport, db: Session) -> None:
        for year in (1995, 2005, 2015, 2024):
            west = [point(db, code, year) for code in ("USA", "GBR", "FRA")]
            east = [point(db, code, year) for code in ("RUS", "CHN")]
            assert min(west) > max(east), year
            assert point(db, "USA", year) == max(west)

    def test_states_known_to_vote_with_each_bloc(self, real_fit: FitReport, db: Session) -> None:
        median = statistics.median(p.ideal_point for p in queries.points(db, since=2015, until=2015))
        for code in ("ISR", "CAN", "AUS", "FSM"):
            assert mean_point(db, code, 2010, 2019) > median + 1, code
        for code in ("CUB", "PRK", "IRN", "SYR"):
            assert mean_point(db, code, 2010, 2019) < median, code

    def test_eastern_europe_moves_towards_the_west_around_1990(
        self, real_fit: FitReport, db: Session
    ) -> None:
        for code in ("POL", "HUN", "BGR", "ROU", "CSK"):
            assert point(db, code, 1992) - point(db, code, 1987) > 1.5, code
        assert mean_point(db, "RUS", 1992, 1994) - mean_point(db, "RUS", 1980, 1984) > 2


class TestPages:
    def test_where_states_stand(self, real_fit: FitReport, client: TestClient) -> None:
        page = client.get("/ideal-points", params={"year": 1991, "since": 1987})
        assert page.status_code == 200
        soup = BeautifulSoup(page.text, "lxml")
        heading = soup.select_one("h1")
        assert heading is not None
        assert "Where states stand in 1991" in heading.text
        groups = [h.text.split("(")[0].strip() for h in soup.select("section h2[id^=group-]")]
        assert groups[:2] == ["Western European and Others", "Eastern European"]
        movers = [a.text for a in soup.select("#movers-h ~ div table a")]
        assert {"Poland", "Hungary", "Bulgaria"} & set(movers)
        assert soup.select_one("input[type=range][name=year]") is not None

    def test_a_year_without_estimates_says_so(self, real_fit: FitReport, client: TestClient) -> None:
        page = client.get("/ideal-points", params={"year": 1900})
        assert page.status_code == 200
        assert "No estimates for 1900" in page.text

    def test_the_country_page_charts_the_path_beside_peers_and_group(
        self, real_fit: FitReport, client: TestClient
    ) -> None:
        page = client.get("/countries/POL", params={"peer": ["USA", "RUS"]})
        soup = BeautifulSoup(page.text, "lxml")
        heading = soup.select_one("#ideal-h")
        assert heading is not None
        section = heading.parent
        assert section is not None
        head = [th.text for th in section.select("table.ideal-years thead th")]
        assert head[-3:] == ["Eastern European median", "United States of America", "Russian Federation"]
        assert section.select_one("svg polygon.band") is not None
        context = page.context  # type: ignore[attr-defined]
        assert context["ideal"].years[0].year >= 2024

    def test_votes_that_did_not_fit(self, real_fit: FitReport, client: TestClient) -> None:
        page = client.get("/countries/USA/votes-that-did-not-fit")
        surprises = page.context["surprises"]  # type: ignore[attr-defined]
        assert len(surprises) == 50
        assert surprises[0].actual_probability <= surprises[-1].actual_probability < 0.5
        assert all(s.actual != s.predicted for s in surprises[:10])

    def test_a_resolution_names_its_surprising_votes(self, real_fit: FitReport, client: TestClient) -> None:
        page = client.get("/resolutions/A/RES/ES-10/24")
        rows = BeautifulSoup(page.text, "lxml").select("#surprising-h ~ div table tbody tr")
        assert 0 < len(rows) <= 10


class TestDownloads:
    def test_api_filters_by_country_and_years(self, real_fit: FitReport, client: TestClient) -> None:
        answer = client.get(
            "/api/ideal-points", params={"country": ["USA", "CHN"], "since": 2000, "until": 2004}
        )
        rows = answer.json()
        assert {r["country"] for r in rows} == {"USA", "CHN"}
        assert len(rows) == 10
        assert set(rows[0]) == {"country", "year", "ideal_point", "se", "votes"}
        assert "/api/ideal-points" in client.get("/openapi.json").json()["paths"]

    def test_per_country_json_and_csv(self, real_fit: FitReport, client: TestClient) -> None:
        rows = client.get("/api/countries/usa/ideal-points").json()
        assert rows[0]["year"] == 1946
        assert all(r["country"] == "USA" for r in rows)
        body = client.get("/countries/RUS/ideal-points.csv").text
        table = list(csv.DictReader(io.StringIO(body)))
        assert float(table[0]["ideal_point"]) < 0  # negative numbers are written as numbers
        assert float(table[0]["low_95"]) < float(table[0]["ideal_point"]) < float(table[0]["high_95"])

    def test_bad_input_is_a_clear_4xx(self, real_fit: FitReport, client: TestClient) -> None:
        # Parameters fine alone that contradict each other are a 422, as on every API route.
        contradictory = client.get("/api/ideal-points", params={"since": 2000, "until": 1990})
        assert contradictory.status_code == 422
        assert "after it ends" in contradictory.json()["detail"]
        assert client.get("/api/countries/XXX/ideal-points").status_code == 404
        assert client.get("/countries/XXX/votes-that-did-not-fit").status_code == 404
