"""The end of the mediation and the clocks of L612-2 (issue 13).

- ``cases.ended_at``: the day the mediation ended (its outcome, an interruption, a refusal), apart from the day
  the team closed the file after the implementation follow-up (R612-5, R-PRESC-2); durations run to it.
- ``cases.last_written_complaint_on``: the last written complaint, for a charter that counts the year from it
  (R-ADM-3).
- ``parties.customer_number`` and ``parties.name_key``: the duplicate check matches them (R-ADM-6).
- ``party_answers.reason_category``: the category of a company's reasons for refusing a proposal (R-FLOW-4).

Backfill: a file that reached an outcome ended at its last answer or its agreement as the history recorded
them, an interrupted or refused one when it was closed; its outcome is set from its proposal; a file still
waiting for its admissibility decision gets its three weeks from the receipt. Then every derived column of the
report is recomputed by the application's own statement (reports/facts.py), as 0008 did.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 20:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OUTCOME_STATES = ('AGREEMENT', 'ACCEPTED', 'REFUSED_BY_CONSUMER', 'REFUSED_BY_COMPANY', 'NO_RESPONSE',
                  'IMPLEMENTATION_TRACKING')
# The durations pass now counts every mediation that reached its outcome in the year, closed or not: the index
# leaves out the state so that its groups (side, whole day) still come in order after the year and party type.
DURATIONS_INDEX = 'ix_mediation_cases_report_durations'
OLD_DURATIONS = ['ended_year', 'party_type', 'state', 'cross_border', 'duration_day', 'duration_days', 'extended',
                 'outcome', 'notified_at']
NEW_DURATIONS = ['ended_year', 'party_type', 'cross_border', 'duration_day', 'duration_days', 'extended', 'outcome',
                 'notified_at']
ENDED_BY_CLOSURE = ('INADMISSIBLE', 'WITHDRAWN_BY_CONSUMER', 'COMPANY_DECLINED', 'COURT_SEIZED', 'COI_OBJECTION',
                    'UNREACHABLE')


def _schema():
    return 'mediation' if op.get_bind().dialect.name == 'postgresql' else None


def upgrade():
    schema = _schema()
    op.add_column('cases', sa.Column('ended_at', sa.DateTime(), nullable=True), schema=schema)
    op.add_column('cases', sa.Column('last_written_complaint_on', sa.Date(), nullable=True), schema=schema)
    op.add_column('parties', sa.Column('customer_number', sa.String(60), nullable=True), schema=schema)
    op.add_column('parties', sa.Column('name_key', sa.String(200), nullable=True), schema=schema)
    op.add_column('party_answers', sa.Column('reason_category', sa.String(40), nullable=True), schema=schema)
    op.create_index('ix_mediation_parties_customer_number', 'parties', ['customer_number'], schema='mediation')
    op.create_index('ix_mediation_parties_name_key', 'parties', ['name_key'], schema='mediation')
    op.drop_index(DURATIONS_INDEX, table_name='cases', schema='mediation')
    _backfill(op.get_bind())
    op.create_index(DURATIONS_INDEX, 'cases', NEW_DURATIONS, unique=False, schema='mediation')


def _backfill(bind):
    from datetime import date, timedelta

    from mediator_plugin.cases.models import Case, Party, TicketCopy, TimelineEvent
    from mediator_plugin.core.calendar import paris_date
    from mediator_plugin.core.text import match_key
    from mediator_plugin.proposals.models import Proposal
    from mediator_plugin.reports.facts import refresh

    reached = sa.select(sa.func.max(TimelineEvent.at)).where(
        TimelineEvent.case_id == Case.id, TimelineEvent.kind.in_(('answer', 'agreement'))).scalar_subquery()
    bind.execute(sa.update(Case.__table__).where(
        sa.or_(Case.state.in_(OUTCOME_STATES), sa.and_(Case.state == 'CLOSED', Case.outcome.is_not(None))))
        .values(ended_at=sa.func.coalesce(reached, Case.closed_at)))
    bind.execute(sa.update(Case.__table__).where(Case.state.in_(ENDED_BY_CLOSURE)).values(ended_at=Case.closed_at))
    proposal_outcome = sa.select(Proposal.outcome).where(
        Proposal.case_id == Case.id, Proposal.superseded.is_(False), Proposal.signed_at.is_not(None)) \
        .limit(1).scalar_subquery()
    bind.execute(sa.update(Case.__table__).where(Case.state.in_(OUTCOME_STATES), Case.outcome.is_(None)).values(
        outcome=sa.case((Case.state == 'AGREEMENT', 'AMICABLE_AGREEMENT'),
                        (Case.resolution_mode == 'agreement', 'AMICABLE_AGREEMENT'), else_=proposal_outcome)))
    for case_id, dates in bind.execute(sa.select(TicketCopy.case_id, TicketCopy.complaint_dates)).all():
        if dates:
            bind.execute(sa.update(Case.__table__).where(Case.id == case_id)
                         .values(last_written_complaint_on=date.fromisoformat(max(dates))))
    bind.execute(sa.update(Case.__table__).where(Case.last_written_complaint_on.is_(None))
                 .values(last_written_complaint_on=Case.first_written_complaint_on))
    waiting = bind.execute(sa.select(Case.id, Case.received_at).where(
        Case.state.in_(('RECEIVED', 'INCOMPLETE')), Case.rejection_due.is_(None))).all()
    for case_id, received_at in waiting:  # the 21 days of L612-2 from the receipt (charter default)
        bind.execute(sa.update(Case.__table__).where(Case.id == case_id)
                     .values(rejection_due=paris_date(received_at) + timedelta(days=21)))
    names = bind.execute(sa.select(Party.id, Party.name)).all()
    for start in range(0, len(names), 1000):
        chunk = [{'party_id': party_id, 'key': match_key(name)} for party_id, name in names[start:start + 1000]]
        bind.execute(sa.update(Party.__table__).where(Party.id == sa.bindparam('party_id'))
                     .values(name_key=sa.bindparam('key')), chunk)
    refresh(bind)


def downgrade():
    schema = _schema()
    op.drop_index(DURATIONS_INDEX, table_name='cases', schema='mediation')
    op.create_index(DURATIONS_INDEX, 'cases', OLD_DURATIONS, unique=False, schema='mediation')
    op.drop_index('ix_mediation_parties_name_key', table_name='parties', schema='mediation')
    op.drop_index('ix_mediation_parties_customer_number', table_name='parties', schema='mediation')
    op.drop_column('party_answers', 'reason_category', schema=schema)
    op.drop_column('parties', 'name_key', schema=schema)
    op.drop_column('parties', 'customer_number', schema=schema)
    op.drop_column('cases', 'last_written_complaint_on', schema=schema)
    op.drop_column('cases', 'ended_at', schema=schema)
