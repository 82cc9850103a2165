"""The annual report's derived columns on each file (reports/facts.py), and the indexes that give a year's
groups in order: a pass reads an index range in order and counts, where it sorted every row of the year
on SQLite and probed the proposals, answers and implementations for every file closed with an outcome.

The backfill ran the application's own statement here; since that statement reads columns added later (the end
of the mediation, 0010), it now runs in 0010, which recomputes every derived column of every file.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 09:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

COLUMNS = {'received_year': sa.SmallInteger(), 'ended_year': sa.SmallInteger(), 'consumer_answer': sa.String(16),
           'company_answer': sa.String(16), 'amicable_implementation': sa.String(16), 'duration_days': sa.Float(),
           'duration_day': sa.Integer(), 'extended': sa.Boolean()}
# The columns a pass groups by come right after the year, in the pass's GROUP BY order (figures/funnel.py,
# figures/outcomes.py): SQLite then counts the groups as it reads the range, without a sort.
INDEXES = {
    'ix_mediation_cases_report_received_year': [
        'received_year', 'cross_border', 'party_type', 'state', sa.text('(notified_at IS NOT NULL)'),
        sa.text('(outcome IS NOT NULL)'), 'inadmissibility_ground', 'category', 'subcategory', 'channel',
        'department'],
    'ix_mediation_cases_report_ended_year': [
        'ended_year', 'party_type', 'cross_border', 'state', 'outcome', 'amicable_implementation', 'resolution_mode',
        'department', 'consumer_answer', 'company_answer', 'notified_at'],
    # Durations of the mediations closed with an outcome, by side and whole day; the medians' middle rows.
    'ix_mediation_cases_report_durations': [
        'ended_year', 'party_type', 'state', 'cross_border', 'duration_day', 'duration_days', 'extended', 'outcome',
        'notified_at'],
    # Saisines per month: twelve ranges of dates of receipt, for the statutory party types.
    'ix_mediation_cases_report_month': ['received_at', 'party_type'],
}
# Replaced by the indexes above.
OLD_INDEXES = {
    'ix_mediation_cases_report_received': [
        'received_at', 'party_type', 'cross_border', 'state', 'notified_at', 'outcome', 'inadmissibility_ground',
        'category', 'subcategory', 'channel', 'department'],
    'ix_mediation_cases_report_ended': [
        'state', 'closed_at', 'party_type', 'notified_at', 'outcome', 'cross_border', 'resolution_mode', 'department'],
}


def _schema():
    # ALTER TABLE is written out by Alembic, past the engine's schema_translate_map: SQLite has no schema.
    return 'mediation' if op.get_bind().dialect.name == 'postgresql' else None


def upgrade():
    for name, type_ in COLUMNS.items():
        op.add_column('cases', sa.Column(name, type_, nullable=True), schema=_schema())
    for name in OLD_INDEXES:
        op.drop_index(name, table_name='cases', schema='mediation')
    for name, columns in INDEXES.items():
        op.create_index(name, 'cases', columns, unique=False, schema='mediation')


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name='cases', schema='mediation')
    for name, columns in OLD_INDEXES.items():
        op.create_index(name, 'cases', columns, unique=False, schema='mediation',
                        postgresql_include=['id'] if name.endswith('ended') else [])
    for name in COLUMNS:
        op.drop_column('cases', name, schema=_schema())
