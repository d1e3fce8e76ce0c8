"""Member-state changes through the admin, and the roll-call checks that follow them."""

from __future__ import annotations

import json

from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.models import AuditEvent, State, StateStatus
from tests.admin.conftest import one, post_form, soup
from tests.admin.test_entry import ES_11_7, _error, _save


def _change(client: TestClient, code: str, change: str, data: dict[str, str]) -> Response:
    return post_form(client, f"/admin/states/{code}/{change}", data, page=f"/admin/states/{code}")


def _state(db: Session, code: str) -> State:
    state = db.scalars(select(State).where(State.code == code)).one()
    db.refresh(state)
    return state


class TestStates:
    def test_list_and_page(self, admin_client: TestClient) -> None:
        listing = soup(admin_client.get("/admin/states"))
        assert one(listing, "a[href='/admin/states/TUR']").get_text() == "Türkiye"
        page = soup(admin_client.get("/admin/states/ZAF"))
        assert "Not allowed to participate" in page.get_text()
        assert admin_client.get("/admin/states/XXX").status_code == 404

    def test_new_name_is_matched_from_its_date(self, admin_client: TestClient, db: Session) -> None:
        response = _change(
            admin_client, "ISR", "name", {"name": "State of Israel", "valid_from": "2026-01-01"}
        )
        assert response.status_code == 303
        state = _state(db, "ISR")
        assert state.name == "State of Israel"
        paste = "In favour: State of Israel\nAbstaining: United States of America"
        assert (
            _save(admin_client, {**ES_11_7, "paste": paste, "vote-ISR": "", "vote-USA": ""}).status_code
            == 303
        )
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "rename")).one()
        assert json.loads(event.after_json or "")["names"][-1][:2] == ["State of Israel", "2026-01-01"]

    def test_name_date_must_follow_the_current_name(self, admin_client: TestClient) -> None:
        response = _change(admin_client, "TUR", "name", {"name": "Something", "valid_from": "2020-01-01"})
        assert "give a later date" in _error(response, "valid_from")
        page = soup(response)
        assert one(page, "#f-name")["value"] == "Something"

    def test_suspension_bars_voting(self, admin_client: TestClient, db: Session) -> None:
        data = {"starts_on": "2026-01-01", "ends_on": "", "note": "Article 19: arrears (A/80/999)"}
        assert _change(admin_client, "VEN", "suspension", data).status_code == 303
        response = _save(admin_client, {**ES_11_7, "vote-VEN": "Y"})
        assert "Article 19" in _error(response, "roll_call")
        overlapping = _change(admin_client, "VEN", "suspension", {**data, "starts_on": "2026-02-01"})
        assert "Overlaps" in _error(overlapping, "starts_on")
        backwards = _change(
            admin_client, "VEN", "suspension", {**data, "starts_on": "2027-01-01", "ends_on": "2026-12-01"}
        )
        assert _error(backwards, "starts_on") or _error(backwards, "ends_on")

    def test_membership_end(self, admin_client: TestClient, db: Session) -> None:
        data = {"ended_on": "2026-01-31", "successor": "", "note": "Test: dissolution <b>here</b>"}
        assert (
            _change(admin_client, "TUV", "membership-end", {**data, "successor": "NOPE"}).status_code == 400
        )
        assert _change(admin_client, "TUV", "membership-end", data).status_code == 303
        assert _state(db, "TUV").status is StateStatus.FORMER
        response = _save(admin_client, {**ES_11_7, "vote-TUV": "Y"})
        assert "Not members on that date: Tuvalu" in _error(response, "roll_call")
        again = _change(admin_client, "TUV", "membership-end", data)
        assert "no open membership" in _error(again, "ended_on")
        assert "<b>here</b>" in soup(admin_client.get("/admin/states/TUV")).get_text()

    def test_add_a_state(self, admin_client: TestClient, db: Session) -> None:
        data = {
            "code": "xkx",
            "name": "Testland",
            "iso2": "",
            "group": "Eastern European",
            "admitted_on": "2026-01-15",
        }
        bad = post_form(
            admin_client, "/admin/states", {**data, "code": "FRA", "group": "Nowhere"}, page="/admin/states"
        )
        assert bad.status_code == 400
        assert "exists already" in _error(bad, "code")
        assert _error(bad, "group")
        assert one(soup(bad), "#f-name")["value"] == "Testland"
        response = post_form(admin_client, "/admin/states", data, page="/admin/states")
        assert response.status_code == 303
        assert _state(db, "XKX").status is StateStatus.MEMBER
        check = post_form(
            admin_client, "/admin/resolutions/new", {**ES_11_7, "action": "check"}, page="/admin"
        )
        assert len(soup(check).select("input[name^=vote-][value=Y]")) == 194
        paste = "In favour: Israel, Testland\nAbstaining: United States of America"
        assert (
            _save(admin_client, {**ES_11_7, "paste": paste, "vote-ISR": "", "vote-USA": ""}).status_code
            == 303
        )
        before = {**ES_11_7, "symbol": "A/RES/80/997", "adopted_on": "2025-12-01", "vote-XKX": "Y"}
        assert "Not members on that date: Testland" in _error(_save(admin_client, before), "roll_call")
