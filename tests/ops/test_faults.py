"""Faults: the database going away and coming back, and a read-only database or a full disk during an
admin edit. Answers must be clean 503s that say why (HTML for pages, JSON for the API), never a 500;
the app must recover by itself; nothing already saved may be lost or half-written."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from app.admin.accounts import create_account
from app.config import PROJECT_ROOT
from app.db import get_engine, make_engine, unit_of_work
from app.errors import unavailable_reason
from app.main import create_app
from app.models import AuditEvent, Resolution
from tests.admin.conftest import PASSWORD, post_form, sign_in
from tests.admin.test_edit import _form_values
from tests.ops.conftest import ScratchFactory, add_resolution, migrated
from tests.ops.tcp_proxy import TcpProxy

SYMBOL = "A/RES/ES-11/1"
ES_11 = PROJECT_ROOT / "data" / "sources" / "un_dgacm" / "ES-11.json.gz"


class TestDatabaseGoesAway:
    @pytest.fixture
    def through_proxy(
        self, pg_scratch_url: ScratchFactory, app_settings: Callable[..., None]
    ) -> Iterator[TcpProxy]:
        url = make_url(pg_scratch_url("proxy"))
        database = migrated(url.render_as_string(False))
        add_resolution(database, SYMBOL, "Aggression against Ukraine")
        database.dispose()
        proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432)).start()
        app_settings(DATABASE_URL=url.set(host="127.0.0.1", port=proxy.port).render_as_string(False))
        yield proxy
        proxy.stop()

    def test_clean_503s_while_down_and_recovery_when_back(self, through_proxy: TcpProxy) -> None:
        # Without the page cache: with it, pages it holds would (rightly) still be served.
        with TestClient(create_app(page_cache=False)) as client:
            assert client.get(f"/api/resolutions/{SYMBOL}").status_code == 200
            assert client.get(f"/resolutions/{SYMBOL}").status_code == 200

            through_proxy.cut()  # pooled connections die; new ones are refused
            logged: list[str] = []
            handler = logging.Handler()
            handler.emit = lambda record: logged.append(record.getMessage())  # type: ignore[method-assign]
            logging.getLogger("unga.database").addHandler(handler)
            api = client.get(f"/api/resolutions/{SYMBOL}")
            logging.getLogger("unga.database").removeHandler(handler)
            assert json.loads(logged[0])["reason"] == "The database cannot be reached."  # for operators
            assert api.status_code == 503
            assert api.json() == {"detail": "The database cannot be reached."}
            assert api.headers["retry-after"] == "5"
            page = client.get(f"/resolutions/{SYMBOL}")
            assert page.status_code == 503
            assert page.headers["content-type"].startswith("text/html")
            html = BeautifulSoup(page.text, "lxml")
            assert html.h1 is not None
            assert html.h1.get_text(strip=True) == "Temporarily unavailable"
            assert "The database cannot be reached." in page.text
            assert "Traceback" not in page.text
            assert client.get("/countries/USA").status_code == 503
            assert client.get("/readyz").status_code == 503
            assert client.get("/healthz").status_code == 200  # the process itself is fine

            through_proxy.resume()
            assert client.get(f"/api/resolutions/{SYMBOL}").status_code == 200
            assert client.get(f"/resolutions/{SYMBOL}").status_code == 200
            assert client.get("/readyz").status_code == 200


@pytest.fixture
def admin_on(app_settings: Callable[..., None]) -> Callable[[str], TestClient]:
    """An app on a small database (the ES-11 session imported) with a signed-in admin."""

    def make(url: str) -> TestClient:
        from app.cli import run_import

        app_settings(DATABASE_URL=url)
        run_import([ES_11], quiet=True)
        with unit_of_work(write=True) as session:
            create_account(session, "ada", PASSWORD)
        client = TestClient(create_app(page_cache=False))
        assert sign_in(client, "ada", PASSWORD).status_code == 303
        return client

    return make


def _edit_title(client: TestClient, title: str) -> tuple[int, str]:
    with unit_of_work() as session:
        resolution_id = session.scalar(select(Resolution.id).where(Resolution.symbol == SYMBOL))
    url = f"/admin/resolutions/{resolution_id}/edit"
    values = _form_values(client.get(url).text)
    values.pop("csrf_token")
    values.update({"title": title, "action": "save"})
    response = post_form(client, url, values, page=url)
    return response.status_code, response.text


def _saved(engine: Engine) -> tuple[str, int, int]:
    with Session(engine) as session:
        title, version = session.execute(
            select(Resolution.title, Resolution.version).where(Resolution.symbol == SYMBOL)
        ).one()
        audits = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return title, version, audits


class TestAdminEditWhenTheDatabaseCannotWrite:
    def test_read_only_database(
        self, pg_scratch_url: ScratchFactory, admin_on: Callable[[str], TestClient]
    ) -> None:
        url = pg_scratch_url("readonly")
        client = admin_on(url)
        assert _edit_title(client, "First correction")[0] == 303
        before = _saved(get_engine())
        database = make_url(url).database
        with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on'))
        get_engine().dispose()  # new connections pick the setting up
        try:
            status, body = _edit_title(client, "Second correction")
            assert status == 503
            assert "read-only" in body
            assert "Traceback" not in body
        finally:
            with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("SET default_transaction_read_only = off"))
                conn.execute(text(f'ALTER DATABASE "{database}" SET default_transaction_read_only = off'))
            get_engine().dispose()
        assert _saved(get_engine()) == before  # the first edit kept, nothing of the second
        assert _edit_title(client, "Second correction")[0] == 303  # and writes work again
        assert _saved(get_engine())[0] == "Second correction"
        client.close()

    def test_full_disk(self, tmp_path: Path, admin_on: Callable[[str], TestClient]) -> None:
        """SQLite's max_page_count makes it answer exactly as on a full disk (SQLITE_FULL)."""
        client = admin_on(f"sqlite:///{tmp_path}/full.sqlite3")
        assert _edit_title(client, "First correction")[0] == 303
        before = _saved(get_engine())
        engine = get_engine()
        engine.dispose()
        vacuum = sqlite3.connect(tmp_path / "full.sqlite3", isolation_level=None)
        vacuum.execute("VACUUM")  # no free pages left for the edit to reuse
        vacuum.close()

        @event.listens_for(engine, "connect")
        def _no_room(dbapi_connection: object, _record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")
            cursor.close()

        status, body = _edit_title(client, "Second correction " + "x" * 1_900)
        assert status == 503
        assert "disk is full" in body
        event.remove(engine, "connect", _no_room)
        engine.dispose()
        assert _saved(engine) == before
        assert _edit_title(client, "Second correction")[0] == 303
        client.close()


class TestWhatCountsAsUnavailable:
    """Only failures of the database itself become 503s; a bug (a bad statement) stays a 500."""

    def test_a_bad_statement_is_not_hidden(self, scratch_url: ScratchFactory) -> None:
        database = make_engine(scratch_url("classify"))
        with database.connect() as conn, pytest.raises(DBAPIError) as raised:
            conn.execute(text("SELECT * FROM no_such_table"))
        database.dispose()
        assert unavailable_reason(raised.value) is None

    def test_a_locked_sqlite_database_is_busy(self, tmp_path: Path) -> None:
        database = make_engine(f"sqlite:///{tmp_path}/locked.sqlite3")
        holder = sqlite3.connect(tmp_path / "locked.sqlite3", isolation_level=None)
        try:
            with database.connect() as conn:
                conn.exec_driver_sql("PRAGMA busy_timeout = 0")  # fail at once rather than wait 5 s
                holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
                with pytest.raises(DBAPIError) as raised:
                    conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        finally:
            holder.close()
            database.dispose()
        assert unavailable_reason(raised.value) == "The database is busy; please try again."
