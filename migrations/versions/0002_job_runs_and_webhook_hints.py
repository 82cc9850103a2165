"""Job runs (for the admin page) and webhook hints (a reason to re-read a helpdesk).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 01:18:43.152571
"""

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=120), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_job_runs_started_at'), 'job_runs', ['started_at'], unique=False, schema='mediation')
    op.create_table('webhook_hints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor', sa.String(length=16), nullable=False),
    sa.Column('ticket_id', sa.String(length=40), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('processed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_hints')),
    schema='mediation'
    )
    op.create_index('ix_webhook_hints_pending', 'webhook_hints', ['vendor', 'processed_at'], unique=False, schema='mediation')


def downgrade():
    op.drop_index('ix_webhook_hints_pending', table_name='webhook_hints', schema='mediation')
    op.drop_table('webhook_hints', schema='mediation')
    op.drop_index(op.f('ix_mediation_job_runs_started_at'), table_name='job_runs', schema='mediation')
    op.drop_table('job_runs', schema='mediation')
