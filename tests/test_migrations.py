"""Upgrading a SQLite database that already holds data: batch migrations recreate tables that other
rows reference, which must neither fail nor cascade (the state table, rebuilt by revision b90d6d81f36c,
is referenced by memberships, names, aliases and votes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from app.config import get_settings
from app.db import dispose_engines, make_engine
from app.migrate import alembic_config, migrate_database, upgrade_to_head

BEFORE_STATE_REBUILD = "7c3e9a1f5d20"


def test_upgrade_keeps_rows_that_reference_a_rebuilt_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    with engine.connect() as conn:
        command.upgrade(alembic_config(conn), BEFORE_STATE_REBUILD)
        conn.commit()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO state (id, code, name, iso2, m49, regional_group, group_note, status) "
                "VALUES (1, 'FRA', 'France', 'FR', 250, 'Western European and Others', '', 'member')"
            )
        )
        conn.execute(
            text("INSERT INTO membership (state_id, admitted_on, note) VALUES (1, '1945-10-24', '')")
        )
    engine.dispose()

    # As `unga migrate` and `unga serve` do: through the configured engine, not a given connection.
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        upgrade_to_head()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()

    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM membership")).scalar_one() == 1
        assert conn.execute(text("SELECT version FROM state WHERE code = 'FRA'")).scalar_one() == 1
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1  # enforcement is back on
    engine.dispose()


def test_an_upgrade_refreshes_planner_statistics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`unga migrate` on a database a revision behind: new indexes get statistics; a second run does
    nothing."""
    url = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    engine = make_engine(url)
    with engine.connect() as conn:
        command.upgrade(alembic_config(conn), "head")
        command.downgrade(alembic_config(conn), "-1")
        conn.commit()
    engine.dispose()

    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    dispose_engines()
    try:
        assert migrate_database() is True
        assert migrate_database() is False
    finally:
        dispose_engines()
        monkeypatch.undo()
        get_settings.cache_clear()

    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar()
    engine.dispose()
