"""A session that ends while a form is open: what was typed is kept through signing in again, and the
admin is returned to the form, checked but not saved."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.resume import keep, restore
from app.models import AdminSession, AdminUser, Resolution
from tests.admin.conftest import ORIGIN, PASSWORD, csrf_from, one, sign_in, soup
from tests.admin.test_entry import UKRAINE_2026

PASTE = "In favour: Israel, Ukraine\nAgainst: Russian Federation\nAbstaining: United States of America"


def _fields(page: Any, selector: str) -> dict[str, str]:
    return {str(i["name"]): str(i.get("value", "")) for i in page.select(f"{selector} input[type=hidden]")}


class TestSessionEndsWhileTyping:
    def test_the_form_comes_back_after_signing_in(
        self, app: FastAPI, account: AdminUser, db: Session
    ) -> None:
        titled = select(func.count()).where(Resolution.title == UKRAINE_2026["title"])
        before = db.scalar(titled)  # the 2025 resolution on Ukraine bears the same title
        with TestClient(app) as client:
            assert sign_in(client, "ada", PASSWORD).status_code == 303
            token = csrf_from(client.get("/admin/resolutions/new").text)
            for row in db.scalars(select(AdminSession)):  # the session ends (idle, revoked, expired)
                db.delete(row)
            db.flush()
            data = {k: v for k, v in UKRAINE_2026.items() if not k.startswith("vote-")}
            posted = client.post(
                "/admin/resolutions/new",
                data={**data, "paste": PASTE, "csrf_token": token, "action": "save"},
                headers=ORIGIN,
                follow_redirects=False,
            )
            # Nothing is done without a session; the answer is the sign-in form, keeping the input.
            assert posted.status_code == 403
            login = soup(posted)
            assert "what you typed is kept" in one(login, "#login-message").get_text()
            kept = str(one(login, "input[name=kept]")["value"])
            assert PASTE not in posted.text  # signed and compressed, not echoed as is

            signed_in = client.post(
                "/admin/login",
                data={
                    "name": "ada",
                    "password": PASSWORD,
                    "csrf_token": csrf_from(posted.text),
                    "next": "/admin",
                    "kept": kept,
                },
                headers=ORIGIN,
                follow_redirects=False,
            )
            assert signed_in.status_code == 200
            page = soup(signed_in)
            form = one(page, "form#resume-form")
            assert form["action"] == "/admin/resolutions/new"
            assert form["data-resume"] == "auto"
            fields = _fields(page, "form#resume-form")
            assert fields["paste"] == PASTE
            assert fields["action"] == "check"  # checked, not saved

            back = client.post("/admin/resolutions/new", data=fields, headers=ORIGIN)
            assert back.status_code == 200
            form_page = soup(back)
            assert one(form_page, "input[name=vote-ISR][value=Y]").has_attr("checked")
            assert one(form_page, "input[name=vote-RUS][value=N]").has_attr("checked")
            assert one(form_page, "#f-title").get_text() == UKRAINE_2026["title"]
        assert db.scalar(titled) == before  # nothing was saved

    def test_a_kept_form_is_only_what_this_server_signed(self) -> None:
        token = keep("/admin/resolutions/new", [("title", "T"), ("csrf_token", "old"), ("action", "save")])
        kept = restore(token)
        assert kept is not None
        assert kept.fields == [("title", "T")]
        assert restore(token[:-2] + "xx") is None
        assert restore(keep("/elsewhere", [])) is None
