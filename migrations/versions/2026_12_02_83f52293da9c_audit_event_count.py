"""count repeated failed sign-ins on one audit row

A stream of wrong passwords wrote one audit row each (300 in 1.6 s, unauthenticated). Repeated failures
of one account name from one address within the throttling window are now one row whose ``count``
grows; every other event keeps 1.

Revision ID: 83f52293da9c
Revises: ed2d0027d2e8
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "83f52293da9c"
down_revision: str | None = "ed2d0027d2e8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "count",
                sa.Integer(),
                nullable=False,
                server_default="1",
                comment="times the event happened: repeated failed sign-ins are one row",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("count")
