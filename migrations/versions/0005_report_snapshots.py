"""Report snapshots: the frozen figures of each published version of an annual report (R-REPORT-5).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 04:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

POSTGRES_GUARD = """
CREATE OR REPLACE FUNCTION mediation.report_snapshots_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'report_snapshots is append-only: a published report never changes';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER report_snapshots_frozen BEFORE UPDATE OR DELETE ON mediation.report_snapshots
    FOR EACH ROW EXECUTE FUNCTION mediation.report_snapshots_frozen();
"""
SQLITE_GUARDS = [
    f"""CREATE TRIGGER report_snapshots_no_{verb.lower()} BEFORE {verb} ON report_snapshots
    BEGIN SELECT RAISE(ABORT, 'report_snapshots is append-only: a published report never changes'); END"""
    for verb in ("UPDATE", "DELETE")
]


def upgrade():
    op.create_table('report_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('charter_version', sa.String(length=16), nullable=False),
    sa.Column('charter_sha256', sa.String(length=64), nullable=False),
    sa.Column('generator_version', sa.String(length=32), nullable=False),
    sa.Column('data_sha256', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_snapshots')),
    sa.UniqueConstraint('year', 'version', name=op.f('uq_report_snapshots_year')),
    schema='mediation'
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_GUARD)
    else:
        for guard in SQLITE_GUARDS:
            op.execute(guard)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS report_snapshots_frozen ON mediation.report_snapshots")
        op.execute("DROP FUNCTION IF EXISTS mediation.report_snapshots_frozen()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS report_snapshots_no_{verb}")
    op.drop_table('report_snapshots', schema='mediation')
