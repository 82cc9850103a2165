"""Covering indexes for the annual report's passes over a year of files (issue 5: 200,000 files in at
most twice the time of 20,000). Each pass filters on a date and reads a few codes: with every column it
reads in the index, a pass reads the index range of its year, not the table's wide rows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 05:00:00
"""

from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# name: (table, columns, extra columns PostgreSQL keeps in the index for index-only scans — on SQLite
# every index already ends with the row id).
INDEXES = {
    # Saisines of the year: funnel, refusals, split, breakdowns, months (figures/funnel.py).
    'ix_mediation_cases_report_received': ('cases', [
        'received_at', 'party_type', 'cross_border', 'state', 'notified_at', 'outcome', 'inadmissibility_ground',
        'category', 'subcategory', 'channel', 'department'], []),
    # Ended in the year, by final state: interruptions, outcomes, implementation, durations, answers
    # (outcomes.py, durations.py). The state first: an equality and a range, which SQLite prefers to the
    # index on the state alone without statistics.
    'ix_mediation_cases_report_ended': ('cases', [
        'state', 'closed_at', 'party_type', 'notified_at', 'outcome', 'cross_border', 'resolution_mode',
        'department'], ['id']),
    # The current signed proposal of a file, and each party's answer to it.
    'ix_mediation_proposals_report': ('proposals', ['case_id', 'superseded', 'signed_at'], ['id']),
    'ix_mediation_party_answers_report': ('party_answers', ['proposal_id', 'party', 'answer'], []),
    # The latest implementation record of a file.
    'ix_mediation_implementations_report': ('implementations', ['case_id', 'id', 'status'], []),
    # Requests for observations sent in the year (independence.py).
    'ix_mediation_observation_requests_report': ('observation_requests', [
        'sent_at', 'case_id', 'department', 'reminders_sent'], []),
}


def upgrade():
    for name, (table, columns, include) in INDEXES.items():
        op.create_index(name, table, columns, unique=False, schema='mediation', postgresql_include=include)


def downgrade():
    for name, (table, _columns, _include) in INDEXES.items():
        op.drop_index(name, table_name=table, schema='mediation')
