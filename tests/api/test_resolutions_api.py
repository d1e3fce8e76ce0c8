"""The JSON API for resolutions, on the real data."""

from __future__ import annotations

from starlette.testclient import TestClient


class TestResolution:
    def test_es_10_24(self, client: TestClient) -> None:
        response = client.get("/api/resolutions/A/RES/ES-10/24")
        assert response.status_code == 200
        body = response.json()
        assert body["symbol"] == "A/RES/ES-10/24"
        assert body["date"] == "2024-09-18"
        assert body["session"] == "10th emergency special session"
        assert body["adopted_without_vote"] is False
        assert body["tally"] == {"yes": 124, "no": 14, "abstain": 43, "non_voting": 12}
        assert body["official_totals"]["yes"] == 124
        assert len(body["votes"]) == 193
        usa = next(v for v in body["votes"] if v["country"] == "USA")
        assert usa == {"country": "USA", "name": "United States of America", "vote": "no"}

    def test_symbol_written_loosely(self, client: TestClient) -> None:
        assert client.get("/api/resolutions/es-10/24").json()["symbol"] == "A/RES/ES-10/24"

    def test_old_symbol_and_name_at_the_time(self, client: TestClient) -> None:
        body = client.get("/api/resolutions/A/RES/3379(XXX)").json()
        assert body["session"] == "30th session"
        ussr = next(v for v in body["votes"] if v["country"] == "RUS")
        assert ussr["name"] == "Union of Soviet Socialist Republics"

    def test_adopted_without_a_vote(self, client: TestClient) -> None:
        body = client.get("/api/resolutions/A/RES/74/266").json()
        assert body["adopted_without_vote"] is True
        assert body["votes"] == []

    def test_unknown_symbol_is_a_404_with_a_reason(self, client: TestClient) -> None:
        response = client.get("/api/resolutions/A/RES/99/999")
        assert response.status_code == 404
        assert "A/RES/99/999" in response.json()["detail"]


class TestList:
    def test_filters_and_pagination(self, client: TestClient) -> None:
        body = client.get("/api/resolutions", params={"session": 74, "per_page": 10, "page": 2}).json()
        assert body["total"] == 272
        assert len(body["results"]) == 10
        assert body["page"] == 2

    def test_year_and_text(self, client: TestClient) -> None:
        body = client.get(
            "/api/resolutions", params={"year": 2014, "q": "territorial integrity of Ukraine"}
        ).json()
        assert [r["symbol"] for r in body["results"]] == ["A/RES/68/262"]

    def test_bad_parameters_are_a_400(self, client: TestClient) -> None:
        for params in ({"page": -1}, {"per_page": 10_000}, {"year": "abc"}, {"q": "x" * 5000}):
            response = client.get("/api/resolutions", params=params)
            assert response.status_code == 400, params
            assert response.json()["detail"].startswith("Invalid request.")
