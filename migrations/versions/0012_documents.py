"""Sharing, redaction and expert opinions on the file (R-PROC-3, R-CHARTER-2, R-GDPR-2, R-PROC-2; issue 13).

- ``document_shares``: the log of every document given to a party — to the consumer by mail, to a department's
  correspondents in their space —, when, by whom and at whose request (R-PROC-3).
- ``documents.department``: the department that sent a document (a correspondent sees its own uploads);
  ``withheld_*``: the reason a document is not shared (R-CHARTER-2); ``redacted_*``: who replaced it by a
  redacted copy, and when (R-GDPR-2); an index on ``sha256``, read before a replaced blob is deleted.
- ``expert_requests``: expert opinions asked for, with who bears the cost (R-PROC-2, R612-1).
- ``documents.shared_with_company`` goes: a correspondent now sees what was shared with their department.

Backfill: a department's answer documents belong to the department whose request was answered last before they
arrived, implementation evidence to the file's department. What a correspondent could see before stays visible:
each document that was marked shared gets a share, dated when it was stored (or when the department's first
request left, if later), to every department with a request on its file, its own department aside.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-09 10:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None

MIGRATED_NOTE = ("Repris à la migration 0012 : document marqué « partagé avec la société » avant la tenue "
                 "du journal des partages.")


def _schema():
    return 'mediation' if op.get_bind().dialect.name == 'postgresql' else None


def upgrade():
    schema = _schema()
    for column in (sa.Column('department', sa.String(32), nullable=True),
                   sa.Column('withheld_reason', sa.Text(), nullable=True),
                   sa.Column('withheld_by', sa.String(200), nullable=True),
                   sa.Column('withheld_at', sa.DateTime(), nullable=True),
                   sa.Column('redacted_by', sa.String(200), nullable=True),
                   sa.Column('redacted_at', sa.DateTime(), nullable=True)):
        op.add_column('documents', column, schema=schema)
    op.create_index(op.f('ix_mediation_documents_sha256'), 'documents', ['sha256'], unique=False,
                    schema='mediation')
    op.create_table('document_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=16), nullable=False),
    sa.Column('department', sa.String(length=32), nullable=True),
    sa.Column('requested_by', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('shared_at', sa.DateTime(), nullable=False),
    sa.Column('shared_by', sa.String(length=200), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_document_shares_case_id_cases')),
    sa.ForeignKeyConstraint(['document_id'], ['mediation.documents.id'],
                            name=op.f('fk_document_shares_document_id_documents')),
    sa.ForeignKeyConstraint(['outbox_id'], ['mediation.outbox.id'], name=op.f('fk_document_shares_outbox_id_outbox')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_shares')),
    schema='mediation'
    )
    for column in ('case_id', 'document_id', 'department'):
        op.create_index(op.f(f'ix_mediation_document_shares_{column}'), 'document_shares', [column], unique=False,
                        schema='mediation')
    op.create_table('expert_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.String(length=16), nullable=False),
    sa.Column('expert', sa.String(length=300), nullable=False),
    sa.Column('cost_bearer', sa.String(length=20), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('expected_on', sa.Date(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation.cases.id'], name=op.f('fk_expert_requests_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_requests')),
    schema='mediation'
    )
    op.create_index(op.f('ix_mediation_expert_requests_case_id'), 'expert_requests', ['case_id'], unique=False,
                    schema='mediation')
    _backfill(op.get_bind(), schema)
    op.drop_column('documents', 'shared_with_company', schema=schema)


def _tables(schema):
    """The columns the backfill reads and writes, as they are at this revision."""
    documents = sa.table('documents', sa.column('id', sa.Integer), sa.column('case_id', sa.Integer),
                         sa.column('kind', sa.String), sa.column('department', sa.String),
                         sa.column('uploaded_at', sa.DateTime), sa.column('uploaded_by', sa.String),
                         sa.column('shared_with_company', sa.Boolean), schema=schema)
    cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('department', sa.String), schema=schema)
    requests = sa.table('observation_requests', sa.column('case_id', sa.Integer), sa.column('department', sa.String),
                        sa.column('sent_at', sa.DateTime), sa.column('answered_at', sa.DateTime), schema=schema)
    shares = sa.table('document_shares', *(sa.column(name) for name in (
        'case_id', 'document_id', 'recipient', 'department', 'requested_by', 'note', 'shared_at', 'shared_by')),
        schema=schema)
    return documents, cases, requests, shares


def _backfill(bind, schema):
    documents, cases, requests, shares = _tables(schema)
    answered_last = (sa.select(requests.c.department)
                     .where(requests.c.case_id == documents.c.case_id, requests.c.answered_at.is_not(None),
                            requests.c.answered_at <= documents.c.uploaded_at)
                     .order_by(requests.c.answered_at.desc()).limit(1).scalar_subquery())
    bind.execute(sa.update(documents).where(documents.c.kind == 'observations').values(department=answered_last))
    file_department = sa.select(cases.c.department).where(cases.c.id == documents.c.case_id).scalar_subquery()
    bind.execute(sa.update(documents).where(documents.c.kind == 'evidence').values(department=file_department))
    first_request = (sa.select(requests.c.case_id, requests.c.department,
                               sa.func.min(requests.c.sent_at).label('sent_at'))
                     .group_by(requests.c.case_id, requests.c.department).subquery())
    shared_at = sa.case((first_request.c.sent_at > documents.c.uploaded_at, first_request.c.sent_at),
                        else_=documents.c.uploaded_at)
    visible = (sa.select(documents.c.case_id, documents.c.id, sa.literal('company'), first_request.c.department,
                         sa.literal('mediator'), sa.literal(MIGRATED_NOTE), shared_at, documents.c.uploaded_by)
               .join(first_request, first_request.c.case_id == documents.c.case_id)
               .where(documents.c.shared_with_company.is_(True),
                      sa.or_(documents.c.department.is_(None), documents.c.department != first_request.c.department)))
    bind.execute(shares.insert().from_select(
        ['case_id', 'document_id', 'recipient', 'department', 'requested_by', 'note', 'shared_at', 'shared_by'],
        visible))


def downgrade():
    schema = _schema()
    op.add_column('documents', sa.Column('shared_with_company', sa.Boolean(), nullable=False,
                                         server_default=sa.false()), schema=schema)
    bind = op.get_bind()
    documents, _cases, _requests, shares = _tables(schema)
    bind.execute(sa.update(documents).where(sa.or_(
        documents.c.department.is_not(None),
        sa.exists().where(shares.c.document_id == documents.c.id, shares.c.recipient == 'company')))
        .values(shared_with_company=True))
    op.drop_index(op.f('ix_mediation_expert_requests_case_id'), table_name='expert_requests', schema='mediation')
    op.drop_table('expert_requests', schema='mediation')
    for column in ('department', 'document_id', 'case_id'):
        op.drop_index(op.f(f'ix_mediation_document_shares_{column}'), table_name='document_shares',
                      schema='mediation')
    op.drop_table('document_shares', schema='mediation')
    op.drop_index(op.f('ix_mediation_documents_sha256'), table_name='documents', schema='mediation')
    for column in ('redacted_at', 'redacted_by', 'withheld_at', 'withheld_by', 'withheld_reason', 'department'):
        op.drop_column('documents', column, schema=schema)
