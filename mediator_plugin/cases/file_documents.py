"""A file's documents with what became of them, its share log and its expert requests, read as plain rows.

The file page reads them when its row says the file has any (``cases/file_view.py``); the proposal editor
reads them to show what the parties could see before the mediator decides (R-CHARTER-2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from mediator_plugin.cases.models import Document, DocumentShare, ExpertRequest
from mediator_plugin.core.db import db
from mediator_plugin.core.outbox import OutboxMessage

_document, _share = Document.__table__.alias("d"), DocumentShare.__table__.alias("s")
_mail, _expert = OutboxMessage.__table__.alias("m"), ExpertRequest.__table__.alias("x")
_case_id = sa.bindparam("case_id")

_DOCUMENTS = (sa.select(*(_document.c[name] for name in (
    "id", "filename", "kind", "content_type", "size", "uploaded_at", "uploaded_by", "department", "withheld_reason",
    "withheld_by", "withheld_at", "redacted_at", "redacted_by"))).where(_document.c.case_id == _case_id)
    .order_by(_document.c.id))
_SHARES = (sa.select(_share.c.document_id, _document.c.filename, _share.c.recipient, _share.c.department,
                     _share.c.requested_by, _share.c.note, _share.c.shared_at, _share.c.shared_by,
                     _mail.c.status.label("mail_status"), _mail.c.delivered_at.label("mail_delivered_at"))
           .select_from(_share.join(_document, _document.c.id == _share.c.document_id)
                        .outerjoin(_mail, _mail.c.id == _share.c.outbox_id))
           .where(_share.c.case_id == _case_id).order_by(_share.c.shared_at.desc(), _share.c.id.desc()))
_EXPERTS = sa.select(_expert).where(_expert.c.case_id == _case_id).order_by(_expert.c.id)


@dataclass
class FileDocuments:
    """The documents of a file, the share log (newest first) and the expert requests."""

    documents: list[sa.Row] = field(default_factory=list)
    shares: list[sa.Row] = field(default_factory=list)
    experts: list[sa.Row] = field(default_factory=list)

    def shared_on(self, document_id: int) -> list[sa.Row]:
        """The shares of one document, oldest first."""
        return [share for share in reversed(self.shares) if share.document_id == document_id]

    @property
    def undisclosed(self) -> list[sa.Row]:
        """The parties' documents neither shared nor marked as not shared with a reason (R-CHARTER-2)."""
        shared = {share.document_id for share in self.shares}
        return [d for d in self.documents if d.kind != "letter" and d.id not in shared and not d.withheld_reason]

    @property
    def pending_experts(self) -> list[sa.Row]:
        """Expert opinions asked for and not received yet."""
        return [expert for expert in self.experts if expert.received_on is None]


def read_documents(case_id: int, *, documents: bool = True, experts: bool = True) -> FileDocuments:
    """What the file ``case_id`` holds; ``documents`` or ``experts`` False skips a list the caller knows empty."""
    connection = db.session.connection()
    found = FileDocuments()
    if documents:
        found.documents = connection.execute(_DOCUMENTS, {"case_id": case_id}).all()
        found.shares = connection.execute(_SHARES, {"case_id": case_id}).all()
    if experts:
        found.experts = connection.execute(_EXPERTS, {"case_id": case_id}).all()
    return found
