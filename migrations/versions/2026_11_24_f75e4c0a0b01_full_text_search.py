"""Full-text search over resolutions.

SQLite: an FTS5 table (porter stemming, diacritics removed) whose rowid is the resolution id.
PostgreSQL: a table of weighted tsvectors with a GIN index. Both are filled by
app.resolutions.search.rebuild_search_index after every import or admin save (they cover subjects,
which live in another table, so triggers on resolution alone would not do). Not ORM models:
migrations/env.py keeps autogenerate away from them.

Revision ID: f75e4c0a0b01
Revises: 2ad204fc720b
Create Date: 2026-11-24 00:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "f75e4c0a0b01"
down_revision: str | None = "2ad204fc720b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE resolution_fts USING fts5("
            "symbol, title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    else:
        op.execute(
            "CREATE TABLE resolution_fts ("
            "resolution_id INTEGER PRIMARY KEY REFERENCES resolution (id) ON DELETE CASCADE, "
            "document TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_resolution_fts_document ON resolution_fts USING gin (document)")


def downgrade() -> None:
    op.execute("DROP TABLE resolution_fts")
