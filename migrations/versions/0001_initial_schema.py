"""Initial schema: files, parties, ticket copies, documents, proposals, register, audit, outbox.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 00:04:26.343010
"""

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

AUDIT_GUARD = """
CREATE OR REPLACE FUNCTION mediation.audit_entries_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_entries is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON mediation.audit_entries
    FOR EACH ROW EXECUTE FUNCTION mediation.audit_entries_append_only();
"""


def upgrade():
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target', sa.String(length=120), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_entries_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_entries_prev_hash')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_audit_entries_case_id'), 'audit_entries', ['case_id'], unique=False, schema='mediation')
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('charter_version', sa.String(length=16), nullable=False),
    sa.Column('charter_sha256', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('subcategory', sa.String(length=64), nullable=True),
    sa.Column('department', sa.String(length=32), nullable=True),
    sa.Column('cross_border', sa.Boolean(), nullable=False),
    sa.Column('party_type', sa.String(length=20), nullable=False),
    sa.Column('first_written_complaint_on', sa.Date(), nullable=True),
    sa.Column('court_case_declared', sa.Boolean(), nullable=False),
    sa.Column('assigned_to', sa.String(length=200), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('complete_at', sa.DateTime(), nullable=True),
    sa.Column('admissibility_decided_at', sa.DateTime(), nullable=True),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.Column('rejection_due', sa.Date(), nullable=True),
    sa.Column('outcome_due', sa.Date(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('inadmissibility_ground', sa.String(length=48), nullable=True),
    sa.Column('inadmissibility_sub_reason', sa.String(length=48), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('resolution_mode', sa.String(length=16), nullable=True),
    sa.Column('agreement_text', sa.Text(), nullable=True),
    sa.Column('late_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_cases_category'), 'cases', ['category'], unique=False, schema='mediation')
    op.create_index(op.f('ix_mediation_cases_closed_at'), 'cases', ['closed_at'], unique=False, schema='mediation')
    op.create_index(op.f('ix_mediation_cases_department'), 'cases', ['department'], unique=False, schema='mediation')
    op.create_index(op.f('ix_mediation_cases_outcome_due'), 'cases', ['outcome_due'], unique=False, schema='mediation')
    op.create_index(op.f('ix_mediation_cases_received_at'), 'cases', ['received_at'], unique=False, schema='mediation')
    op.create_index(op.f('ix_mediation_cases_state'), 'cases', ['state'], unique=False, schema='mediation')
    op.create_table('recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('finding', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('category_codes', sa.JSON(), nullable=False),
    sa.Column('addressee', sa.String(length=32), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('company_response', sa.String(length=16), nullable=True),
    sa.Column('response_text', sa.Text(), nullable=False),
    sa.Column('action_plan', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('public_explanation', sa.Text(), nullable=False),
    sa.Column('last_review_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations')),
    sa.UniqueConstraint('reference', name=op.f('uq_recommendations_reference')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_recommendations_year'), 'recommendations', ['year'], unique=False, schema='mediation')
    op.create_table('reference_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_reference_counters')),
    schema='mediation'
    )
    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sub', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('sub', name=op.f('uq_staff_users_sub')),
    schema='mediation'
    )
    op.create_table('sync_checkpoints',
    sa.Column('vendor', sa.String(length=16), nullable=False),
    sa.Column('checkpoint', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('last_summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('vendor', name=op.f('pk_sync_checkpoints')),
    schema='mediation'
    )
    op.create_table('conflict_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('declared_by', sa.String(length=200), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('circumstances', sa.Text(), nullable=False),
    sa.Column('objection_until', sa.Date(), nullable=True),
    sa.Column('objected_by', sa.String(length=16), nullable=True),
    sa.Column('objected_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_conflict_declarations_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declarations')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_conflict_declarations_case_id'), 'conflict_declarations', ['case_id'], unique=False, schema='mediation')
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('letter_kind', sa.String(length=16), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.String(length=200), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('shared_with_company', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_documents_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_documents_case_id'), 'documents', ['case_id'], unique=False, schema='mediation')
    op.create_table('extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('reason_category', sa.String(length=40), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('previous_due', sa.Date(), nullable=False),
    sa.Column('new_due', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_extensions_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extensions')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_extensions_case_id'), 'extensions', ['case_id'], unique=False, schema='mediation')
    op.create_table('intake_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('requester_name', sa.String(length=200), nullable=False),
    sa.Column('requester_email', sa.String(length=254), nullable=False),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_intake_items_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_items')),
    sa.UniqueConstraint('source', 'external_id', name=op.f('uq_intake_items_source')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_intake_items_requester_email'), 'intake_items', ['requester_email'], unique=False, schema='mediation')
    op.create_index(op.f('ix_mediation_intake_items_state'), 'intake_items', ['state'], unique=False, schema='mediation')
    op.create_table('observation_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=32), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('sent_by', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('last_reminder_at', sa.DateTime(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by', sa.String(length=200), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_observation_requests_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation_requests')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_observation_requests_case_id'), 'observation_requests', ['case_id'], unique=False, schema='mediation')
    op.create_index(op.f('ix_mediation_observation_requests_department'), 'observation_requests', ['department'], unique=False, schema='mediation')
    op.create_index(op.f('ix_mediation_observation_requests_due_on'), 'observation_requests', ['due_on'], unique=False, schema='mediation')
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_outbox_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_dedupe_key')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_outbox_case_id'), 'outbox', ['case_id'], unique=False, schema='mediation')
    op.create_index(op.f('ix_mediation_outbox_status'), 'outbox', ['status'], unique=False, schema='mediation')
    op.create_table('parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('postal_address', sa.Text(), nullable=True),
    sa.Column('postcode', sa.String(length=12), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_parties_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties')),
    sa.UniqueConstraint('case_id', 'role', name=op.f('uq_parties_case_id')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_parties_case_id'), 'parties', ['case_id'], unique=False, schema='mediation')
    op.create_index(op.f('ix_mediation_parties_email'), 'parties', ['email'], unique=False, schema='mediation')
    op.create_table('recommendation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('status_from', sa.String(length=20), nullable=True),
    sa.Column('status_to', sa.String(length=20), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['mediation.recommendations.id'], name=op.f('fk_recommendation_events_recommendation_id_recommendations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_events')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_recommendation_events_recommendation_id'), 'recommendation_events', ['recommendation_id'], unique=False, schema='mediation')
    op.create_table('ticket_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('vendor', sa.String(length=16), nullable=False),
    sa.Column('ticket_id', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('requester_name', sa.String(length=200), nullable=False),
    sa.Column('requester_email', sa.String(length=254), nullable=False),
    sa.Column('ticket_created_at', sa.DateTime(), nullable=False),
    sa.Column('ticket_closed_at', sa.DateTime(), nullable=True),
    sa.Column('complaint_dates', sa.JSON(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('copied_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_ticket_copies_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_copies')),
    sa.UniqueConstraint('case_id', name=op.f('uq_ticket_copies_case_id')),
    sa.UniqueConstraint('vendor', 'ticket_id', name=op.f('uq_ticket_copies_vendor')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_ticket_copies_ticket_id'), 'ticket_copies', ['ticket_id'], unique=False, schema='mediation')
    op.create_table('timeline_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_timeline_events_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timeline_events')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_timeline_events_case_id'), 'timeline_events', ['case_id'], unique=False, schema='mediation')
    op.create_table('implementations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence_document_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_implementations_case_id_cases')),
    sa.ForeignKeyConstraint(['evidence_document_id'], ['mediation.documents.id'], name=op.f('fk_implementations_evidence_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_implementations')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_implementations_case_id'), 'implementations', ['case_id'], unique=False, schema='mediation')
    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('consumer_position', sa.Text(), nullable=False),
    sa.Column('company_position', sa.Text(), nullable=False),
    sa.Column('contract_and_law', sa.Text(), nullable=False),
    sa.Column('equity', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('acceptance_deadline', sa.Date(), nullable=True),
    sa.Column('mentions', sa.JSON(), nullable=True),
    sa.Column('drafted_by', sa.String(length=200), nullable=False),
    sa.Column('drafted_at', sa.DateTime(), nullable=False),
    sa.Column('signed_by', sa.String(length=200), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=True),
    sa.Column('letter_document_id', sa.Integer(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_proposals_case_id_cases')),
    sa.ForeignKeyConstraint(['letter_document_id'], ['mediation.documents.id'], name=op.f('fk_proposals_letter_document_id_documents')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['mediation.proposals.id'], name=op.f('fk_proposals_supersedes_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
    sa.UniqueConstraint('case_id', 'version', name=op.f('uq_proposals_case_id')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_proposals_case_id'), 'proposals', ['case_id'], unique=False, schema='mediation')
    op.create_table('representatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('mandate', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['mediation.parties.id'], name=op.f('fk_representatives_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_representatives')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_representatives_party_id'), 'representatives', ['party_id'], unique=False, schema='mediation')
    op.create_table('party_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.String(length=16), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['mediation.proposals.id'], name=op.f('fk_party_answers_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_answers')),
    sa.UniqueConstraint('proposal_id', 'party', name=op.f('uq_party_answers_proposal_id')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_party_answers_proposal_id'), 'party_answers', ['proposal_id'], unique=False, schema='mediation')

    if op.get_bind().dialect.name == "postgresql":
        # The audit log is append-only: refuse UPDATE and DELETE at the database itself.
        op.execute(AUDIT_GUARD)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_append_only ON mediation.audit_entries")
        op.execute("DROP FUNCTION IF EXISTS mediation.audit_entries_append_only()")
    op.drop_index(op.f('ix_mediation_party_answers_proposal_id'), table_name='party_answers', schema='mediation')
    op.drop_table('party_answers', schema='mediation')
    op.drop_index(op.f('ix_mediation_representatives_party_id'), table_name='representatives', schema='mediation')
    op.drop_table('representatives', schema='mediation')
    op.drop_index(op.f('ix_mediation_proposals_case_id'), table_name='proposals', schema='mediation')
    op.drop_table('proposals', schema='mediation')
    op.drop_index(op.f('ix_mediation_implementations_case_id'), table_name='implementations', schema='mediation')
    op.drop_table('implementations', schema='mediation')
    op.drop_index(op.f('ix_mediation_timeline_events_case_id'), table_name='timeline_events', schema='mediation')
    op.drop_table('timeline_events', schema='mediation')
    op.drop_index(op.f('ix_mediation_ticket_copies_ticket_id'), table_name='ticket_copies', schema='mediation')
    op.drop_table('ticket_copies', schema='mediation')
    op.drop_index(op.f('ix_mediation_recommendation_events_recommendation_id'), table_name='recommendation_events', schema='mediation')
    op.drop_table('recommendation_events', schema='mediation')
    op.drop_index(op.f('ix_mediation_parties_email'), table_name='parties', schema='mediation')
    op.drop_index(op.f('ix_mediation_parties_case_id'), table_name='parties', schema='mediation')
    op.drop_table('parties', schema='mediation')
    op.drop_index(op.f('ix_mediation_outbox_status'), table_name='outbox', schema='mediation')
    op.drop_index(op.f('ix_mediation_outbox_case_id'), table_name='outbox', schema='mediation')
    op.drop_table('outbox', schema='mediation')
    op.drop_index(op.f('ix_mediation_observation_requests_due_on'), table_name='observation_requests', schema='mediation')
    op.drop_index(op.f('ix_mediation_observation_requests_department'), table_name='observation_requests', schema='mediation')
    op.drop_index(op.f('ix_mediation_observation_requests_case_id'), table_name='observation_requests', schema='mediation')
    op.drop_table('observation_requests', schema='mediation')
    op.drop_index(op.f('ix_mediation_intake_items_state'), table_name='intake_items', schema='mediation')
    op.drop_index(op.f('ix_mediation_intake_items_requester_email'), table_name='intake_items', schema='mediation')
    op.drop_table('intake_items', schema='mediation')
    op.drop_index(op.f('ix_mediation_extensions_case_id'), table_name='extensions', schema='mediation')
    op.drop_table('extensions', schema='mediation')
    op.drop_index(op.f('ix_mediation_documents_case_id'), table_name='documents', schema='mediation')
    op.drop_table('documents', schema='mediation')
    op.drop_index(op.f('ix_mediation_conflict_declarations_case_id'), table_name='conflict_declarations', schema='mediation')
    op.drop_table('conflict_declarations', schema='mediation')
    op.drop_table('sync_checkpoints', schema='mediation')
    op.drop_table('staff_users', schema='mediation')
    op.drop_table('reference_counters', schema='mediation')
    op.drop_index(op.f('ix_mediation_recommendations_year'), table_name='recommendations', schema='mediation')
    op.drop_table('recommendations', schema='mediation')
    op.drop_index(op.f('ix_mediation_cases_state'), table_name='cases', schema='mediation')
    op.drop_index(op.f('ix_mediation_cases_received_at'), table_name='cases', schema='mediation')
    op.drop_index(op.f('ix_mediation_cases_outcome_due'), table_name='cases', schema='mediation')
    op.drop_index(op.f('ix_mediation_cases_department'), table_name='cases', schema='mediation')
    op.drop_index(op.f('ix_mediation_cases_closed_at'), table_name='cases', schema='mediation')
    op.drop_index(op.f('ix_mediation_cases_category'), table_name='cases', schema='mediation')
    op.drop_table('cases', schema='mediation')
    op.drop_index(op.f('ix_mediation_audit_entries_case_id'), table_name='audit_entries', schema='mediation')
    op.drop_table('audit_entries', schema='mediation')
