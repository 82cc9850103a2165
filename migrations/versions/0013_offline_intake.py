"""Requests received by post, e-mail, phone or at the desk (R-PROC-1, issue 14 item 1).

- ``intake_items.requester_email`` becomes nullable: a consumer who writes or calls may have no e-mail address.
  The team registers such a request in the intake queue under the source ``offline``; nothing else changes in
  the schema (its details are in the item's snapshot, as an online filing's are).

SQLite cannot change a column's NOT NULL. Rebuilding the table (Alembic's batch mode) would drop it, which the
foreign keys of ``online_filings`` and ``purge_log`` refuse while rows point at it, and ``PRAGMA foreign_keys``
cannot be turned off inside the migration's transaction. So the column is replaced in place: a nullable copy
is added and filled, the old column dropped and the copy renamed (SQLite 3.35 or later), then its index rebuilt.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

INDEX = 'ix_mediation_intake_items_requester_email'


def upgrade():
    _set_nullable(True)


def downgrade():
    # A request registered without an e-mail address keeps an empty one: the column cannot hold NULL any more.
    op.execute(sa.text(f"UPDATE {_table()} SET requester_email = '' WHERE requester_email IS NULL"))
    _set_nullable(False)


def _table():
    return 'mediation.intake_items' if op.get_bind().dialect.name == 'postgresql' else 'intake_items'


def _set_nullable(nullable: bool):
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('intake_items', 'requester_email', existing_type=sa.String(254), nullable=nullable,
                        schema='mediation')
        return
    constraint = '' if nullable else " NOT NULL DEFAULT ''"
    op.drop_index(INDEX, table_name='intake_items', schema='mediation')
    for statement in (f'ALTER TABLE intake_items ADD COLUMN requester_email_new VARCHAR(254){constraint}',
                      'UPDATE intake_items SET requester_email_new = requester_email',
                      'ALTER TABLE intake_items DROP COLUMN requester_email',
                      'ALTER TABLE intake_items RENAME COLUMN requester_email_new TO requester_email'):
        op.execute(sa.text(statement))
    op.create_index(INDEX, 'intake_items', ['requester_email'], unique=False, schema='mediation')
