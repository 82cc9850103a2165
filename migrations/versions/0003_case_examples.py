"""Anonymised case examples for the annual report and their history (R-CASE-1, R-CASE-2, R-GDPR-7).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_examples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_case_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('subcategory', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('issue', sa.Text(), nullable=False),
    sa.Column('positions', sa.Text(), nullable=False),
    sa.Column('applicable_rule', sa.Text(), nullable=False),
    sa.Column('equity', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('lesson', sa.Text(), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=200), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by', sa.String(length=200), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['source_case_id'], ['mediation.cases.id'],
                            name=op.f('fk_case_examples_source_case_id_cases'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_examples')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_case_examples_source_case_id'), 'case_examples', ['source_case_id'],
                    unique=False, schema='mediation')
    op.create_index(op.f('ix_mediation_case_examples_state'), 'case_examples', ['state'], unique=False,
                    schema='mediation')
    op.create_index(op.f('ix_mediation_case_examples_year'), 'case_examples', ['year'], unique=False,
                    schema='mediation')
    op.create_table('case_example_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('example_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['example_id'], ['mediation.case_examples.id'],
                            name=op.f('fk_case_example_events_example_id_case_examples')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_example_events')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_case_example_events_example_id'), 'case_example_events', ['example_id'],
                    unique=False, schema='mediation')


def downgrade():
    op.drop_index(op.f('ix_mediation_case_example_events_example_id'), table_name='case_example_events',
                  schema='mediation')
    op.drop_table('case_example_events', schema='mediation')
    op.drop_index(op.f('ix_mediation_case_examples_year'), table_name='case_examples', schema='mediation')
    op.drop_index(op.f('ix_mediation_case_examples_state'), table_name='case_examples', schema='mediation')
    op.drop_index(op.f('ix_mediation_case_examples_source_case_id'), table_name='case_examples',
                  schema='mediation')
    op.drop_table('case_examples', schema='mediation')
