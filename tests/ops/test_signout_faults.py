"""Signing out while the database cannot be written (issue 13, item 5): the browser's cookie is cleared
whatever the database says, the session is refused at once, and revoked in the database once it can be
written again. Before, the sign-out answered 503, kept the cookie and left the session valid."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event, select
from starlette.testclient import TestClient

from app.admin.auth import COOKIE, pending_revocations
from app.db import get_engine, unit_of_work
from app.main import create_app
from app.models import AdminSession
from tests.admin.conftest import post_form
from tests.ops.test_faults import admin_on

__all__ = ["admin_on"]  # the fixture, used below


def _read_only(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute(
        "PRAGMA query_only = ON"
    )  # SQLite answers every write "attempt to write a readonly database"
    cursor.close()


def test_sign_out_while_the_database_cannot_be_written(
    tmp_path: Path, admin_on: Callable[[str], TestClient]
) -> None:
    client = admin_on(f"sqlite:///{tmp_path}/signout.sqlite3")
    stolen = client.cookies[COOKIE]  # a copy of the cookie, as someone else might hold
    engine = get_engine()
    event.listen(engine, "connect", _read_only)
    engine.dispose()
    try:
        response = post_form(client, "/admin/logout", {}, page="/admin")
        assert response.status_code == 503
        assert "signed out on this browser" in response.text
        cleared = [h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE + "=")]
        assert cleared
        assert "Max-Age=0" in cleared[0]
        assert COOKIE not in client.cookies
        # The database still cannot record it, but the session is refused already.
        with TestClient(create_app(page_cache=False), cookies={COOKIE: stolen}) as thief:
            assert thief.get("/admin", follow_redirects=False).status_code == 303  # to the sign-in page
    finally:
        event.remove(engine, "connect", _read_only)
        engine.dispose()
    with TestClient(create_app(page_cache=False), cookies={COOKIE: stolen}) as thief:
        refused = thief.get("/admin", follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/admin/login")
    with unit_of_work() as session:  # and now the database holds the revocation
        assert session.scalars(select(AdminSession.revoked_at)).all() != [None]
        assert all(session.scalars(select(AdminSession.revoked_at)))
    with TestClient(create_app(page_cache=False), cookies={COOKIE: stolen}) as thief:
        assert thief.get("/admin", follow_redirects=False).status_code == 303
    assert pending_revocations().path.read_text() == ""  # the note is forgotten once the database holds it
