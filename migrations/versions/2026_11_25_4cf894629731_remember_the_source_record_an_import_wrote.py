"""remember the source record an import wrote into each resolution

An admin's save replaces a resolution's source_id and content_hash, so a later import could not tell
whether the UN's or Voeten's record had changed since the admin's edit: it kept the admin's version
without saying so. ``imported_kind`` and ``imported_hash`` keep what the last import wrote; admin saves
leave them. Rows an import wrote get them from their source and fingerprint; rows an admin has saved
keep NULL, as does any row entered through the admin: the next import that finds such a resolution in
a source names it once as kept.

Revision ID: 4cf894629731
Revises: cd899509a68b
Create Date: 2026-11-25 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "4cf894629731"
down_revision: str | None = "cd899509a68b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "imported_kind",
                sa.Enum("dgacm", "voeten", "undl", "admin", name="sourcekind", native_enum=False, length=16),
                nullable=True,
                comment="kind of the source the last import wrote the row from",
            )
        )
        batch_op.add_column(
            sa.Column(
                "imported_hash",
                sa.String(length=64),
                nullable=True,
                comment="fingerprint of the source record the last import wrote",
            )
        )
    op.execute(
        "UPDATE resolution SET imported_hash = content_hash, "
        "imported_kind = (SELECT kind FROM data_source WHERE data_source.id = resolution.source_id) "
        "WHERE source_id IN (SELECT id FROM data_source WHERE kind <> 'admin')"
    )


def downgrade() -> None:
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.drop_column("imported_hash")
        batch_op.drop_column("imported_kind")
