"""Console search indexes: consumers found by e-mail whatever its case (file search, possible duplicates).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 03:30:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # Searches compare lower(email): without this expression index each one reads every party.
    op.create_index('ix_parties_email_lower', 'parties', [sa.text('lower(email)')], unique=False, schema='mediation')


def downgrade():
    op.drop_index('ix_parties_email_lower', table_name='parties', schema='mediation')
