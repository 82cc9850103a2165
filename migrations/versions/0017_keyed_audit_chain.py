"""The audit chain keyed (issue 15, finding 2): each entry says how its hash is made, and the log refuses
TRUNCATE on PostgreSQL, UPDATE and DELETE on SQLite.

Entries already written keep their plain SHA-256 and are marked ``sha256``; every entry written from now on is
``hmac-sha256`` (core/audit.py), and the verification checks each the way it was made. On PostgreSQL the column
keeps no default, so that a host still running the previous version cannot append an entry the verification
would refuse for good (its insert fails instead, until it runs the new version); SQLite serves one host.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 02:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# The function of migration 0001, which refuses UPDATE and DELETE row by row, refuses TRUNCATE as well.
POSTGRES_TRUNCATE_GUARD = """
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON mediation.audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION mediation.audit_entries_append_only();
"""
SQLITE_GUARDS = (
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
)


def _postgres():
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    # ALTER TABLE names its schema as written: none on SQLite.
    schema = 'mediation' if _postgres() else None
    op.add_column('audit_entries', sa.Column('algorithm', sa.String(length=16), nullable=False,
                                             server_default='sha256'), schema=schema)
    if _postgres():
        op.alter_column('audit_entries', 'algorithm', server_default=None, schema='mediation')
        op.execute(POSTGRES_TRUNCATE_GUARD)
    else:
        for statement in SQLITE_GUARDS:
            op.execute(statement)


def downgrade():
    if _postgres():
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_truncate ON mediation.audit_entries")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
    op.drop_column('audit_entries', 'algorithm', schema='mediation' if _postgres() else None)
