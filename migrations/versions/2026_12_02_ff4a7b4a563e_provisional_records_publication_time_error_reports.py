"""provisional records, publication time, error reports

* ``resolution.published_at``: when a record was first published, what "new" is ordered by (the home
  page's latest votes, the feed), so that a vote entered days after it was taken still shows as new.
  Rows published before this revision get their creation time; imports get the server's time.
* ``resolution.provisional``, ``source_note`` and ``page_key``: records entered from the day's reports
  before the UN publishes the official one, with where they come from and an address that does not
  depend on a symbol not yet known.
* ``error_report``: errors readers report from a public page, queued for the admins.

Reviewed after autogenerate. On SQLite a column added with a non-constant default (CURRENT_TIMESTAMP)
is refused by ALTER TABLE, so ``published_at`` is added bare, filled, then given its default, which
batch mode does by copying the table.

Revision ID: ff4a7b4a563e
Revises: bdeb63c20dec
Create Date: 2026-12-02 06:29:06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "ff4a7b4a563e"
down_revision: str | None = 'bdeb63c20dec'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "error_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=300), nullable=False, comment="path of the page the report was sent from"),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False, comment="optional: how to reach the reader"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "address_hash",
            sa.String(length=64),
            nullable=False,
            comment="keyed hash of the sender's address, for throttling only",
        ),
        sa.Column(
            "status",
            sa.Enum("open", "resolved", "dismissed", name="reportstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("handled_by", sa.String(length=80), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_error_report")),
    )
    with op.batch_alter_table("error_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_error_report_address_hash_created_at"), ["address_hash", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_error_report_status_id"), ["status", "id"], unique=False)

    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "published_at",
                sa.DateTime(timezone=True),
                nullable=True,
                comment="when first published; NULL for drafts",
            )
        )
        batch_op.add_column(
            sa.Column(
                "provisional",
                sa.Boolean(),
                server_default=sa.text("false"),
                nullable=False,
                comment="entered from reports before the official record; replaced when an import brings it",
            )
        )
        batch_op.add_column(
            sa.Column(
                "source_note",
                sa.Text(),
                server_default="",
                nullable=False,
                comment="where the facts come from, e.g. the news report",
            )
        )
        batch_op.add_column(
            sa.Column(
                "page_key",
                sa.String(length=64),
                nullable=True,
                comment="address of a record whose symbol is not yet known: ES-11/2026-02-24",
            )
        )
        batch_op.create_index(batch_op.f("ix_resolution_published_at_id"), ["published_at", "id"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_resolution_page_key"), ["page_key"])
    op.execute("UPDATE resolution SET published_at = created_at WHERE published")
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.alter_column("published_at", server_default=sa.func.now(), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_resolution_page_key"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_resolution_published_at_id"))
        batch_op.drop_column("page_key")
        batch_op.drop_column("source_note")
        batch_op.drop_column("provisional")
        batch_op.drop_column("published_at")

    with op.batch_alter_table("error_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_error_report_status_id"))
        batch_op.drop_index(batch_op.f("ix_error_report_address_hash_created_at"))

    op.drop_table("error_report")
