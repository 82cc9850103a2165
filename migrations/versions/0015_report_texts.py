"""The mediator's foreword, chapter comments and tips for consumers of each year's annual report (issue 13).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 20:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('foreword', sa.Text(), nullable=False),
    sa.Column('comments', sa.JSON(), nullable=False),
    sa.Column('consumer_tips', sa.Text(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_texts')),
    sa.UniqueConstraint('year', name=op.f('uq_report_texts_year')),
    schema='mediation'
    )


def downgrade():
    op.drop_table('report_texts', schema='mediation')
