"""Entering a resolution through the forms: the ES-11/9 example end to end, paste and per-state entry,
the checks, drafts and publishing, and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.models import AuditEvent, DataSource, Resolution, SourceKind, State, Vote, VoteChoice
from tests.admin.conftest import ORIGIN, csrf_from, one, post_form, soup
from tests.admin.test_rollcall import ES_11_6

UKRAINE_2026: dict[str, Any] = {
    "symbol": "es-11/9",
    "title": "Advancing a comprehensive, just and lasting peace in Ukraine",
    "adopted_on": "2026-02-24",
    "meeting_record": "A/ES-11/PV.25",
    "draft_symbol": "A/ES-11/L.10",
    "agenda_item": "5",
    "adoption": "recorded_vote",
    "official_yes": "107",
    "official_no": "12",
    "official_abstain": "51",
    "vote-ISR": "Y",
    "vote-USA": "A",
}
NEW = "/admin/resolutions/new"


def _save(client: TestClient, data: dict[str, Any], url: str = NEW, page: str = NEW) -> Any:
    return post_form(client, url, {**data, "action": "save"}, page=page)


def _resolution(db: Session, symbol: str) -> Resolution:
    return db.scalars(select(Resolution).where(Resolution.symbol == symbol)).one()


def _counts(db: Session) -> tuple[int, int, int]:
    return (
        db.scalar(select(func.count()).select_from(Resolution)) or 0,
        db.scalar(select(func.count()).select_from(Vote)) or 0,
        db.scalar(select(func.count()).select_from(AuditEvent)) or 0,
    )


def _error(response: Any, field: str) -> str:
    node = one(soup(response), f"#{field}-error")
    assert node is not None, f"no error shown for {field}"
    return str(node.get_text())


class TestUkraineExample:
    """24 February 2026, eleventh emergency special session: 107-12-51, only two votes known."""

    def test_end_to_end(self, admin_client: TestClient, client: TestClient, db: Session) -> None:
        response = _save(admin_client, UKRAINE_2026)
        assert response.status_code == 303, soup(response).select(".field-error")
        resolution = _resolution(db, "A/RES/ES-11/9")
        assert resolution.published is False
        assert (resolution.session_kind.value, resolution.session_number) == ("emergency_special", 11)
        assert resolution.roll_call_complete is False
        assert (resolution.tally_yes, resolution.tally_no, resolution.tally_abstain) == (1, 0, 1)
        source = db.get(DataSource, resolution.source_id)
        assert source is not None
        assert source.kind is SourceKind.ADMIN

        # A draft is not public...
        assert client.get("/api/resolutions/A/RES/ES-11/9").status_code == 404
        # ...until it is published.
        page = admin_client.get(response.headers["location"])
        assert "2 of 193 members' votes known" in " ".join(page.text.split())
        published = post_form(
            admin_client,
            f"/admin/resolutions/{resolution.id}/publish",
            {"publish": "1", "version": str(resolution.version)},
            page=f"/admin/resolutions/{resolution.id}",
        )
        assert published.status_code == 303

        body = client.get("/api/resolutions/A/RES/ES-11/9").json()
        assert body["official_totals"] == {"yes": 107, "no": 12, "abstain": 51, "non_voting": None}
        assert body["roll_call_complete"] is False
        assert body["session"] == "11th emergency special session"
        assert {(v["country"], v["vote"]) for v in body["votes"]} == {("ISR", "yes"), ("USA", "abstain")}
        mine = select(AuditEvent).where(
            AuditEvent.entity == "resolution", AuditEvent.entity_id == str(resolution.id)
        )
        assert [e.action for e in db.scalars(mine.order_by(AuditEvent.id))] == ["create", "publish"]

    def test_public_page_shows_official_totals(
        self, admin_client: TestClient, client: TestClient, db: Session
    ) -> None:
        _save(admin_client, UKRAINE_2026)
        resolution = _resolution(db, "A/RES/ES-11/9")
        resolution.published = True
        db.flush()
        page = client.get("/resolutions/A/RES/ES-11/9")
        if page.status_code == 404:
            pytest.skip("the public resolution page is not in this tree yet")
        text = " ".join(soup(page).get_text().split())
        assert "107" in text
        assert "51" in text
        assert "incomplete" in text.lower()


class TestRollCallEntry:
    def test_paste_is_read_into_the_table(self, admin_client: TestClient, db: Session) -> None:
        data = {**UKRAINE_2026, "symbol": "A/RES/ES-11/6", "adopted_on": "2023-02-23", "paste": ES_11_6}
        # The totals come from the pasted sentence ("adopted by 141 votes to 7, with 32 abstentions").
        data = {k: v for k, v in data.items() if not k.startswith(("vote-", "official_"))}
        response = post_form(
            admin_client, NEW, {**data, "symbol": "A/RES/ES-11/99", "action": "check"}, page=NEW
        )
        page = soup(response)
        assert response.status_code == 200, page.select(".field-error")
        assert one(page, "#understood") is not None
        assert one(page, "input[name=vote-TUR][value=Y]").has_attr("checked")
        assert one(page, "input[name=vote-PRK][value=N]").has_attr("checked")
        assert one(page, "input[name=vote-CHN][value=A]").has_attr("checked")
        assert one(page, "input[name=vote-FRA][value='']").has_attr("checked")  # not in this excerpt
        # The totals sentence filled the official totals, which were left empty.
        assert one(page, "input[name=official_yes]")["value"] == "141"
        assert one(page, "textarea[name=paste]").get_text() == ""

    def test_unmatched_names_are_listed_and_nothing_is_saved(
        self, admin_client: TestClient, db: Session
    ) -> None:
        before = _counts(db)
        data = {
            **UKRAINE_2026,
            "paste": "In favour: Israel, Narnia\nAgainst: Atlantis\nAbstaining: United States of America",
        }
        response = _save(admin_client, data)
        assert response.status_code == 400
        assert "Narnia; Atlantis" in _error(response, "paste")
        assert [li.get_text() for li in soup(response).select(".unmatched li")] == ["Narnia", "Atlantis"]
        assert one(soup(response), "textarea[name=paste]").get_text().startswith("In favour: Israel")
        assert _counts(db) == before

    def test_per_state_table_complete_roll_call(self, admin_client: TestClient, db: Session) -> None:
        one(soup(admin_client.get(NEW)), "form.admin-form")
        check = post_form(admin_client, NEW, {**UKRAINE_2026, "action": "check"}, page=NEW)
        codes = sorted({str(i["name"])[5:] for i in soup(check).select("input[type=radio][name^=vote-]")})
        assert len(codes) == 193
        votes = {f"vote-{c}": "Y" for c in codes[:150]} | {f"vote-{c}": "N" for c in codes[150:160]}
        votes |= {f"vote-{c}": "A" for c in codes[160:190]}  # the last three did not vote
        data = {
            **{k: v for k, v in UKRAINE_2026.items() if not k.startswith("vote-")},
            **votes,
            "official_yes": "150",
            "official_no": "10",
            "official_abstain": "30",
            "roll_call_complete": "1",
        }
        assert _save(admin_client, data).status_code == 303
        resolution = _resolution(db, "A/RES/ES-11/9")
        assert resolution.roll_call_complete
        tally = (
            resolution.tally_yes,
            resolution.tally_no,
            resolution.tally_abstain,
            resolution.tally_non_voting,
        )
        assert tally == (150, 10, 30, 3)
        rows = db.scalar(select(func.count()).select_from(Vote).where(Vote.resolution_id == resolution.id))
        assert rows == 193

    def test_mismatch_needs_a_reason_which_is_then_public(
        self, admin_client: TestClient, client: TestClient, db: Session
    ) -> None:
        data = {**UKRAINE_2026, "roll_call_complete": "1", "vote-ISR": "Y"}
        response = _save(admin_client, data)
        assert response.status_code == 400
        assert "official total is 107" in _error(response, "discrepancy")
        reason = "Only two votes transcribed so far; the rest are from the meeting record."
        assert _save(admin_client, {**data, "discrepancy": reason}).status_code == 303
        resolution = _resolution(db, "A/RES/ES-11/9")
        resolution.published = True
        db.flush()
        assert client.get("/api/resolutions/A/RES/ES-11/9").json()["discrepancy"] == reason

    def test_incomplete_roll_call_cannot_exceed_the_official_totals(self, admin_client: TestClient) -> None:
        response = _save(admin_client, {**UKRAINE_2026, "official_no": "0", "vote-RUS": "N"})
        assert response.status_code == 400
        assert "against" in _error(response, "discrepancy")

    def test_no_state_twice(self, admin_client: TestClient, db: Session) -> None:
        before = _counts(db)
        response = _save(admin_client, {**UKRAINE_2026, "paste": "In favour: Israel\nAgainst: Israel"})
        assert "Listed more than once: Israel" in _error(response, "paste")
        token_page = NEW
        both = post_form(
            admin_client, NEW, {**UKRAINE_2026, "action": "save", "vote-ISR": ["Y", "N"]}, page=token_page
        )
        assert "Listed twice: ISR" in _error(both, "roll_call")
        assert _counts(db) == before

    def test_no_votes_from_non_members(self, admin_client: TestClient) -> None:
        data = {**UKRAINE_2026, "adopted_on": "2005-01-10", "symbol": "A/RES/59/999", "vote-SSD": "Y"}
        response = _save(admin_client, data)
        assert "Not members on that date: South Sudan" in _error(response, "roll_call")

    def test_no_votes_from_suspended_members(self, admin_client: TestClient) -> None:
        data = {**UKRAINE_2026, "adopted_on": "1980-01-10", "symbol": "A/RES/34/999", "vote-ZAF": "N"}
        response = _save(admin_client, data)
        assert "Article 19" in _error(response, "roll_call")

    def test_unknown_state_code(self, admin_client: TestClient) -> None:
        response = _save(admin_client, {**UKRAINE_2026, "vote-XYZ": "Y", "vote-ISR": "Q"})
        assert "Unknown entries: ISR" in _error(response, "roll_call")

    def test_without_a_vote(self, admin_client: TestClient, db: Session) -> None:
        data = {
            "symbol": "A/RES/80/999",
            "title": "Adopted by consensus",
            "adopted_on": "2025-12-01",
            "adoption": "without_vote",
        }
        assert _save(admin_client, data).status_code == 303
        resolution = _resolution(db, "A/RES/80/999")
        assert resolution.adoption.value == "without_vote"
        assert resolution.roll_call_complete
        response = _save(
            admin_client, {**data, "symbol": "A/RES/80/998", "vote-USA": "N", "official_yes": "3"}
        )
        assert "without a vote" in _error(response, "adoption")


class TestBadInput:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("symbol", "", "Give the resolution's symbol"),
            ("symbol", "S/RES/2231", "Not a UN resolution symbol"),
            ("symbol", "A/RES/ES-10/24", "already exists"),
            ("title", "   ", "Give the title"),
            ("adopted_on", "2999-01-01", "in the future"),
            ("adopted_on", "1945-12-31", "first met in 1946"),
            ("adopted_on", "24/02/2026", "YYYY-MM-DD"),
            ("official_yes", "many", "whole number"),
            ("official_no", "-1", "whole number"),
            ("official_abstain", "", "official total"),
            ("title", "x" * 2001, "At most 2,000"),
            ("meeting_record", "A/ES-11/PV.25\x00", "control"),
            ("adoption", "by acclamation", "recorded vote or adopted without"),
        ],
    )
    def test_error_next_to_the_field_keeps_input_writes_nothing(
        self, admin_client: TestClient, db: Session, field: str, value: str, message: str
    ) -> None:
        before = _counts(db)
        response = _save(admin_client, {**UKRAINE_2026, field: value})
        assert response.status_code == 400
        assert message in _error(response, field)
        page = soup(response)
        assert one(page, "#f-title").get_text() == (value if field == "title" else UKRAINE_2026["title"])
        if field == "symbol":
            assert one(page, "#f-symbol")["value"] == value
        assert _counts(db) == before

    def test_markup_and_sql_are_text(self, admin_client: TestClient, client: TestClient, db: Session) -> None:
        title = '<script>alert("x")</script> \'; DROP TABLE resolution; --'
        assert (
            _save(admin_client, {**UKRAINE_2026, "title": title, "agenda_item": "<b>5</b>"}).status_code
            == 303
        )
        resolution = _resolution(db, "A/RES/ES-11/9")
        assert resolution.title == title
        for path in (
            f"/admin/resolutions/{resolution.id}",
            f"/admin/resolutions/{resolution.id}/edit",
            "/admin",
        ):
            page = admin_client.get(path)
            assert "<script>alert" not in page.text, path
            assert not soup(page).select("main script, main b"), path
        heading = one(soup(admin_client.get(f"/admin/resolutions/{resolution.id}")), "h1")
        assert heading.get_text().endswith(title)
        resolution.published = True
        db.flush()
        assert client.get("/api/resolutions/A/RES/ES-11/9").json()["title"] == title
        public = client.get("/resolutions/A/RES/ES-11/9")
        assert public.status_code == 200
        assert "<script>alert" not in public.text
        assert one(soup(public), "h1").get_text(strip=True).endswith(title.strip())
        assert (
            db.scalar(select(func.count()).select_from(State)) or 0
        ) > 190  # the tables are all still there

    def test_oversized_request(self, admin_client: TestClient) -> None:
        response = post_form(admin_client, NEW, {**UKRAINE_2026, "paste": "x" * 2_100_000}, page=NEW)
        assert response.status_code == 413
        assert "at most 2,000,000 bytes" in response.text

    def test_chunked_request_is_limited_while_it_is_read(self, admin_client: TestClient, db: Session) -> None:
        token = csrf_from(admin_client.get(NEW).text)

        def body(size: int) -> Iterator[bytes]:
            # A generator makes the client send Transfer-Encoding: chunked, with no Content-Length.
            yield urlencode({**UKRAINE_2026, "action": "save", "csrf_token": token}).encode() + b"&paste="
            for _ in range(size // 65_536):
                yield b"x" * 65_536

        headers = {**ORIGIN, "Content-Type": "application/x-www-form-urlencoded"}
        response = admin_client.post(NEW, content=body(4_000_000), headers=headers, follow_redirects=False)
        assert response.status_code == 413
        assert "at most 2,000,000 bytes" in response.text
        assert db.scalar(select(Resolution).where(Resolution.symbol == "A/RES/ES-11/9")) is None
        # A chunked form within the limit is read as usual.
        small = admin_client.post(NEW, content=body(0), headers=headers, follow_redirects=False)
        assert small.status_code == 303

    def test_oversized_paste(self, admin_client: TestClient) -> None:
        response = _save(admin_client, {**UKRAINE_2026, "paste": "In favour: " + "Israel, " * 8000})
        assert "At most 50,000" in _error(response, "paste")

    def test_choice_values_are_choices(self) -> None:
        assert {c.value for c in VoteChoice} == {"Y", "N", "A", "X"}
