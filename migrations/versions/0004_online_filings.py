"""Online filings: the reference reserved at filing, the tracking code's hash, the linked helpdesk ticket.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('online_filings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('intake_item_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('code_sha256', sa.String(length=64), nullable=False),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('linked_vendor', sa.String(length=16), nullable=True),
    sa.Column('linked_ticket_id', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['intake_item_id'], ['mediation.intake_items.id'],
                            name=op.f('fk_online_filings_intake_item_id_intake_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_filings')),
    sa.UniqueConstraint('intake_item_id', name=op.f('uq_online_filings_intake_item_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_online_filings_reference')),
    schema='mediation'
    )


def downgrade():
    op.drop_table('online_filings', schema='mediation')
