"""Running Alembic migrations from code (the CLI, the server start-up and the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, text

from app.config import PROJECT_ROOT
from app.db import get_engine, refresh_planner_statistics, unit_of_work


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["configure_logging"] = False
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(connection: Connection | None = None) -> None:
    command.upgrade(alembic_config(connection), "head")


def _revisions(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_heads()


def migrate_database() -> bool:
    """Upgrade the configured database to the latest revision; True if any revision ran.

    A revision that adds an index leaves the planner without statistics for it (an import refreshes
    them, but an upgraded database may not see an import for a while), so they are refreshed here."""
    before = _revisions(get_engine())
    upgrade_to_head()
    if _revisions(get_engine()) == before:
        return False
    with unit_of_work(write=True) as session:
        refresh_planner_statistics(session)
    return True


def recreate_schema(engine: Engine) -> None:
    """Empty the database and migrate it from scratch (tests and benchmarks only)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    with engine.connect() as conn:
        upgrade_to_head(conn)
        conn.commit()
