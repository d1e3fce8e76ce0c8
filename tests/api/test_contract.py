"""The JSON API's contract on a database holding only what each test makes (the fast tier): the fields a
resolution and a list answer carry, and the refusals. The oracle tests beside it read the real history."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.models import RegionalGroup, VoteChoice
from tests import factories

pytestmark = pytest.mark.empty_database


@pytest.fixture
def recorded(db: Session) -> None:
    ukraine = factories.state(db, "UKR", "Ukraine")
    france = factories.state(db, "FRA", "France", group=RegionalGroup.WESTERN_EUROPEAN_OTHERS)
    sweden = factories.state(db, "SWE", "Sweden", group=RegionalGroup.WESTERN_EUROPEAN_OTHERS)
    factories.resolution(
        db,
        "A/RES/ES-11/1",
        votes={ukraine: VoteChoice.YES, france: VoteChoice.YES, sweden: VoteChoice.ABSTAIN},
    )
    factories.resolution(
        db, "A/RES/ES-11/2", title="Humanitarian consequences", adopted_on=dt.date(2022, 3, 24)
    )


@pytest.mark.usefixtures("recorded")
class TestResolution:
    def test_a_recorded_vote(self, client: TestClient) -> None:
        response = client.get("/api/resolutions/A/RES/ES-11/1")
        assert response.status_code == 200
        body = response.json()
        assert body["symbol"] == "A/RES/ES-11/1"
        assert body["title"] == "Aggression against Ukraine"
        assert body["date"] == "2022-03-02"
        assert body["session"] == "11th emergency special session"
        assert body["adopted_without_vote"] is False
        assert body["tally"] == {"yes": 2, "no": 0, "abstain": 1, "non_voting": 0}
        assert sorted(body["votes"], key=lambda v: v["country"]) == [
            {"country": "FRA", "name": "France", "vote": "yes"},
            {"country": "SWE", "name": "Sweden", "vote": "abstain"},
            {"country": "UKR", "name": "Ukraine", "vote": "yes"},
        ]

    def test_adopted_without_a_vote(self, client: TestClient) -> None:
        body = client.get("/api/resolutions/A/RES/ES-11/2").json()
        assert body["adopted_without_vote"] is True
        assert body["votes"] == []

    def test_symbol_written_loosely(self, client: TestClient) -> None:
        assert client.get("/api/resolutions/es-11/1").json()["symbol"] == "A/RES/ES-11/1"

    def test_unknown_symbol_is_a_404_with_a_reason(self, client: TestClient) -> None:
        response = client.get("/api/resolutions/A/RES/99/999")
        assert response.status_code == 404
        assert "A/RES/99/999" in response.json()["detail"]


@pytest.mark.usefixtures("recorded")
class TestList:
    def test_pages(self, client: TestClient) -> None:
        body = client.get("/api/resolutions", params={"per_page": 1, "page": 2}).json()
        assert body["total"] == 2
        assert body["page"] == 2
        assert len(body["results"]) == 1

    def test_bad_parameters_are_a_400(self, client: TestClient) -> None:
        for params in ({"page": -1}, {"per_page": 10_000}, {"year": "abc"}, {"q": "x" * 5000}):
            response = client.get("/api/resolutions", params=params)
            assert response.status_code == 400, params
            assert response.json()["detail"].startswith("Invalid request.")
