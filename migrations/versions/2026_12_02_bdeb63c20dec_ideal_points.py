"""ideal points: each state's estimated position per session year, the vote parameters and the fit runs

The estimator (app.ideal) rewrites ideal_point and ideal_item whole after each run and appends a row to
ideal_fit; pages only read them. Nothing is derived from existing rows: the tables start empty and the
first fit (after the next import, on `unga serve` or with `unga ideal-points`) fills them.

Revision ID: bdeb63c20dec
Revises: 83f52293da9c
Create Date: 2026-12-02 06:32:21.883195
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'bdeb63c20dec'
down_revision: str | None = '83f52293da9c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ideal_fit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False, comment='wall time of the fit, reading and writing included'),
    sa.Column('warm', sa.Boolean(), nullable=False, comment="started from the previous fit's values"),
    sa.Column('iterations', sa.Integer(), nullable=False),
    sa.Column('converged', sa.Boolean(), nullable=False),
    sa.Column('log_posterior', sa.Float(), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False, comment='state votes (yes, no, abstain) the fit read'),
    sa.Column('recorded_votes', sa.Integer(), nullable=False, comment='recorded votes (items) the fit read'),
    sa.Column('item_groups', sa.Integer(), nullable=False, comment='item parameter sets: votes of one series share one'),
    sa.Column('state_years', sa.Integer(), nullable=False),
    sa.Column('data_version', sa.Text(), nullable=False, comment='app.cache.queries.data_version when it started'),
    sa.Column('model', sa.String(length=200), nullable=False, comment='the model and its priors'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ideal_fit'))
    )
    op.create_table('ideal_point',
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False, comment='year the session opened'),
    sa.Column('ideal_point', sa.Float(), nullable=False),
    sa.Column('se', sa.Float(), nullable=False, comment='standard error of the estimate'),
    sa.Column('votes', sa.Integer(), nullable=False, comment='votes (yes, no, abstain) the estimate rests on'),
    sa.ForeignKeyConstraint(['state_id'], ['state.id'], name=op.f('fk_ideal_point_state_id_state'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('state_id', 'year', name=op.f('pk_ideal_point'))
    )
    with op.batch_alter_table('ideal_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ideal_point_year'), ['year'], unique=False)

    op.create_table('ideal_item',
    sa.Column('resolution_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False, comment='session year the vote counts in'),
    sa.Column('discrimination', sa.Float(), nullable=False),
    sa.Column('cut_no', sa.Float(), nullable=False, comment='latent value below which a state votes no'),
    sa.Column('cut_yes', sa.Float(), nullable=False, comment='latent value from which a state votes yes'),
    sa.Column('bridged', sa.Integer(), nullable=False, comment='recorded votes sharing these parameters (1: none)'),
    sa.ForeignKeyConstraint(['resolution_id'], ['resolution.id'], name=op.f('fk_ideal_item_resolution_id_resolution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resolution_id', name=op.f('pk_ideal_item'))
    )


def downgrade() -> None:
    op.drop_table('ideal_item')
    with op.batch_alter_table('ideal_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ideal_point_year'))

    op.drop_table('ideal_point')
    op.drop_table('ideal_fit')
