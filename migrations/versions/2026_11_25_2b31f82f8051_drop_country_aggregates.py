"""drop the precomputed country aggregates: an in-memory vote matrix replaces them

state_year_tally and state_pair_agreement were rewritten after every import and admin save (about two
seconds each time) and could only answer per decade. app.countries.matrix now keeps every vote in memory
as bitsets, answers any period and topic in milliseconds and follows the data version by itself.
The downgrade recreates the two tables empty; the previous code fills them on its next import.

Revision ID: 2b31f82f8051
Revises: b90d6d81f36c
Create Date: 2026-11-25 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2b31f82f8051"
down_revision: str | None = "b90d6d81f36c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("state_pair_agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_state_pair_agreement_other_id_state_id_decade"))
    op.drop_table("state_pair_agreement")
    op.drop_table("state_year_tally")


def downgrade() -> None:
    op.create_table(
        "state_year_tally",
        sa.Column("state_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("yes", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("abstain", sa.Integer(), nullable=False),
        sa.Column(
            "non_voting", sa.Integer(), nullable=False, comment="member on the date but recorded in no list"
        ),
        sa.ForeignKeyConstraint(
            ["state_id"], ["state.id"], name=op.f("fk_state_year_tally_state_id_state"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("state_id", "year", name=op.f("pk_state_year_tally")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "state_pair_agreement",
        sa.Column("state_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("other_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "decade", sa.Integer(), autoincrement=False, nullable=False, comment="first year, e.g. 1990"
        ),
        sa.Column(
            "n",
            sa.Integer(),
            nullable=False,
            comment="resolutions on which both were members and voted yes, no or abstain",
        ),
        sa.Column("same", sa.Integer(), nullable=False, comment="of those, how many with the same vote"),
        sa.Column(
            "half",
            sa.Integer(),
            nullable=False,
            comment="of those, how many with one abstaining and the other not",
        ),
        sa.PrimaryKeyConstraint("state_id", "other_id", "decade", name=op.f("pk_state_pair_agreement")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("state_pair_agreement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_state_pair_agreement_other_id_state_id_decade"),
            ["other_id", "state_id", "decade"],
            unique=False,
        )
