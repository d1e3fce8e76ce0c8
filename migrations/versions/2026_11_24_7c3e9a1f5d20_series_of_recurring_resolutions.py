"""series of recurring resolutions

Derived tables that app.series.refresh.refresh_series rewrites after every import and admin save: the
series (one row per recurring text) and their members (one row per recorded vote in a series).

Revision ID: 7c3e9a1f5d20
Revises: a1d2e3f4a5b6
Create Date: 2026-11-24 02:25:39
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c3e9a1f5d20"
down_revision: str | None = "a1d2e3f4a5b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "slug",
            sa.String(length=120),
            nullable=False,
            comment="URL key from the first member's title and year; stable as years are added",
        ),
        sa.Column(
            "title", sa.Text(), nullable=False, comment="the latest member's title (or Voeten's topic label)"
        ),
        sa.Column(
            "search_text",
            sa.Text(),
            nullable=False,
            comment="normalised titles of all members, for the index search",
        ),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("latest_id", sa.Integer(), nullable=False, comment="the latest member"),
        sa.ForeignKeyConstraint(
            ["latest_id"], ["resolution.id"], name=op.f("fk_series_latest_id_resolution"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
        sa.UniqueConstraint("slug", name=op.f("uq_series_slug")),
    )
    op.create_table(
        "series_member",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("resolution_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, comment="1 for the oldest member"),
        sa.ForeignKeyConstraint(
            ["resolution_id"],
            ["resolution.id"],
            name=op.f("fk_series_member_resolution_id_resolution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_series_member_series_id_series"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("series_id", "resolution_id", name=op.f("pk_series_member")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("series_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_series_member_resolution_id"), ["resolution_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("series_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_member_resolution_id"))
    op.drop_table("series_member")
    op.drop_table("series")
