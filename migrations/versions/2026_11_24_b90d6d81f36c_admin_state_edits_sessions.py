"""admin, part 2: state version counter and admin-change mark; session user agent; note update time

``state.version`` lets admin edits of names, memberships and suspensions detect a concurrent change;
``state.admin_changed_at`` tells the states.toml import which states an admin has changed, so that it
keeps them; ``admin_session.user_agent`` is shown on the admin's sessions page;
``vote_intention.updated_at`` lets the public page cache see a corrected note. Only added columns, with
server defaults, so existing rows stay valid on SQLite and PostgreSQL.

Revision ID: b90d6d81f36c
Revises: 7c3e9a1f5d20
Create Date: 2026-11-24 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "b90d6d81f36c"
down_revision: str | None = "7c3e9a1f5d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "version",
                sa.Integer(),
                server_default=sa.text("1"),
                nullable=False,
                comment="optimistic-locking counter for admin edits",
            )
        )
        batch_op.add_column(
            sa.Column(
                "admin_changed_at",
                sa.DateTime(timezone=True),
                nullable=True,
                comment="last change through the admin; the states.toml import keeps such a state's dated records",
            )
        )
    with op.batch_alter_table("admin_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "user_agent",
                sa.String(length=200),
                server_default="",
                nullable=False,
                comment="the browser's User-Agent at sign-in, cut short",
            )
        )


    with op.batch_alter_table("vote_intention", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sa.DateTime(timezone=True),
                server_default=sa.text("(CURRENT_TIMESTAMP)"),
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("vote_intention", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
    with op.batch_alter_table("admin_session", schema=None) as batch_op:
        batch_op.drop_column("user_agent")
    with op.batch_alter_table("state", schema=None) as batch_op:
        batch_op.drop_column("admin_changed_at")
        batch_op.drop_column("version")
