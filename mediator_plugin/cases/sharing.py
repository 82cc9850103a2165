"""Giving documents of the file to a party, and keeping one from them with a reason (R-PROC-3, R-CHARTER-2).

R612-3: the mediator gives either party, on request, all or part of the file. Each document given is a row
of the share log (:class:`DocumentShare`: what, to whom, when, by whom, at whose request), a line of the
file's history and an audit entry. The consumer receives the documents attached to a mail, through the
outbox: only a consumer with an e-mail address, since the postal route is not built and nothing is logged as
shared that did not leave. A department's correspondents find them in their space, announced by a mail to
the department's mailbox; a correspondent sees only what was shared with their department and what their
department sent (R-CONF-1). A document the team keeps from the other party carries the reason, shown on
the file page (R-CHARTER-2): nothing is decided on undisclosed input without one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases import timeline
from mediator_plugin.cases.models import Case, Document, DocumentShare
from mediator_plugin.cases.workflow import check
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import InvalidTransition, MissingField
from mediator_plugin.core.outbox import OutboxKind, OutboxMessage, enqueue
from mediator_plugin.core.permissions import Identity
from mediator_plugin.core.urls import external_url

RECIPIENTS = ("consumer", "company")
REQUESTERS = ("consumer", "company", "mediator")  # "mediator": on the team's own initiative
NOTE_MAX_CHARS = 2000


def share_documents(case: Case, actor: Identity, *, document_ids: Sequence[int], recipient: str,
                    requested_by: str, department: str | None = None, note: str = "") -> list[DocumentShare]:
    """Give the documents ``document_ids`` of the file to the consumer (by mail) or to a department of the
    company (its correspondents' space; by default the file's department), and log it. A document marked
    "not shared" loses that mark: it now is."""
    check("share_documents", case.state, actor)
    chosen = _documents_of(case, document_ids)
    if requested_by not in REQUESTERS:
        raise MissingField(_("Say who asked for the documents."), field="requested_by")
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise MissingField(_("A note holds at most %(num)s characters.", num=NOTE_MAX_CHARS), field="note")
    if recipient == "consumer":
        department, email = None, _consumer_email(case)
    elif recipient == "company":
        department, email = department or case.department, None
        if department not in state().settings["departments"]:
            raise MissingField(_("Choose the department that receives the documents."), field="recipient")
    else:
        raise MissingField(_("Choose who receives the documents."), field="recipient")
    now = utcnow()
    shares = [DocumentShare(case_id=case.id, document_id=document.id, recipient=recipient, department=department,
                            requested_by=requested_by, note=note, shared_at=now, shared_by=actor.name)
              for document in chosen]
    db.session.add_all(shares)
    db.session.flush()
    with force_locale("fr"):  # parties and departments are written to in French
        message = (_mail_to_consumer(case, email, chosen, key=shares[0].id) if email
                   else _notice_to_department(case, department, chosen, key=shares[0].id))
    db.session.flush()
    lifted = [document.id for document in chosen if document.withheld_reason]
    for share in shares:
        share.outbox_id = message.id
    for document in chosen:
        document.withheld_reason = document.withheld_by = document.withheld_at = None
    timeline.log(case, actor, "documents_shared", recipient=recipient, department=department,
                 requested_by=requested_by, document_ids=[d.id for d in chosen],
                 filenames=[d.filename for d in chosen], lifted_withholding=lifted or None, note=note or None)
    return shares


def mark_not_shared(case: Case, actor: Identity, *, document_id: int, reason: str) -> Document:
    """Record that a document stays with the mediator, and why (R-CHARTER-2)."""
    check("withhold_document", case.state, actor)
    (document,) = _documents_of(case, [document_id])
    reason = reason.strip()
    if not reason:
        raise MissingField(_("Say why this document is not shared: nothing may be decided on a document a party "
                             "could not see without a reason."), field="why")
    if len(reason) > NOTE_MAX_CHARS:
        raise MissingField(_("A note holds at most %(num)s characters.", num=NOTE_MAX_CHARS), field="why")
    if db.session.execute(sa.select(sa.exists().where(DocumentShare.document_id == document.id))).scalar():
        raise InvalidTransition(_("This document has already been shared (see the share log): it cannot be marked "
                                  "as not shared."))
    document.withheld_reason, document.withheld_by, document.withheld_at = reason, actor.name, utcnow()
    timeline.log(case, actor, "document_withheld", document_id=document.id, filename=document.filename, why=reason)
    return document


def _documents_of(case: Case, document_ids: Sequence[int]) -> list[Document]:
    """The file's documents ``document_ids``, in the order they were stored; any other id is refused."""
    wanted = set(document_ids)
    if not wanted:
        raise MissingField(_("Choose at least one document."), field="document_ids")
    found = db.session.execute(sa.select(Document).where(Document.case_id == case.id, Document.id.in_(wanted))
                               .order_by(Document.id)).scalars().all()
    if len(found) != len(wanted):
        raise MissingField(_("Unknown document."), field="document_ids")
    return list(found)


def _consumer_email(case: Case) -> str:
    consumer = case.party("consumer")
    if consumer is None or not consumer.email:
        raise MissingField(_("The consumer has no e-mail address, and sending documents by post is not built yet: "
                             "nothing was shared. Add the consumer's e-mail address, or post a copy yourself and "
                             "write a note on the file."), field="recipient")
    return consumer.email


def _mail_to_consumer(case: Case, email: str, chosen: list[Document], *, key: int) -> OutboxMessage:
    mediator = state().charter.mediator
    body = "\n\n".join([
        _("Dear Sir or Madam,"),
        _("The mediator sends you the following documents of the mediation file %(reference)s, attached to this "
          "message: %(names)s.", reference=case.reference, names=", ".join(d.filename for d in chosen)),
        _("They are given to you for the mediation only: the mediation is confidential (Consumer Code, "
          "article L612-3)."),
        f"{mediator['mediator_name']}\n{mediator['mediator_title']}",
    ])
    return enqueue(OutboxKind.MAIL, f"share:{key}", {
        "to": [email], "subject": _("Mediation %(reference)s: documents of the file", reference=case.reference),
        "body": body, "attachments": [d.id for d in chosen],
    }, case_id=case.id)


def _notice_to_department(case: Case, department: str, chosen: list[Document], *, key: int) -> OutboxMessage:
    url = external_url("mediator.correspondent.requests")
    return enqueue(OutboxKind.MAIL, f"share:{key}", {
        "to_department": department,
        "subject": _("Mediation %(reference)s: documents shared with your department", reference=case.reference),
        "body": _("The mediator has shared documents of file %(reference)s with your department: %(names)s. "
                  "Read them in your correspondent space: %(url)s", reference=case.reference,
                  names=", ".join(d.filename for d in chosen), url=url),
        "attachments": [],
    }, case_id=case.id)


# --- What a correspondent sees (R-CONF-1) ------------------------------------------------------------------

def visible_to(departments: Collection[str]) -> sa.ColumnElement[bool]:
    """A document a correspondent of ``departments`` may read: shared with one of them, or sent by one."""
    departments = list(departments)
    return sa.or_(Document.department.in_(departments),
                  sa.exists().where(DocumentShare.document_id == Document.id, DocumentShare.recipient == "company",
                                    DocumentShare.department.in_(departments)))


def correspondent_documents(case_id: int, departments: Collection[str]) -> list[Document]:
    """The documents of file ``case_id`` a correspondent of ``departments`` may read."""
    return list(db.session.execute(sa.select(Document).where(Document.case_id == case_id, visible_to(departments))
                                   .order_by(Document.id)).scalars())


def shared_with(departments: Collection[str]) -> list[sa.Row]:
    """Every document shared with ``departments``: (reference, document id, filename, department, shared_at),
    newest first."""
    return db.session.execute(
        sa.select(Case.reference, Document.id, Document.filename, DocumentShare.department, DocumentShare.shared_at)
        .join(Document, Document.id == DocumentShare.document_id).join(Case, Case.id == DocumentShare.case_id)
        .where(DocumentShare.recipient == "company", DocumentShare.department.in_(list(departments)))
        .order_by(DocumentShare.shared_at.desc(), DocumentShare.id.desc())).all()
