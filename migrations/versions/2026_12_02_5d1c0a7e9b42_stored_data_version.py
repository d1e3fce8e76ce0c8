"""stored data version

``data_version``: one row that every write changing what a public page shows bumps in its own
transaction (app/data_version.py). The page cache used to compute the version from counts, maxima and
sums over eight tables on every read (once a second per worker); it now reads this row, and a read
replica sees a write's version with the write.

Written by hand. The row starts at number 1 with a random token, so a database migrated today never
shares a version with another one.

Revision ID: 5d1c0a7e9b42
Revises: ff4a7b4a563e
Create Date: 2026-12-02 12:05:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "5d1c0a7e9b42"
down_revision: str | None = "ff4a7b4a563e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False, comment="always 1"),
        sa.Column("number", sa.BigInteger(), nullable=False, comment="bumped by one in every writing transaction"),
        sa.Column(
            "token",
            sa.String(length=16),
            nullable=False,
            comment="random, new at every bump: a restored backup or another database never repeats a version",
        ),
        sa.Column("bumped_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute(
        sa.insert(table).values(id=1, number=1, token=secrets.token_hex(8), bumped_at=sa.func.now())
    )


def downgrade() -> None:
    op.drop_table("data_version")
