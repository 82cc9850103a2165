"""Replacing a party's document by a redacted copy (R-GDPR-2: minimise the data kept).

A consumer or a department often sends more than the file needs: a health certificate, a full bank
statement, another person's details. The team blacks out what is not needed, in their own tools, and
uploads the copy in place of the original. The copy is checked like any upload; the file keeps one
document (its row, its shares and its history stay), and the original's content is deleted from the
storage once the change is committed and nothing else points at it. The history and the audit log keep
the two hashes, never the content. A copy already mailed to a party before stays as it was sent.
"""

from __future__ import annotations

import hashlib

from flask_babel import gettext as _

from mediator_plugin.cases import documents, timeline
from mediator_plugin.cases.models import Case, Document
from mediator_plugin.cases.workflow import check
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import MissingField
from mediator_plugin.core.permissions import Identity

# What the parties sent; the mediator's own letters are never rewritten.
REDACTABLE_KINDS = ("upload", "observations", "evidence")


def replace_with_redacted(case: Case, actor: Identity, *, document_id: int, filename: str,
                          content: bytes) -> Document:
    """Put the redacted copy ``content`` in place of document ``document_id``; the original blob goes after
    commit unless another document (or a waiting online filing) holds the same content."""
    check("redact_document", case.state, actor)
    document = db.session.get(Document, document_id)
    if document is None or document.case_id != case.id:
        raise MissingField(_("Unknown document."), field="document_id")
    if document.kind not in REDACTABLE_KINDS:
        raise MissingField(_("A letter of the mediator cannot be replaced: only the documents the parties sent "
                             "can."), field="document_id")
    name, media_type, stored = documents.check_upload(filename, content)
    # The copy as sent or as stored (an image is re-encoded): either equal to the document is no redaction.
    if document.sha256 in {hashlib.sha256(content).hexdigest(), hashlib.sha256(stored).hexdigest()}:
        raise MissingField(_("This copy is identical to the document: black out what is not needed first."),
                           field="file")
    previous = document.sha256
    document.sha256 = documents.write_blob(stored)
    document.filename, document.content_type, document.size = name, media_type, len(stored)
    document.redacted_by, document.redacted_at = actor.name, utcnow()
    timeline.log(case, actor, "document_redacted", document_id=document.id, filename=name,
                 previous_sha256=previous, sha256=document.sha256, size=len(stored))
    documents.discard_after_commit(previous)
    return document
