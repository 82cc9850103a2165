"""Retention (R-GDPR-3, R-GDPR-4): legal holds on files and the log of what each purge removed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 09:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('legal_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('placed_by', sa.String(length=200), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('lifted_by', sa.String(length=200), nullable=True),
    sa.Column('lifted_at', sa.DateTime(), nullable=True),
    sa.Column('lift_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_legal_holds_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_holds')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_legal_holds_case_id'), 'legal_holds', ['case_id'], unique=False,
                    schema='mediation')
    op.create_table('purge_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('data_class', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('target', sa.String(length=60), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('intake_item_id', sa.Integer(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_purge_log_case_id_cases')),
    sa.ForeignKeyConstraint(['intake_item_id'], ['mediation.intake_items.id'],
                            name=op.f('fk_purge_log_intake_item_id_intake_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purge_log')),
    schema='mediation'
    )
    for column in ('run_id', 'case_id', 'intake_item_id'):
        op.create_index(op.f(f'ix_mediation_purge_log_{column}'), 'purge_log', [column], unique=False,
                        schema='mediation')


def downgrade():
    op.drop_table('purge_log', schema='mediation')
    op.drop_table('legal_holds', schema='mediation')
