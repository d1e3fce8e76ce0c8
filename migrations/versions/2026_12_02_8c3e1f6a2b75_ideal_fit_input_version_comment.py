"""ideal_fit.data_version: the comment names what it holds

The column holds app.ideal.queries.input_version (a summary of the recorded votes and series the fit
read), not the page cache's data version its comment named. A comment only: no data changes.

Written by hand (autogenerate does not compare comments on SQLite).

Revision ID: 8c3e1f6a2b75
Revises: 5d1c0a7e9b42
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "8c3e1f6a2b75"
down_revision: str | None = "5d1c0a7e9b42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "app.cache.queries.data_version when it started"
NEW = "app.ideal.queries.input_version of the record it read"


def _comment(comment: str, existing: str) -> None:
    with op.batch_alter_table("ideal_fit") as batch_op:
        batch_op.alter_column(
            "data_version", existing_type=sa.Text(), existing_nullable=False, comment=comment, existing_comment=existing
        )


def upgrade() -> None:
    _comment(NEW, OLD)


def downgrade() -> None:
    _comment(OLD, NEW)
