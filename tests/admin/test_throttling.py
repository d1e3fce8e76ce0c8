"""Sign-in throttling that stops guessing without locking out the owner, an audit log that a flood of
posts cannot flood, its retention, and unlocking from the command line (issue 13, items 2 and 3).

Before: six wrong passwords for an account from anywhere, spaced to obey Retry-After, locked it for 15
minutes even against the right password from another address (for ever, at six every 15 minutes); 300
posts to /admin/login with one CSRF token wrote 300 audit rows in 1.6 s, kept for ever."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.auth import LOCK_AFTER
from app.admin.retention import purge_audit
from app.audit import Actor, record
from app.config import get_settings
from app.models import AdminUser, AuditEvent, LoginFailure
from tests.admin.conftest import ORIGIN, PASSWORD, csrf_from, sign_in

pytestmark = pytest.mark.empty_database

ATTACKER = ("203.0.113.9", 40000)


def _fail(db: Session, scope: str, key: str, n: int, ago: dt.timedelta = dt.timedelta(minutes=1)) -> None:
    at = dt.datetime.now(dt.UTC) - ago
    db.add_all(LoginFailure(scope=scope, key=key, failed_at=at) for _ in range(n))
    db.flush()


def _count(db: Session, action: str) -> tuple[int, int]:
    """(rows, events counted) of an audit action."""
    rows, total = db.execute(
        select(func.count(), func.coalesce(func.sum(AuditEvent.count), 0)).where(AuditEvent.action == action)
    ).one()
    return int(rows), int(total)


class TestTheOwnerIsNeverLockedOut:
    def test_guesses_from_another_address_do_not_lock_the_owner_out(
        self, app: FastAPI, account: AdminUser, db: Session
    ) -> None:
        with TestClient(app, client=ATTACKER) as attacker:
            for _ in range(3):
                assert sign_in(attacker, "ada", "a wrong guess").status_code == 400
            assert sign_in(attacker, "ada", PASSWORD).status_code == 429  # the guesser waits
        # ... and goes on for ever, obeying Retry-After: a full window's worth from that address.
        _fail(db, "pair", f"ada|{ATTACKER[0]}", LOCK_AFTER["pair"])
        _fail(db, "account", "ada", LOCK_AFTER["pair"])
        with TestClient(app) as owner:  # from the owner's own address
            assert sign_in(owner, "ada", PASSWORD).status_code == 303

    def test_the_account_cap_spares_a_browser_that_signed_in_before(
        self, app: FastAPI, account: AdminUser, db: Session
    ) -> None:
        with TestClient(app) as owner:
            assert sign_in(owner, "ada", PASSWORD).status_code == 303  # sets the device cookie
            owner.cookies.delete("unga_admin")  # signed out, say
            # Guesses from many addresses reach the account's own cap ...
            _fail(db, "account", "ada", LOCK_AFTER["account"])
            with TestClient(app) as stranger:
                refused = sign_in(stranger, "ada", PASSWORD)
            assert refused.status_code == 429
            assert 14 * 60 <= int(refused.headers["retry-after"]) <= 15 * 60
            # ... which holds for browsers without the account's device cookie, not for the owner's.
            assert sign_in(owner, "ada", PASSWORD).status_code == 303

    def test_a_device_cookie_names_one_account(
        self, app: FastAPI, account: AdminUser, other_account: AdminUser, db: Session
    ) -> None:
        with TestClient(app) as browser:
            assert sign_in(browser, "grace", PASSWORD + " too").status_code == 303
            browser.cookies.delete("unga_admin")  # signed out: only grace's device cookie is left
            _fail(db, "account", "ada", LOCK_AFTER["account"])
            assert sign_in(browser, "ada", PASSWORD).status_code == 429


class TestAuditFlood:
    def test_refused_attempts_write_nothing_and_failures_are_one_row(
        self, app: FastAPI, account: AdminUser, db: Session
    ) -> None:
        with TestClient(app) as client:
            token = csrf_from(client.get("/admin/login").text)
            form = {"name": "ada", "password": "a wrong guess", "csrf_token": token, "next": "/admin"}
            statuses = [client.post("/admin/login", data=form, headers=ORIGIN).status_code for _ in range(60)]
        assert statuses[:3] == [400, 400, 400]
        assert set(statuses[3:]) == {429}
        assert _count(db, "sign_in_failed") == (1, 3)  # one row, counted
        assert _count(db, "sign_in_refused") == (0, 0)
        assert db.scalar(select(func.count()).select_from(LoginFailure)) == 9  # pair, address, account

    def test_the_count_is_shown_in_the_audit_log(self, admin_client: TestClient, db: Session) -> None:
        with TestClient(admin_client.app, client=ATTACKER) as attacker:
            for _ in range(2):
                sign_in(attacker, "ada", "a wrong guess")
        page = admin_client.get("/admin/audit?action=sign_in_failed").text
        assert "×2" in page


class TestRetention:
    @pytest.fixture
    def retention(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
        yield monkeypatch
        monkeypatch.undo()
        get_settings.cache_clear()

    def _old(self, db: Session, action: str, days: int) -> AuditEvent:
        event = record(db, Actor(None, "someone"), action, "admin_user", "x")
        event.at = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
        db.flush()
        return event

    def test_failed_sign_ins_go_after_90_days_changes_stay(
        self, db: Session, retention: pytest.MonkeyPatch
    ) -> None:
        old_failure, recent_failure = self._old(db, "sign_in_failed", 91), self._old(db, "sign_in_failed", 89)
        old_edit = self._old(db, "update", 4000)
        assert purge_audit(db) == (1, 0)
        kept = set(db.scalars(select(AuditEvent.id)))
        assert old_failure.id not in kept
        assert {recent_failure.id, old_edit.id} <= kept
        retention.setenv("UNGA_AUDIT_RETENTION_DAYS", "3650")
        get_settings.cache_clear()
        assert purge_audit(db) == (0, 1)
        assert old_edit.id not in set(db.scalars(select(AuditEvent.id)))


def test_unlock_admin_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url}
    unga = [sys.executable, "-c", "from app.cli import main; main()"]
    made = subprocess.run(
        [*unga, "create-admin", "ada"], input=PASSWORD + "\n", env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    engine = create_engine(url)
    with Session(engine) as session:
        _fail(session, "account", "ada", LOCK_AFTER["account"])
        _fail(session, "pair", "ada|198.51.100.7", 10)
        _fail(session, "pair", "adam|198.51.100.7", 2)  # another account's, kept
        _fail(session, "address", "198.51.100.7", 12)
        session.commit()
    done = subprocess.run(
        [*unga, "unlock-admin", "ada", "--address", "198.51.100.7"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Unlocked 'ada'" in done.stderr
    with Session(engine) as session:
        left = session.execute(select(LoginFailure.scope, LoginFailure.key).distinct()).all()
        assert [tuple(row) for row in left] == [("pair", "adam|198.51.100.7")]
        unlocked = session.scalars(select(AuditEvent).where(AuditEvent.action == "unlock")).one()
        assert (unlocked.actor, unlocked.entity_id) == ("cli", "ada")
    engine.dispose()
