"""index published resolutions by date, and resolutions by symbol

A country page shows its state's record newest first, 50 votes at a time. SQLite fetched all of the
state's votes (about 6,000 for the United States), looked up each resolution and sorted them: 8 ms on
every country page. With this index it walks the published resolutions in date order and probes each
one's vote, stopping at 50: 0.4 ms.

Resolution pages find a resolution and its separate votes by symbol. The unique index on symbol is
partial (kind = 'resolution' AND symbol != ''), which a lookup by symbol alone cannot use, so SQLite
walked another index: 6 ms on every resolution page, 0.03 ms with a plain index on symbol.

Revision ID: cd899509a68b
Revises: 7393445f6a89
Create Date: 2026-11-24 05:25:10.643453
"""

from collections.abc import Sequence

from alembic import op


revision: str = "cd899509a68b"
down_revision: str | None = "7393445f6a89"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_resolution_kind_published_adopted_on_id"),
            ["kind", "published", "adopted_on", "id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_resolution_symbol"), ["symbol"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_resolution_symbol"))
        batch_op.drop_index(batch_op.f("ix_resolution_kind_published_adopted_on_id"))
