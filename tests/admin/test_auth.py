"""Signing in and out, sessions, throttling, CSRF and the security headers."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer
from pydantic import SecretStr, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.accounts import AccountError, create_account
from app.admin.auth import COOKIE
from app.admin.passwords import password_problem
from app.config import Settings
from app.models import AdminSession, AdminUser, AuditEvent, LoginFailure
from tests.admin.conftest import ORIGIN, PASSWORD, csrf_from, one, post_form, sign_in, soup

pytestmark = pytest.mark.empty_database


def _events(db: Session, action: str) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _replace_cookie(client: TestClient, value: str) -> None:
    client.cookies.clear()
    client.cookies.set(COOKIE, value)


class TestSignIn:
    def test_login_page(self, app: FastAPI) -> None:
        with TestClient(app) as client:
            response = client.get("/admin/login")
        assert response.status_code == 200
        page = soup(response)
        assert one(page, "form[action='/admin/login'] input[name=password][type=password]")
        assert one(page, "input[name=csrf_token]")
        assert response.headers["cache-control"] == "no-store"

    def test_pages_redirect_to_login_without_a_session(self, app: FastAPI) -> None:
        with TestClient(app) as client:
            for path in ("/admin", "/admin/resolutions/new", "/admin/audit", "/admin/resolutions/1"):
                response = client.get(path, follow_redirects=False)
                assert response.status_code == 303, path
                assert response.headers["location"].startswith("/admin/login?next=")

    def test_posts_refused_without_a_session(self, app: FastAPI) -> None:
        with TestClient(app) as client:
            for path in ("/admin/resolutions/new", "/admin/logout", "/admin/resolutions/1/publish"):
                response = client.post(path, data={"csrf_token": "x"}, headers=ORIGIN, follow_redirects=False)
                assert response.status_code == 403, path

    def test_success_sets_a_safe_cookie_and_is_audited(
        self, app: FastAPI, account: AdminUser, db: Session
    ) -> None:
        with TestClient(app) as client:
            response = sign_in(client, "ada", PASSWORD)
            assert response.status_code == 303
            assert response.headers["location"] == "/admin"
            cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE + "="))
            assert "HttpOnly" in cookie
            assert "samesite=lax" in cookie.lower()
            assert "Secure" not in cookie  # plain HTTP in tests; see test_secure_cookie_over_https
            page = client.get("/admin")
            assert page.status_code == 200
            assert "ada" in one(soup(page), ".admin-signout").get_text()
        assert [e.actor for e in _events(db, "sign_in")] == ["ada"]

    def test_secure_cookie_over_https(self, app: FastAPI, account: AdminUser) -> None:
        with TestClient(app, base_url="https://testserver") as client:
            token = csrf_from(client.get("/admin/login").text)
            response = client.post(
                "/admin/login",
                data={"name": "ada", "password": PASSWORD, "csrf_token": token},
                headers={"Origin": "https://testserver"},
                follow_redirects=False,
            )
        assert response.status_code == 303
        cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE + "="))
        assert "Secure" in cookie
        assert "strict-transport-security" in response.headers

    @pytest.mark.parametrize(("name", "password"), [("ada", "wrong password here"), ("nobody", PASSWORD)])
    def test_failure(self, app: FastAPI, account: AdminUser, db: Session, name: str, password: str) -> None:
        with TestClient(app) as client:
            response = sign_in(client, name, password)
            assert response.status_code == 400
            assert one(soup(response), "#login-message").get_text() == "Wrong account name or password."
            assert one(soup(response), "input[name=name]")["value"] == name
            assert client.get("/admin", follow_redirects=False).status_code == 303
        assert [e.entity_id for e in _events(db, "sign_in_failed")] == [name]
        assert not _events(db, "sign_in")

    def test_next_cannot_leave_the_admin(self, app: FastAPI, account: AdminUser) -> None:
        with TestClient(app) as client:
            token = csrf_from(client.get("/admin/login").text)
            response = client.post(
                "/admin/login",
                data={
                    "name": "ada",
                    "password": PASSWORD,
                    "csrf_token": token,
                    "next": "//evil.example/admin",
                },
                headers=ORIGIN,
                follow_redirects=False,
            )
        assert response.headers["location"] == "/admin"


class TestThrottling:
    def _fail(self, db: Session, scope: str, key: str, n: int, ago: dt.timedelta) -> None:
        at = dt.datetime.now(dt.UTC) - ago
        db.add_all(LoginFailure(scope=scope, key=key, failed_at=at) for _ in range(n))
        db.flush()

    def test_slows_down_after_three_failures(self, app: FastAPI, account: AdminUser, db: Session) -> None:
        with TestClient(app) as client:
            for _ in range(3):
                assert sign_in(client, "ada", "not the password").status_code == 400
            response = sign_in(client, "ada", PASSWORD)  # even the right password must wait now
        assert response.status_code == 429
        assert 1 <= int(response.headers["retry-after"]) <= 2
        assert "Too many failed sign-ins" in response.text
        # Three failures are one audit row that counts them; the refused attempt wrote nothing.
        assert [(e.entity_id, e.count) for e in _events(db, "sign_in_failed")] == [("ada", 3)]
        assert not _events(db, "sign_in_refused")

    def test_waiting_long_enough_lets_the_right_password_in(
        self, app: FastAPI, account: AdminUser, db: Session
    ) -> None:
        self._fail(db, "pair", "ada|testclient", 3, dt.timedelta(seconds=30))
        with TestClient(app) as client:
            assert sign_in(client, "ada", PASSWORD).status_code == 303
        # Success forgets this address's failures against the account.
        failures = select(func.count()).select_from(LoginFailure).where(LoginFailure.key == "ada|testclient")
        assert not db.scalar(failures)

    def test_pair_locked_for_the_window(self, app: FastAPI, account: AdminUser, db: Session) -> None:
        self._fail(db, "pair", "ada|testclient", 10, dt.timedelta(minutes=5))
        with TestClient(app) as client:
            response = sign_in(client, "ada", PASSWORD)
        assert response.status_code == 429
        assert 9 * 60 <= int(response.headers["retry-after"]) <= 10 * 60

    def test_address_locked_whatever_the_account(self, app: FastAPI, account: AdminUser, db: Session) -> None:
        self._fail(db, "address", "testclient", 20, dt.timedelta(minutes=1))
        with TestClient(app) as client:
            assert sign_in(client, "ada", PASSWORD).status_code == 429

    def test_old_failures_do_not_count(self, app: FastAPI, account: AdminUser, db: Session) -> None:
        self._fail(db, "pair", "ada|testclient", 10, dt.timedelta(minutes=20))
        self._fail(db, "account", "ada", 60, dt.timedelta(minutes=20))
        with TestClient(app) as client:
            assert sign_in(client, "ada", PASSWORD).status_code == 303


class TestCsrf:
    def test_missing_token(self, admin_client: TestClient) -> None:
        response = admin_client.post("/admin/resolutions/new", data={"symbol": "x"}, headers=ORIGIN)
        assert response.status_code == 403

    def test_wrong_token(self, admin_client: TestClient) -> None:
        response = admin_client.post(
            "/admin/resolutions/new", data={"csrf_token": "forged", "symbol": "x"}, headers=ORIGIN
        )
        assert response.status_code == 403

    def test_token_in_header_must_also_match(self, admin_client: TestClient) -> None:
        response = admin_client.post("/admin/logout", headers={**ORIGIN, "X-CSRF-Token": "forged"})
        assert response.status_code == 403

    def test_right_token_but_foreign_or_missing_origin(self, admin_client: TestClient) -> None:
        token = csrf_from(admin_client.get("/admin").text)
        for headers in ({"Origin": "https://evil.example"}, {}, {"Origin": "null"}):
            response = admin_client.post("/admin/logout", data={"csrf_token": token}, headers=headers)
            assert response.status_code == 403, headers
        # The same request from our own origin works.
        response = admin_client.post(
            "/admin/logout", data={"csrf_token": token}, headers=ORIGIN, follow_redirects=False
        )
        assert response.status_code == 303

    def test_token_of_another_session_is_refused(
        self, app: FastAPI, admin_client: TestClient, other_account: AdminUser
    ) -> None:
        with TestClient(app) as other:
            assert sign_in(other, "grace", PASSWORD + " too").status_code == 303
            their_token = csrf_from(other.get("/admin").text)
        response = admin_client.post("/admin/logout", data={"csrf_token": their_token}, headers=ORIGIN)
        assert response.status_code == 403

    def test_file_uploads_and_json_bodies_are_refused(self, admin_client: TestClient) -> None:
        token = csrf_from(admin_client.get("/admin").text)
        upload = admin_client.post(
            "/admin/resolutions/new",
            data={"csrf_token": token},
            files={"paste": ("votes.txt", b"In favour: Israel")},
            headers=ORIGIN,
        )
        assert upload.status_code == 400
        as_json = admin_client.post("/admin/resolutions/new", json={"csrf_token": token}, headers=ORIGIN)
        assert as_json.status_code == 403

    def test_login_form_needs_its_token(self, app: FastAPI, account: AdminUser) -> None:
        with TestClient(app) as client:
            response = client.post(
                "/admin/login",
                data={"name": "ada", "password": PASSWORD},
                headers=ORIGIN,
                follow_redirects=False,
            )
            assert response.status_code == 403
            token = csrf_from(client.get("/admin/login").text)
            client.cookies.clear()  # a token without the cookie it belongs to
            response = client.post(
                "/admin/login",
                data={"name": "ada", "password": PASSWORD, "csrf_token": token},
                headers=ORIGIN,
                follow_redirects=False,
            )
            assert response.status_code == 403


class TestSessions:
    def test_logout_ends_the_session_for_every_copy_of_the_cookie(
        self, admin_client: TestClient, db: Session
    ) -> None:
        stolen = admin_client.cookies[COOKIE]
        response = post_form(admin_client, "/admin/logout", {})
        assert response.status_code == 303
        assert admin_client.get("/admin", follow_redirects=False).status_code == 303
        _replace_cookie(admin_client, stolen)
        assert admin_client.get("/admin", follow_redirects=False).status_code == 303
        assert db.scalar(select(AdminSession.revoked_at)) is not None
        assert _events(db, "sign_out")

    def test_tampered_cookie(self, admin_client: TestClient) -> None:
        value = admin_client.cookies[COOKIE]
        _replace_cookie(admin_client, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
        assert admin_client.get("/admin", follow_redirects=False).status_code == 303

    def test_cookie_signed_with_another_key(self, admin_client: TestClient, db: Session) -> None:
        # Even knowing a live session's id (its hash is in the database), a forger without the key fails.
        forged = URLSafeTimedSerializer("not the key", salt="admin-session").dumps("guess")
        _replace_cookie(admin_client, forged)
        assert admin_client.get("/admin", follow_redirects=False).status_code == 303

    @pytest.mark.parametrize("column", ["expires_at", "last_seen_at"])
    def test_expired_or_idle_session(self, admin_client: TestClient, db: Session, column: str) -> None:
        row = db.scalars(select(AdminSession)).one()
        setattr(row, column, dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        db.flush()
        assert admin_client.get("/admin", follow_redirects=False).status_code == 303

    def test_disabled_account_loses_its_session(
        self, admin_client: TestClient, account: AdminUser, db: Session
    ) -> None:
        account.disabled = True
        db.flush()
        assert admin_client.get("/admin", follow_redirects=False).status_code == 303

    def test_new_session_at_each_sign_in(self, app: FastAPI, account: AdminUser, db: Session) -> None:
        with TestClient(app) as client:
            sign_in(client, "ada", PASSWORD)
            first = client.cookies[COOKIE]
            client.cookies.clear()
            assert sign_in(client, "ada", PASSWORD).status_code == 303
            assert client.cookies[COOKIE] != first
        assert db.scalar(select(func.count()).select_from(AdminSession)) == 2

    def test_database_holds_only_a_hash_of_the_token(self, admin_client: TestClient, db: Session) -> None:
        cookie = admin_client.cookies[COOKIE]
        row = db.scalars(select(AdminSession)).one()
        assert row.id not in cookie
        assert len(row.id) == 64


class TestSettingsAndAccounts:
    def test_production_refuses_to_start_without_a_secret_key(self) -> None:
        with pytest.raises(ValidationError, match="UNGA_SECRET_KEY"):
            Settings(environment="production")
        Settings(environment="production", secret_key=SecretStr("k" * 40))

    @pytest.mark.parametrize(
        ("password", "problem"),
        [
            ("short", "at least 12"),
            ("password1234", "too common"),
            ("qwertyqwerty", "too common"),
            ("aaaaaaaaaaaaaaaa", "too common"),
            ("my name is ada, hello", "account name"),
        ],
    )
    def test_password_policy(self, password: str, problem: str) -> None:
        assert problem in (password_problem(password, "ada") or "")

    def test_account_names_unique_and_checked(self, db: Session, account: AdminUser) -> None:
        with pytest.raises(AccountError, match="already exists"):
            create_account(db, "ada", PASSWORD)
        with pytest.raises(AccountError, match="account name"):
            create_account(db, "<script>", PASSWORD)

    def test_password_hash_is_argon2id(self, account: AdminUser) -> None:
        assert account.password_hash.startswith("$argon2id$")
        assert PASSWORD not in account.password_hash

    def test_create_admin_command_reads_the_password_from_stdin(self, tmp_path: Path) -> None:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
        unga = [sys.executable, "-c", "from app.cli import main; main()"]
        weak = subprocess.run(
            [*unga, "create-admin", "bob"], input="password\n", env=env, capture_output=True, text=True
        )
        assert weak.returncode == 1
        assert "at least 12" in weak.stderr
        ok = subprocess.run(
            [*unga, "create-admin", "bob"], input=PASSWORD + "\n", env=env, capture_output=True, text=True
        )
        assert ok.returncode == 0, ok.stderr
        # There is no option to pass a password on the command line.
        argv = subprocess.run(
            [*unga, "create-admin", "carl", "--password", PASSWORD], env=env, capture_output=True, text=True
        )
        assert argv.returncode != 0


class TestHeaders:
    def test_public_pages_get_security_headers(self, client: TestClient) -> None:
        response = client.get("/api/resolutions/A/RES/ES-10/24")
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "no-store" not in response.headers.get("cache-control", "")

    def test_admin_pages_are_not_cached(self, admin_client: TestClient) -> None:
        assert admin_client.get("/admin").headers["cache-control"] == "no-store"
