"""Console sessions on the server (issue 15, finding 3) and the ids of the logout tokens the identity provider sent.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 02:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('console_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('sub', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('provider_sid', sa.String(length=255), nullable=True),
    sa.Column('id_token', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_console_sessions_token_hash')),
    schema='mediation'
    )
    for column in ('sub', 'provider_sid'):
        op.create_index(op.f(f'ix_mediation_console_sessions_{column}'), 'console_sessions', [column], unique=False,
                        schema='mediation')
    op.create_table('logout_token_uses',
    sa.Column('jti', sa.String(length=255), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('jti', name=op.f('pk_logout_token_uses')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_logout_token_uses_received_at'), 'logout_token_uses', ['received_at'],
                    unique=False, schema='mediation')


def downgrade():
    op.drop_table('logout_token_uses', schema='mediation')
    op.drop_table('console_sessions', schema='mediation')
