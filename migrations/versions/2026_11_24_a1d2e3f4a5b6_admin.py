"""admin: accounts, server-side sessions, failed sign-ins, audit trail, vote-intention notes

All new tables; nothing existing changes. Reviewed after autogenerate.

Revision ID: a1d2e3f4a5b6
Revises: b2c3d4e5f601
Create Date: 2026-11-24 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'a1d2e3f4a5b6'
down_revision: str | None = 'b2c3d4e5f601'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('admin_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False, comment='Argon2id, PHC string format'),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_user')),
    sa.UniqueConstraint('name', name=op.f('uq_admin_user_name'))
    )
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False, comment="'address' or 'account'"),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_scope_key_failed_at'), ['scope', 'key', 'failed_at'], unique=False)

    op.create_table('admin_session',
    sa.Column('id', sa.String(length=64), nullable=False, comment="SHA-256 of the cookie's token"),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False, comment='absolute time-out'),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['admin_user.id'], name=op.f('fk_admin_session_user_id_admin_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_session'))
    )
    with op.batch_alter_table('admin_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_session_user_id'), ['user_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=80), nullable=False, comment="account name at the time, or 'cli'"),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('before_json', sa.Text(), nullable=True),
    sa.Column('after_json', sa.Text(), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['admin_user.id'], name=op.f('fk_audit_event_actor_id_admin_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_entity_entity_id_id'), ['entity', 'entity_id', 'id'], unique=False)

    op.create_table('vote_intention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resolution_id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('intended', sa.Enum('Y', 'N', 'A', 'X', name='votechoice', native_enum=False), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False, comment='what the state said, and where'),
    sa.Column('stated_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['resolution_id'], ['resolution.id'], name=op.f('fk_vote_intention_resolution_id_resolution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['state_id'], ['state.id'], name=op.f('fk_vote_intention_state_id_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_intention')),
    sa.UniqueConstraint('resolution_id', 'state_id', name=op.f('uq_vote_intention_resolution_id_state_id'))
    )


def downgrade() -> None:
    op.drop_table('vote_intention')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_entity_entity_id_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('admin_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_session_user_id'))

    op.drop_table('admin_session')
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_scope_key_failed_at'))

    op.drop_table('login_failure')
    op.drop_table('admin_user')
