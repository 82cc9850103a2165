"""Governance register notices, dispute domain and region (issue 13).

- ``cecmc_notices``: each record of the items notified to the CECMC (R-CECMC-4, R614-3): the baseline, then
  one per notice queued, with what changed.
- ``cases.dispute_domain`` (R-SCOPE-2): a code of the charter's dispute domains; NULL on the files opened before,
  whose domain was never recorded (the report says "not recorded").
- ``cases.region`` (R-STATS-2): where the consumer lives, from the postcode or the postal address
  (mediator_plugin/core/geography.py); backfilled here for every file.
- An index for the report's pass over the year's requests by party type, domain and region: SQLite reads it in
  order and counts, without touching the rows (reports/figures/origins.py).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ORIGINS_INDEX = 'ix_mediation_cases_report_origins'
ORIGINS_COLUMNS = ['received_year', 'party_type', 'dispute_domain', 'region']


def _schema():
    return 'mediation' if op.get_bind().dialect.name == 'postgresql' else None


def upgrade():
    schema = _schema()
    op.add_column('cases', sa.Column('dispute_domain', sa.String(32), nullable=True), schema=schema)
    op.add_column('cases', sa.Column('region', sa.String(8), nullable=True), schema=schema)
    op.create_table('cecmc_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=40), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['outbox_id'], ['mediation.outbox.id'], name=op.f('fk_cecmc_notices_outbox_id_outbox')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cecmc_notices')),
    sa.UniqueConstraint('sequence', name=op.f('uq_cecmc_notices_sequence')),
    schema='mediation'
    )
    _backfill_regions(op.get_bind())
    op.create_index(ORIGINS_INDEX, 'cases', ORIGINS_COLUMNS, unique=False, schema='mediation')


def _backfill_regions(bind):
    from mediator_plugin.cases.models import Case, Party
    from mediator_plugin.core.geography import locate

    rows = bind.execute(sa.select(Case.id, Case.cross_border, Party.postcode, Party.postal_address)
                        .select_from(Case.__table__.outerjoin(Party.__table__, sa.and_(
                            Party.case_id == Case.id, Party.role == 'consumer')))).all()
    for start in range(0, len(rows), 1000):
        chunk = [{'case_id': case_id, 'found': locate(postcode, address, abroad=bool(abroad)).region}
                 for case_id, abroad, postcode, address in rows[start:start + 1000]]
        bind.execute(sa.update(Case.__table__).where(Case.id == sa.bindparam('case_id'))
                     .values(region=sa.bindparam('found')), chunk)


def downgrade():
    schema = _schema()
    op.drop_index(ORIGINS_INDEX, table_name='cases', schema='mediation')
    op.drop_table('cecmc_notices', schema='mediation')
    op.drop_column('cases', 'region', schema=schema)
    op.drop_column('cases', 'dispute_domain', schema=schema)
