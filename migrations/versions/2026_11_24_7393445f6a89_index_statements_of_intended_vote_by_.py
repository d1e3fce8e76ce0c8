"""index statements of intended vote by state

A country page lists its state's statements of intended vote. Without an index on state_id, SQLite
walked every resolution in date order and probed vote_intention for each: about 4 ms on every country
page, even with no statement at all.

Revision ID: 7393445f6a89
Revises: 2b31f82f8051
Create Date: 2026-11-24 04:39:25.251505
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "7393445f6a89"
down_revision: str | None = "2b31f82f8051"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vote_intention", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vote_intention_state_id"), ["state_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("vote_intention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vote_intention_state_id"))
