"""Member-state changes checked against the votes stored for the state: refused with the votes they
contradict, or applied to those votes when the admin says so; names unique on every day; a removed name
gives the state its previous one back; what the public country pages show of names and suspensions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.models import AuditEvent, Resolution, State, StateName, StateStatus, Vote, VoteChoice
from tests.admin.conftest import one, post_form, soup
from tests.admin.test_entry import _error
from tests.admin.test_states import _change, _state, _version


def _vote(db: Session, code: str, symbol: str) -> VoteChoice | None:
    db.expire_all()
    return db.scalar(
        select(Vote.choice)
        .join(State, State.id == Vote.state_id)
        .join(Resolution, Resolution.id == Vote.resolution_id)
        .where(State.code == code, Resolution.symbol == symbol)
    )


def _resolution(db: Session, symbol: str) -> Resolution:
    return db.scalars(select(Resolution).where(Resolution.symbol == symbol)).one()


class TestMembershipAgainstVotes:
    END_USA = {"ended_on": "2024-01-01", "note": "A mistaken entry"}

    def test_ending_a_membership_before_votes_is_refused_with_the_votes(
        self, admin_client: TestClient, db: Session
    ) -> None:
        response = _change(admin_client, "USA", "membership-end", self.END_USA)
        assert response.status_code == 400
        message = _error(response, "end-ended_on")
        assert "would put outside its membership" in message
        assert "A/RES/ES-10/24 (2024-09-18)" in message
        assert _state(db, "USA").status is StateStatus.MEMBER
        # The form offers the explicit answer, and keeps what was typed.
        page = soup(response)
        assert one(page, "input[name=contradicted][value=resolve]")
        assert one(page, "#f-end-ended_on")["value"] == "2024-01-01"

    def test_a_real_correction_says_what_happens_to_the_votes(
        self, admin_client: TestClient, db: Session
    ) -> None:
        before = _resolution(db, "A/RES/ES-10/24")
        tally, version = before.tally_abstain + before.tally_no + before.tally_yes, before.version
        response = _change(admin_client, "USA", "membership-end", {**self.END_USA, "contradicted": "resolve"})
        assert response.status_code == 303
        assert _vote(db, "USA", "A/RES/ES-10/24") is None
        after = _resolution(db, "A/RES/ES-10/24")
        assert after.tally_abstain + after.tally_no + after.tally_yes == tally - 1  # recounted
        assert after.version > version  # readers' caches follow
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "end_membership")).one()
        assert "votes removed: " in event.summary
        assert "A/RES/ES-10/24" in event.summary

    def test_votes_the_sources_already_date_outside_membership_do_not_block_a_change(
        self, admin_client: TestClient
    ) -> None:
        # Israel's record has votes dated before its admission in Voeten's month-level dates; a note
        # edit on its membership adds no contradiction of its own.
        page = soup(admin_client.get("/admin/states/ISR"))
        action = str(one(page, "form[action$='/edit'][action*='/memberships/']")["action"])
        data = {"version": _version(admin_client, "ISR"), "admitted_on": "1949-05-11", "note": "Checked"}
        response = post_form(admin_client, action, data, page="/admin/states/ISR")
        assert response.status_code == 303, soup(response).select(".field-error")


class TestSuspensionAgainstVotes:
    def test_a_suspension_over_a_cast_vote_is_refused(self, admin_client: TestClient, db: Session) -> None:
        data = {"starts_on": "2024-09-01", "ends_on": "2024-09-30", "note": "Article 19"}
        response = _change(admin_client, "HUN", "suspension", data)
        assert response.status_code == 400
        assert "A/RES/ES-10/24 (2024-09-18)" in _error(response, "suspend-starts_on")
        assert _vote(db, "HUN", "A/RES/ES-10/24") is VoteChoice.NO

        resolved = _change(admin_client, "HUN", "suspension", {**data, "contradicted": "resolve"})
        assert resolved.status_code == 303
        assert _vote(db, "HUN", "A/RES/ES-10/24") is VoteChoice.NON_VOTING
        assert _resolution(db, "A/RES/ES-10/24").tally_no == 13


class TestNames:
    def test_two_states_never_share_a_name_on_one_day(self, admin_client: TestClient, db: Session) -> None:
        response = _change(admin_client, "TUR", "name", {"name": "Greece", "valid_from": "2026-01-01"})
        assert response.status_code == 400
        assert "Greece is the name of GRC" in _error(response, "name")
        assert _state(db, "TUR").name == "Türkiye"

    def test_removing_a_mistaken_name_reopens_the_previous_one(
        self, admin_client: TestClient, db: Session
    ) -> None:
        assert (
            _change(
                admin_client, "TUR", "name", {"name": "Turkiye Mistake", "valid_from": "2026-01-01"}
            ).status_code
            == 303
        )
        mistaken = db.scalars(select(StateName).where(StateName.name == "Turkiye Mistake")).one()
        data = {"version": _version(admin_client, "TUR")}
        url = f"/admin/states/TUR/names/{mistaken.id}/remove"
        assert post_form(admin_client, url, data, page="/admin/states/TUR").status_code == 303
        state = _state(db, "TUR")
        current = [n for n in state.names if n.valid_to is None]
        assert [n.name for n in current] == ["Türkiye"]
        assert state.name == "Türkiye"


class TestPublicCountryPage:
    def test_a_dissolved_states_last_name_ends_with_it(self, client: TestClient) -> None:
        for code, last_day in (("CSK", "31 December 1992"), ("YUG", "")):
            rows = soup(client.get(f"/countries/{code}")).select("section[aria-labelledby=names-h] tbody tr")
            ends = [r.select("td")[2].get_text() for r in rows]
            assert "today" not in ends, (code, ends)
            if last_day:
                assert ends[-1] == last_day

    def test_suspensions_are_shown(self, client: TestClient) -> None:
        page = soup(client.get("/countries/ZAF"))
        items = page.select(".suspensions li")
        assert items
        assert "1974" in items[0].get_text()
