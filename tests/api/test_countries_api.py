"""The JSON API for member states."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.accounts import create_account
from tests.admin.conftest import PASSWORD, post_form, sign_in
from tests.admin.test_entry import UKRAINE_2026, _resolution, _save


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


def test_statements_of_intended_vote(client: TestClient, db: Session) -> None:
    """A statement entered in the admin (as in tests/admin/test_edit.py) is listed with the state once its
    resolution is published, beside the official vote, which is unchanged."""
    assert client.get("/api/countries/USA").json()["intended_votes"] == []
    create_account(db, "ada", PASSWORD)
    with TestClient(client.app) as admin:
        assert sign_in(admin, "ada", PASSWORD).status_code == 303
        assert _save(admin, UKRAINE_2026).status_code == 303
        page = f"/admin/resolutions/{_resolution(db, 'A/RES/ES-11/9').id}"
        note = {"state": "USA", "intended": "N", "statement": "Letter of 27 Feb", "stated_on": "2026-02-27"}
        assert post_form(admin, f"{page}/intentions", note, page=page).status_code == 303
        assert client.get("/api/countries/USA").json()["intended_votes"] == []  # still a draft
        post_form(admin, f"{page}/publish", {"publish": "1", "version": "1"}, page=page)
    assert client.get("/api/countries/USA").json()["intended_votes"] == [
        {
            "symbol": "A/RES/ES-11/9",
            "date": "2026-02-24",
            "name": "United States of America",
            "official_vote": "abstain",
            "intended_vote": "no",
            "statement": "Letter of 27 Feb",
            "stated_on": "2026-02-27",
            "url": "/api/resolutions/A/RES/ES-11/9",
        }
    ]
    assert client.get("/api/countries/ISR").json()["intended_votes"] == []
    documented = client.get("/openapi.json").json()["components"]["schemas"]["CountryOut"]["properties"]
    assert "statements of intended vote" in documented["intended_votes"]["description"]
