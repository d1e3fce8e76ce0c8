"""Member-state changes through the admin, and the roll-call checks that follow them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.cli import _print_summary
from app.data_version import data_version
from app.ingest.reference import load_reference, sync_states
from app.ingest.summary import ImportSummary
from app.models import AuditEvent, State, StateStatus
from tests.admin.conftest import ORIGIN, one, post_form, soup
from tests.admin.test_entry import UKRAINE_2026, _error, _save
from tests.conftest import REFERENCE


def _version(client: TestClient, code: str) -> str:
    """The state's version as its page carries it in every form."""
    return str(one(soup(client.get(f"/admin/states/{code}")), "input[name=version]")["value"])


def _change(client: TestClient, code: str, change: str, data: dict[str, str]) -> Response:
    """Post one of a state's forms as loaded now (with the version the page carries)."""
    data = {"version": _version(client, code), **data}
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
            _save(admin_client, {**UKRAINE_2026, "paste": paste, "vote-ISR": "", "vote-USA": ""}).status_code
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
        response = _save(admin_client, {**UKRAINE_2026, "vote-VEN": "Y"})
        assert "Article 19" in _error(response, "roll_call")
        overlapping = _change(admin_client, "VEN", "suspension", {**data, "starts_on": "2026-02-01"})
        assert "Overlaps" in _error(overlapping, "suspend-starts_on")
        backwards = _change(
            admin_client, "VEN", "suspension", {**data, "starts_on": "2026-01-05", "ends_on": "2026-01-02"}
        )
        assert backwards.status_code == 400

    def test_membership_end(self, admin_client: TestClient, db: Session) -> None:
        # Tuvalu voted after that day: ending its membership then removes those votes, as the admin says.
        data = {
            "ended_on": "2026-01-31",
            "successor": "",
            "note": "Test: dissolution <b>here</b>",
            "contradicted": "resolve",
        }
        assert (
            _change(admin_client, "TUV", "membership-end", {**data, "successor": "NOPE"}).status_code == 400
        )
        assert _change(admin_client, "TUV", "membership-end", data).status_code == 303
        assert _state(db, "TUV").status is StateStatus.FORMER
        response = _save(admin_client, {**UKRAINE_2026, "vote-TUV": "Y"})
        assert "Not members on that date: Tuvalu" in _error(response, "roll_call")
        again = _change(admin_client, "TUV", "membership-end", data)
        assert "no open membership" in _error(again, "end-ended_on")
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
            admin_client, "/admin/resolutions/new", {**UKRAINE_2026, "action": "check"}, page="/admin"
        )
        assert len(soup(check).select("input[name^=vote-][value=Y]")) == 194
        paste = "In favour: Israel, Testland\nAbstaining: United States of America"
        assert (
            _save(admin_client, {**UKRAINE_2026, "paste": paste, "vote-ISR": "", "vote-USA": ""}).status_code
            == 303
        )
        before = {**UKRAINE_2026, "symbol": "A/RES/80/997", "adopted_on": "2025-12-01", "vote-XKX": "Y"}
        assert "Not members on that date: Testland" in _error(_save(admin_client, before), "roll_call")


def _row_url(client: TestClient, code: str, kind: str, index: int = 0) -> str:
    """The edit URL of a state's ``index``-th recorded name, membership or suspension, from its page."""
    forms = soup(client.get(f"/admin/states/{code}")).select(f"form[action^='/admin/states/{code}/{kind}/']")
    edits = [str(f["action"]) for f in forms if str(f["action"]).endswith("/edit")]
    return edits[index]


def _removal_page(client: TestClient, code: str, kind: str, index: int = 0) -> Response:
    """What the Remove button of a state's ``index``-th name, membership or suspension leads to: a GET
    form on its page, carrying the version the page was loaded at."""
    page = soup(client.get(f"/admin/states/{code}"))
    button = page.select(f"form[method=get][action^='/admin/states/{code}/{kind}/']")[index]
    params = {str(field["name"]): str(field["value"]) for field in button.select("input[name]")}
    return client.get(str(button["action"]), params=params)


def _confirm(client: TestClient, confirmation: Response) -> Response:
    """Press Remove on a confirmation page, as a browser would (its form's fields, our Origin)."""
    form = one(soup(confirmation), "form[method=post][action$='/remove']")
    data = {str(field["name"]): str(field["value"]) for field in form.select("input[name]")}
    return client.post(str(form["action"]), data=data, headers=ORIGIN, follow_redirects=False)


def _remove(client: TestClient, code: str, kind: str, index: int = 0) -> Response:
    return _confirm(client, _removal_page(client, code, kind, index))


def _post_row(client: TestClient, url: str, data: dict[str, str], code: str) -> Response:
    data = {"version": _version(client, code), **data}
    return post_form(client, url, data, page=f"/admin/states/{code}")


def _audit(db: Session, action: str) -> AuditEvent:
    """The latest audit entry of an action."""
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
    ).first()
    assert event is not None, f"no {action!r} in the audit trail"
    return event


class TestCorrections:
    """Names, memberships and suspensions corrected or removed: same checks as adding, audited."""

    def test_correct_a_name(self, admin_client: TestClient, db: Session) -> None:
        eswatini = _row_url(admin_client, "SWZ", "names", 1)
        prefix = eswatini.split("/")[-2]  # the row id, as in the form's field ids
        overlap = _post_row(
            admin_client, eswatini, {"name": "Eswatini", "valid_from": "2018-04-10", "valid_to": ""}, "SWZ"
        )
        assert overlap.status_code == 400
        assert "Overlaps the name Swaziland" in _error(overlap, f"names-{prefix}-valid_from")
        assert one(soup(overlap), f"#f-names-{prefix}-valid_from")["value"] == "2018-04-10"
        backwards = _post_row(
            admin_client,
            eswatini,
            {"name": "Eswatini", "valid_from": "2018-04-19", "valid_to": "2018-01-01"},
            "SWZ",
        )
        assert "before it starts" in _error(backwards, f"names-{prefix}-valid_to")
        cached = data_version(db)
        ok = _post_row(
            admin_client, eswatini, {"name": "Kingdom of Eswatini", "valid_from": "2018-04-19"}, "SWZ"
        )
        assert ok.status_code == 303
        assert data_version(db) != cached  # same number of rows, yet cached pages are stale
        state = _state(db, "SWZ")
        assert state.name == "Kingdom of Eswatini"
        assert state.admin_changed_at is not None
        event = _audit(db, "edit_name")
        assert json.loads(event.before_json or "")["names"][1][0] == "Eswatini"
        assert json.loads(event.after_json or "")["names"][1][0] == "Kingdom of Eswatini"
        # The new spelling is matched in pasted roll calls at once.
        paste = "In favour: Israel, Kingdom of Eswatini\nAbstaining: United States of America"
        saved = _save(admin_client, {**UKRAINE_2026, "paste": paste, "vote-ISR": "", "vote-USA": ""})
        assert saved.status_code == 303

    def test_remove_a_name(self, admin_client: TestClient, db: Session) -> None:
        assert _remove(admin_client, "SWZ", "names", 1).status_code == 303
        state = _state(db, "SWZ")
        assert [n.name for n in state.names] == ["Swaziland"]
        assert state.name == "Swaziland"
        assert _audit(db, "remove_name").summary == "Eswatini"
        refused = _remove(admin_client, "ZAF", "names")
        assert refused.status_code == 400
        assert "at least one name" in refused.text

    def test_membership_dates_change_who_may_vote(self, admin_client: TestClient, db: Session) -> None:
        url = _row_url(admin_client, "TUV", "memberships")
        late = {
            "admitted_on": "2026-03-01",
            "ended_on": "",
            "successor": "",
            "note": "Test correction",
            "contradicted": "resolve",  # its earlier votes go: the admin says they were recorded wrongly
        }
        assert _post_row(admin_client, url, late, "TUV").status_code == 303
        response = _save(admin_client, {**UKRAINE_2026, "vote-TUV": "Y"})
        assert "Not members on that date: Tuvalu" in _error(response, "roll_call")
        check = post_form(admin_client, "/admin/resolutions/new", {**UKRAINE_2026, "action": "check"})
        assert not soup(check).select("input[name=vote-TUV]")
        event = _audit(db, "edit_membership")
        assert json.loads(event.before_json or "")["memberships"][0][0] == "2000-09-05"
        assert json.loads(event.after_json or "")["memberships"][0][0] == "2026-03-01"
        # ZAF's 1974 suspension must stay inside a membership.
        zaf = _row_url(admin_client, "ZAF", "memberships")
        outside = _post_row(admin_client, zaf, {"admitted_on": "1975-01-01", "note": ""}, "ZAF")
        assert "would fall outside membership" in outside.text
        early = _post_row(admin_client, zaf, {"admitted_on": "1944-12-31", "note": ""}, "ZAF")
        assert "24 October 1945" in early.text
        future = _post_row(admin_client, zaf, {"admitted_on": "1945-10-24", "ended_on": "2999-01-01"}, "ZAF")
        assert "in the future" in future.text
        assert _state(db, "ZAF").memberships[0].admitted_on.isoformat() == "1945-10-24"

    def test_ending_and_reopening_a_membership(self, admin_client: TestClient, db: Session) -> None:
        url = _row_url(admin_client, "TUV", "memberships")
        ended = {"admitted_on": "2000-09-05", "ended_on": "2026-06-30", "note": "Test"}
        assert _post_row(admin_client, url, ended, "TUV").status_code == 303
        assert _state(db, "TUV").status is StateStatus.FORMER
        reopened = {**ended, "ended_on": ""}
        assert _post_row(admin_client, url, reopened, "TUV").status_code == 303
        assert _state(db, "TUV").status is StateStatus.MEMBER
        assert "at least one membership" in _remove(admin_client, "TUV", "memberships").text

    def test_correct_and_remove_a_suspension(self, admin_client: TestClient, db: Session) -> None:
        data = {"starts_on": "2026-01-01", "ends_on": "", "note": "Article 19: arrears (A/80/999)"}
        assert _change(admin_client, "VEN", "suspension", data).status_code == 303
        assert "Article 19" in _error(_save(admin_client, {**UKRAINE_2026, "vote-VEN": "Y"}), "roll_call")
        url = _row_url(admin_client, "VEN", "suspensions")
        short = {**data, "ends_on": "2026-01-31"}
        assert _post_row(admin_client, url, short, "VEN").status_code == 303
        # The suspension ended before the vote: Venezuela's vote counts.
        saved = _save(admin_client, {**UKRAINE_2026, "symbol": "A/RES/ES-11/97", "vote-VEN": "Y"})
        assert saved.status_code == 303
        assert _audit(db, "edit_suspension").after_json is not None
        backwards = _post_row(admin_client, url, {**data, "ends_on": "2025-12-01"}, "VEN")
        assert backwards.status_code == 400
        assert _remove(admin_client, "VEN", "suspensions").status_code == 303
        assert _state(db, "VEN").suspensions == []
        event = _audit(db, "remove_suspension")
        assert json.loads(event.before_json or "")["suspensions"] != []
        assert json.loads(event.after_json or "")["suspensions"] == []

    def test_a_stale_form_is_refused_and_kept(self, admin_client: TestClient, db: Session) -> None:
        stale = _version(admin_client, "SWZ")
        url = _row_url(admin_client, "SWZ", "names", 1)
        assert (
            _change(
                admin_client, "SWZ", "name", {"name": "Eswatini II", "valid_from": "2026-01-01"}
            ).status_code
            == 303
        )
        typed = {"version": stale, "name": "Eswatini (typed)", "valid_from": "2018-04-19", "valid_to": ""}
        response = post_form(admin_client, url, typed, page="/admin/states/SWZ")
        assert response.status_code == 409
        page = soup(response)
        assert "changed this state meanwhile" in page.get_text()
        row = url.split("/")[-2]
        assert one(page, f"#f-names-{row}-name")["value"] == "Eswatini (typed)"
        assert one(page, "input[name=version]")["value"] != stale
        assert _state(db, "SWZ").names[1].name == "Eswatini"
        removal = post_form(
            admin_client, url.replace("/edit", "/remove"), {"version": stale}, page="/admin/states/SWZ"
        )
        assert removal.status_code == 409
        assert len(_state(db, "SWZ").names) == 3

    def test_a_removal_asks_first_and_says_what(self, admin_client: TestClient, db: Session) -> None:
        before = _state(db, "SWZ").version
        asked = _removal_page(admin_client, "SWZ", "names", 1)
        assert asked.status_code == 200
        page = soup(asked)
        assert one(page, "h1").get_text() == "Remove this name from the record of Eswatini?"
        assert one(page, "dl.removal").get_text(" ", strip=True) == "Name Eswatini Used 19 April 2018 – today"
        assert one(page, "a.button[href='/admin/states/SWZ']").get_text() == "Cancel"
        form = one(page, "form[method=post][action$='/remove']")
        assert one(form, "input[name=csrf_token]")["value"]
        assert one(form, "input[name=version]")["value"] == str(before)
        assert one(form, "button").get_text() == "Remove"
        # Asking removed nothing and wrote nothing.
        state = _state(db, "SWZ")
        assert [n.name for n in state.names] == ["Swaziland", "Eswatini"]
        assert (state.version, state.admin_changed_at) == (before, None)
        assert db.scalars(select(AuditEvent).where(AuditEvent.entity == "state")).all() == []
        assert _confirm(admin_client, asked).status_code == 303
        assert [n.name for n in _state(db, "SWZ").names] == ["Swaziland"]
        event = _audit(db, "remove_name")
        assert (event.entity, event.entity_id, event.summary) == ("state", "SWZ", "Eswatini")
        assert json.loads(event.before_json or "")["names"][1][0] == "Eswatini"

    def test_removal_pages_of_memberships_and_suspensions(self, admin_client: TestClient) -> None:
        membership = one(soup(_removal_page(admin_client, "DDR", "memberships")), "dl.removal")
        assert membership.get_text(" ", strip=True) == (
            "Member 18 September 1973 – 2 October 1990 Continued by DEU"
            " Note Acceded to the Federal Republic of Germany on 3 Oct 1990"
        )
        suspension = one(soup(_removal_page(admin_client, "ZAF", "suspensions")), "dl.removal")
        assert suspension.select("dt")[1].get_text() == "Reason and source"
        assert "Not allowed to participate" in suspension.get_text()

    def test_a_stale_removal_is_refused_at_either_step(self, admin_client: TestClient, db: Session) -> None:
        stale = _version(admin_client, "SWZ")
        asked = _removal_page(admin_client, "SWZ", "names", 1)
        rename = {"name": "Eswatini II", "valid_from": "2026-01-01"}
        assert _change(admin_client, "SWZ", "name", rename).status_code == 303
        # The confirmation was loaded before the change: pressing Remove is refused.
        refused = _confirm(admin_client, asked)
        assert refused.status_code == 409
        assert "changed this state meanwhile" in soup(refused).get_text()
        # So is asking with the version of a state page loaded before the change.
        url = str(one(soup(asked), "form[method=post][action$='/remove']")["action"])
        early = admin_client.get(url, params={"version": stale})
        assert early.status_code == 409
        assert "changed this state meanwhile" in soup(early).get_text()
        assert not soup(early).select("form[method=post][action$='/remove']")
        assert admin_client.get(url).status_code == 409  # no version at all
        assert len(_state(db, "SWZ").names) == 3
        assert db.scalars(select(AuditEvent).where(AuditEvent.action == "remove_name")).all() == []

    def test_unknown_rows_and_missing_tokens(self, admin_client: TestClient) -> None:
        version = _version(admin_client, "ZAF")
        assert (
            post_form(
                admin_client,
                "/admin/states/ZAF/names/999999/edit",
                {"version": version, "name": "X", "valid_from": "2000-01-01"},
                page="/admin/states/ZAF",
            ).status_code
            == 404
        )
        assert (
            post_form(
                admin_client, "/admin/states/ZAF/flags/1/edit", {"version": version}, page="/admin/states/ZAF"
            ).status_code
            == 404
        )
        swz = _row_url(admin_client, "SWZ", "names")
        assert (
            post_form(
                admin_client,
                swz.replace("SWZ", "ZAF"),
                {"version": version, "name": "X", "valid_from": "2000-01-01"},
                page="/admin/states/ZAF",
            ).status_code
            == 404
        )
        version = _version(admin_client, "ZAF")
        for unknown in ("names/999999", "flags/1", swz.rsplit("/", 1)[0].split("/SWZ/")[1]):
            response = admin_client.get(f"/admin/states/ZAF/{unknown}/remove", params={"version": version})
            assert response.status_code == 404, unknown
        no_token = admin_client.post(
            swz.replace("/edit", "/remove"),
            data={"version": _version(admin_client, "SWZ")},
            headers=ORIGIN,
            follow_redirects=False,
        )
        assert no_token.status_code == 403


class TestReimport:
    """An import of data/states.toml keeps what admins changed, says so, and lets the file rule again
    once it agrees (or when an admin takes the file's record)."""

    def _rename(self, client: TestClient) -> None:
        url = _row_url(client, "SWZ", "names", 1)
        data = {"name": "Kingdom of Eswatini", "valid_from": "2018-04-19"}
        assert _post_row(client, url, data, "SWZ").status_code == 303

    def test_import_keeps_admin_changes_and_names_them(
        self, admin_client: TestClient, db: Session, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self._rename(admin_client)
        result = sync_states(db, load_reference(REFERENCE))
        assert (result.added, result.changed, result.kept) == (0, 0, ["SWZ"])
        assert _state(db, "SWZ").name == "Kingdom of Eswatini"
        assert _state(db, "SWZ").admin_changed_at is not None
        _print_summary(ImportSummary(states_kept=result.kept), 1.0)
        assert "Kept as changed through the admin" in capsys.readouterr().err

    def test_file_rules_again_once_it_agrees(
        self, admin_client: TestClient, db: Session, tmp_path: Path
    ) -> None:
        self._rename(admin_client)
        text = REFERENCE.read_text(encoding="utf-8")
        agreeing = text.replace(
            '[states.SWZ]\nname = "Eswatini"', '[states.SWZ]\nname = "Kingdom of Eswatini"'
        ).replace(
            '{ name = "Eswatini", from = "2018-04-19" }',
            '{ name = "Kingdom of Eswatini", from = "2018-04-19" }',
        )
        assert agreeing != text
        path = tmp_path / "states.toml"
        path.write_text(agreeing, encoding="utf-8")
        result = sync_states(db, load_reference(path))
        assert result.kept == []
        swz = _state(db, "SWZ")
        assert swz.admin_changed_at is None
        assert swz.name == "Kingdom of Eswatini"
        # From now on the file's changes apply again.
        path.write_text(
            agreeing.replace('name = "Kingdom of Eswatini"', 'name = "Eswatini"', 1), encoding="utf-8"
        )
        assert sync_states(db, load_reference(path)).changed == 1
        assert _state(db, "SWZ").name == "Eswatini"

    def test_admin_takes_the_files_record(self, admin_client: TestClient, db: Session) -> None:
        self._rename(admin_client)
        page = soup(admin_client.get("/admin/states/SWZ"))
        assert one(page, "form.from-file button").get_text() == "Take the record from data/states.toml"
        stale = _version(admin_client, "SWZ")
        response = _change(admin_client, "SWZ", "from-file", {})
        assert response.status_code == 303
        swz = _state(db, "SWZ")
        assert (swz.name, swz.admin_changed_at) == ("Eswatini", None)
        assert [n.name for n in swz.names] == ["Swaziland", "Eswatini"]
        event = _audit(db, "reset_to_file")
        assert json.loads(event.before_json or "")["names"][1][0] == "Kingdom of Eswatini"
        assert json.loads(event.after_json or "")["names"][1][0] == "Eswatini"
        again = post_form(
            admin_client, "/admin/states/SWZ/from-file", {"version": stale}, page="/admin/states/SWZ"
        )
        assert again.status_code == 409
        assert sync_states(db, load_reference(REFERENCE)).kept == []

    def test_a_state_the_file_lacks_has_no_record_to_take(self, admin_client: TestClient) -> None:
        data = {
            "code": "XKX",
            "name": "Testland",
            "iso2": "",
            "group": "Eastern European",
            "admitted_on": "2026-01-15",
        }
        assert post_form(admin_client, "/admin/states", data, page="/admin/states").status_code == 303
        response = _change(admin_client, "XKX", "from-file", {})
        assert response.status_code == 400
        assert "does not list this state" in _error(response, "file")
