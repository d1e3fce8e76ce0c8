"""'Report an error': from a public page to the admins' queue, resolved or dismissed with an audit entry."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.models import AuditEvent, ErrorReport, ReportStatus
from app.reports.service import PER_ADDRESS
from tests.admin.conftest import ORIGIN, one, post_form, soup

PAGE = "/resolutions/A/RES/ES-10/24"
MESSAGE = "Hungary voted against, not in favour: see A/ES-10/PV.53."


def _send(client: TestClient, **changes: str) -> object:
    data = {"page": PAGE, "message": MESSAGE, "contact": "", "website": "", **changes}
    return client.post("/report", data=data, headers=ORIGIN)


class TestSending:
    def test_from_the_page_to_the_queue(self, client: TestClient, db: Session) -> None:
        link = one(soup(client.get(PAGE)), ".report-link a")
        form = client.get(str(link["href"]))
        assert form.status_code == 200
        assert one(soup(form), "input[name=page]")["value"] == PAGE
        country = one(soup(client.get("/countries/HUN")), ".report-link a")
        assert client.get(str(country["href"])).status_code == 200

        sent = _send(client, contact="reader@example.org")
        assert sent.status_code == 200  # type: ignore[attr-defined]
        assert "Thank you" in sent.text  # type: ignore[attr-defined]
        report = db.scalars(select(ErrorReport)).one()
        assert (report.page, report.message, report.status) == (PAGE, MESSAGE, ReportStatus.OPEN)
        assert report.address_hash != "testclient"  # kept only as a keyed hash

    def test_refused_when_it_cannot_be_taken(self, client: TestClient, db: Session) -> None:
        assert client.post("/report", data={"page": PAGE, "message": MESSAGE}).status_code == 403
        assert _send(client, page="https://elsewhere.example/").status_code == 404  # type: ignore[attr-defined]
        assert _send(client, message="wrong").status_code == 400  # type: ignore[attr-defined]
        assert _send(client, website="http://spam.example").status_code == 400  # type: ignore[attr-defined]
        assert _send(client, message="Title has \u202e reversed text").status_code == 400  # type: ignore[attr-defined]
        assert db.scalars(select(ErrorReport)).all() == []

    def test_throttled_per_address(self, client: TestClient, db: Session) -> None:
        for _ in range(PER_ADDRESS):
            assert _send(client).status_code == 200  # type: ignore[attr-defined]
        refused = _send(client)
        assert refused.status_code == 429  # type: ignore[attr-defined]
        assert len(db.scalars(select(ErrorReport)).all()) == PER_ADDRESS


class TestQueue:
    def test_resolved_or_dismissed_with_a_note_and_audited(
        self, client: TestClient, admin_client: TestClient, db: Session
    ) -> None:
        _send(client)
        _send(client, page="/countries/HUN", message="Its name is missing a diacritic somewhere.")
        first, second = db.scalars(select(ErrorReport).order_by(ErrorReport.id)).all()
        queue = soup(admin_client.get("/admin/reports"))
        assert one(queue, f"#report-{first.id} a")["href"] == PAGE
        assert "2 open" in queue.get_text()

        no_note = post_form(
            admin_client, f"/admin/reports/{first.id}/resolve", {"note": ""}, page="/admin/reports"
        )
        assert no_note.status_code == 400
        done = post_form(
            admin_client,
            f"/admin/reports/{first.id}/resolve",
            {"note": "Checked: correct as is."},
            page="/admin/reports",
        )
        assert done.status_code == 303
        dismissed = post_form(
            admin_client, f"/admin/reports/{second.id}/dismiss", {"note": "Spam."}, page="/admin/reports"
        )
        assert dismissed.status_code == 303
        again = post_form(
            admin_client, f"/admin/reports/{first.id}/dismiss", {"note": "x"}, page="/admin/reports"
        )
        assert again.status_code == 409
        db.expire_all()
        assert (first.status, first.handled_by, second.status) == (
            ReportStatus.RESOLVED,
            "ada",
            ReportStatus.DISMISSED,
        )
        actions = db.scalars(select(AuditEvent.action).where(AuditEvent.entity == "error_report")).all()
        assert sorted(actions) == ["dismiss_report", "resolve_report"]
