"""Two admins editing one resolution: a save merges field by field against what the form was loaded
with, and is refused only for a field both changed differently, showing both values."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.merge import FormState, three_way
from app.models import AdminUser, Resolution
from tests.admin.conftest import ORIGIN, PASSWORD, csrf_from, one, sign_in, soup
from tests.admin.test_edit import _entered, _form_values


def _post(client: TestClient, url: str, form: dict[str, str], **changes: str) -> Any:
    data = {**form, **changes, "action": "save", "csrf_token": csrf_from(client.get("/admin").text)}
    return client.post(url, data=data, headers=ORIGIN, follow_redirects=False)


class TestThreeWay:
    def test_each_side_keeps_its_own_changes(self) -> None:
        base = FormState({"title": "T", "agenda_item": "5"}, {"FRA": "Y", "USA": "A"})
        mine = FormState({"title": "T", "agenda_item": "6"}, {"FRA": "N", "USA": "A"})
        theirs = FormState({"title": "New", "agenda_item": "5"}, {"FRA": "Y"})
        merged = three_way(base, mine, theirs)
        assert merged.conflicts == []
        assert (merged.state.values["title"], merged.state.values["agenda_item"]) == ("New", "6")
        assert merged.state.choices == {"FRA": "N"}  # USA's vote was cleared by the other admin
        assert sorted(merged.taken) == ["title", "vote of USA"]

    def test_a_field_both_changed_differently_is_a_conflict(self) -> None:
        base = FormState({"title": "T"}, {"FRA": "Y"})
        merged = three_way(
            base, FormState({"title": "Mine"}, {"FRA": "A"}), FormState({"title": "Theirs"}, {})
        )
        assert [(c.field, c.mine, c.theirs) for c in merged.conflicts] == [
            ("title", "Mine", "Theirs"),
            ("vote of FRA", "A", "not known"),
        ]


class TestSavingOverAnotherAdmin:
    def _two(
        self, app: FastAPI, admin_client: TestClient, db: Session
    ) -> tuple[Resolution, str, TestClient, dict[str, str], dict[str, str]]:
        resolution = _entered(admin_client, db)
        url = f"/admin/resolutions/{resolution.id}/edit"
        grace = TestClient(app)
        assert sign_in(grace, "grace", PASSWORD + " too").status_code == 303
        return (
            resolution,
            url,
            grace,
            _form_values(admin_client.get(url).text),
            _form_values(grace.get(url).text),
        )

    def test_changes_to_other_fields_are_merged_and_saved(
        self, app: FastAPI, admin_client: TestClient, other_account: AdminUser, db: Session
    ) -> None:
        resolution, url, grace, ada_form, grace_form = self._two(app, admin_client, db)
        assert _post(admin_client, url, ada_form, title="Ada's title").status_code == 303
        response = _post(grace, url, grace_form, meeting_record="A/ES-11/PV.26", **{"vote-FRA": "Y"})
        assert response.status_code == 303
        assert response.headers["location"].endswith("merged=1")
        db.refresh(resolution)
        assert (resolution.title, resolution.meeting_record) == ("Ada's title", "A/ES-11/PV.26")
        assert resolution.version == 3

    def test_a_second_save_after_a_conflict_does_not_revert_untouched_fields(
        self, app: FastAPI, admin_client: TestClient, other_account: AdminUser, db: Session
    ) -> None:
        resolution, url, grace, ada_form, grace_form = self._two(app, admin_client, db)
        ada = _post(admin_client, url, ada_form, title="Ada's title", agenda_item="7")
        assert ada.status_code == 303
        response = _post(grace, url, grace_form, title="Grace's title")
        assert response.status_code == 409
        page = soup(response)
        row = one(page, "table.conflicts tr[data-field=title]")
        assert one(row, ".mine").get_text() == "Grace's title"
        assert one(row, ".theirs").get_text() == "Ada's title"
        assert one(page, "#f-agenda_item")["value"] == "7"  # Ada's change, already in the form
        again = _post(grace, url, _form_values(response.text))
        assert again.status_code == 303
        db.refresh(resolution)
        assert (resolution.title, resolution.agenda_item) == ("Grace's title", "7")
