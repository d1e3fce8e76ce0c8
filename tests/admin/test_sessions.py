"""The sessions page: every live session listed, revoking one really ends it, and ended sessions and old
failed sign-ins are cleared at sign-in and by ``unga purge-sessions``."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.auth import purge_stale
from app.models import AdminSession, AdminUser, AuditEvent, LoginFailure
from tests.admin.conftest import ORIGIN, PASSWORD, csrf_from, one, post_form, sign_in, soup

pytestmark = pytest.mark.empty_database


def _rows(client: TestClient, caption: str) -> list[list[str]]:
    page = soup(client.get("/admin/sessions"))
    table = next(t for t in page.select("table.sessions-table") if caption in one(t, "caption").get_text())
    return [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]


def _session_ids(client: TestClient) -> list[str]:
    page = soup(client.get("/admin/sessions"))
    return [str(field["value"]) for field in page.select("input[name=session]")]


class TestSessionsPage:
    def test_lists_every_live_session(
        self, app: FastAPI, admin_client: TestClient, other_account: AdminUser
    ) -> None:
        with TestClient(app, headers={"User-Agent": "Firefox <b>on</b> a phone"}) as phone:
            assert sign_in(phone, "ada", PASSWORD).status_code == 303
            with TestClient(app) as grace:
                assert sign_in(grace, "grace", PASSWORD + " too").status_code == 303
                mine = _rows(admin_client, "Your sessions")
                assert len(mine) == 2
                assert any("(this browser)" in row[0] and row[4] == "testclient" for row in mine)
                assert any(row[4] == "Firefox <b>on</b> a phone" for row in mine)
                assert all(row[3] == "testclient" for row in mine)  # the client's address
                others = _rows(admin_client, "Other accounts' sessions")
                assert [row[0] for row in others] == ["grace"]

    def test_revoking_ends_the_other_browser_at_once(
        self, app: FastAPI, admin_client: TestClient, other_account: AdminUser, db: Session
    ) -> None:
        with TestClient(app) as grace:
            assert sign_in(grace, "grace", PASSWORD + " too").status_code == 303
            assert grace.get("/admin", follow_redirects=False).status_code == 200
            grace_id = db.scalars(
                select(AdminSession.id).where(AdminSession.user_id == other_account.id)
            ).one()
            response = post_form(admin_client, "/admin/sessions/revoke", {"session": grace_id})
            assert response.status_code == 303
            assert grace.get("/admin", follow_redirects=False).status_code == 303
            posted = grace.post("/admin/logout", data={"csrf_token": "x"}, headers=ORIGIN)
            assert posted.status_code == 403
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "revoke_session")).one()
        assert (event.actor, event.entity_id) == ("ada", str(other_account.id))
        assert grace_id not in _session_ids(admin_client)
        again = post_form(admin_client, "/admin/sessions/revoke", {"session": grace_id})
        assert again.status_code == 404

    def test_revoking_ones_own_session_signs_out(self, admin_client: TestClient) -> None:
        (own,) = _session_ids(admin_client)
        response = post_form(admin_client, "/admin/sessions/revoke", {"session": own})
        assert response.status_code == 303
        assert response.headers["location"] == "/admin/login"
        assert admin_client.get("/admin", follow_redirects=False).status_code == 303

    def test_revoke_needs_the_csrf_token_and_a_real_session(self, admin_client: TestClient) -> None:
        (own,) = _session_ids(admin_client)
        forged = admin_client.post(
            "/admin/sessions/revoke", data={"session": own}, headers=ORIGIN, follow_redirects=False
        )
        assert forged.status_code == 403
        token = csrf_from(admin_client.get("/admin").text)
        foreign = admin_client.post(
            "/admin/sessions/revoke",
            data={"session": own, "csrf_token": token},
            headers={"Origin": "http://evil.example"},
            follow_redirects=False,
        )
        assert foreign.status_code == 403
        for bogus in ("", "0" * 64, "x" * 500, "\x00"):
            assert post_form(admin_client, "/admin/sessions/revoke", {"session": bogus}).status_code == 404
        assert admin_client.get("/admin", follow_redirects=False).status_code == 200

    def test_without_a_session_the_page_redirects(self, app: FastAPI) -> None:
        with TestClient(app) as anonymous:
            response = anonymous.get("/admin/sessions", follow_redirects=False)
            assert response.status_code == 303
            assert response.headers["location"].startswith("/admin/login")


class TestPurge:
    def test_sign_in_clears_ended_sessions_and_old_failures(
        self, app: FastAPI, account: AdminUser, db: Session
    ) -> None:
        now = dt.datetime.now(dt.UTC)
        old = now - dt.timedelta(days=3)

        def session_row(key: str, **changes: object) -> AdminSession:
            values: dict[str, object] = {
                "id": key * 64,
                "user_id": account.id,
                "csrf_token": "t",
                "created_at": old,
                "last_seen_at": now,
                "expires_at": now + dt.timedelta(hours=1),
                "address": "",
                **changes,
            }
            return AdminSession(**values)

        db.add_all(
            [
                session_row("a", revoked_at=old),
                session_row("b", expires_at=old),
                session_row("c", last_seen_at=old),
                session_row("d"),  # still live: kept
                LoginFailure(scope="address", key="192.0.2.1", failed_at=old),
                LoginFailure(scope="address", key="192.0.2.1", failed_at=now),
            ]
        )
        db.flush()
        with TestClient(app) as client:
            assert sign_in(client, "ada", PASSWORD).status_code == 303
        kept = set(db.scalars(select(AdminSession.id)))
        assert "d" * 64 in kept
        assert not {"a" * 64, "b" * 64, "c" * 64} & kept
        assert len(kept) == 2  # and the new session
        assert db.scalar(select(func.count()).select_from(LoginFailure)) == 1
        assert purge_stale(db) == (0, 0)

    def test_purge_command(self, tmp_path: Path) -> None:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
        unga = [sys.executable, "-c", "from app.cli import main; main()"]
        done = subprocess.run([*unga, "purge-sessions"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert (
            "Removed 0 ended admin session(s), 0 old failed sign-in(s), and 0 audit event(s)" in done.stderr
        )
