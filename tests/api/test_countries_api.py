"""The JSON API for member states."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_list_has_193_members_and_historical_states(client: TestClient) -> None:
    states = client.get("/api/countries").json()
    assert sum(s["status"] == "member" for s in states) == 193
    assert {"CSK", "DDR", "YUG"} <= {s["code"] for s in states}


def test_search_by_old_name(client: TestClient) -> None:
    assert [s["code"] for s in client.get("/api/countries", params={"q": "Turkey"}).json()] == ["TUR"]
    assert [s["code"] for s in client.get("/api/countries", params={"q": "USSR"}).json()] == ["RUS"]


def test_names_over_time_and_membership(client: TestClient) -> None:
    body = client.get("/api/countries/RUS").json()
    assert [n["name"] for n in body["names"]] == ["Union of Soviet Socialist Republics", "Russian Federation"]
    assert body["memberships"][0]["admitted"] == "1945-10-24"
    assert body["regional_group"] == "Eastern European"


def test_votes_newest_first(client: TestClient) -> None:
    body = client.get("/api/countries/usa/votes", params={"per_page": 5}).json()
    assert body["total"] > 5000
    dates = [r["date"] for r in body["results"]]
    assert dates == sorted(dates, reverse=True)


def test_unknown_code(client: TestClient) -> None:
    response = client.get("/api/countries/XYZ")
    assert response.status_code == 404
    assert "XYZ" in response.json()["detail"]
