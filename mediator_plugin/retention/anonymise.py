"""Removing the personal data of one file or intake request, keeping what the figures need (R-GDPR-3, -5).

A file keeps its rows, dates and codes — reference, state, dates of the procedure, category, department,
channel, outcome, requests for observations (department, dates, reminders), extensions (reason, dates),
proposals (outcome, dates), answers (accepted or not) and implementation status — so that the annual
report of any past year gives the same figures. Everything said or written by or about a person goes:
names, e-mails, phones, addresses, representatives, the ticket copy and its conversation, the texts of
notes, requests, answers, proposals and agreements, letters and attachments (rows here, blobs on disk
after commit). Updates are plain SQL: a signed proposal is frozen against edits in the console, not
against its anonymisation. Audit entries are never touched (see README, "Retention and exports").
"""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.documents import storage_path
from mediator_plugin.cases.models import (
    Case,
    ConflictDeclaration,
    Document,
    Extension,
    ObservationRequest,
    Party,
    Representative,
    TicketCopy,
    TimelineEvent,
)
from mediator_plugin.core.db import db
from mediator_plugin.core.outbox import OutboxMessage, OutboxStatus
from mediator_plugin.examples.models import CaseExample
from mediator_plugin.intake.models import IntakeItem, OnlineFiling
from mediator_plugin.proposals.models import SECTIONS, Implementation, PartyAnswer, Proposal
from mediator_plugin.retention.rules import ATTACHMENT_KINDS, PURGED_INTAKE_STATE

# What stands where a name or a subject was (columns that may not be empty).
ANONYMISED = "[anonymisé]"


def _run(statement) -> int:
    return db.session.execute(statement).rowcount or 0


def _delete_documents(case_id: int, kinds: tuple[str, ...] | None = None) -> tuple[int, set[str]]:
    """Delete the file's documents (of ``kinds``, or all); returns how many and their blobs' hashes."""
    where = [Document.case_id == case_id] + ([Document.kind.in_(kinds)] if kinds else [])
    rows = db.session.execute(sa.select(Document.id, Document.sha256).where(*where)).all()
    ids = [row.id for row in rows]
    if not ids:
        return 0, set()
    _run(sa.update(Proposal).where(Proposal.letter_document_id.in_(ids)).values(letter_document_id=None))
    _run(sa.update(Implementation).where(Implementation.evidence_document_id.in_(ids))
         .values(evidence_document_id=None))
    _run(sa.delete(Document).where(Document.id.in_(ids)))
    return len(ids), {row.sha256 for row in rows}


def anonymise_case(case_id: int) -> tuple[dict, set[str]]:
    """Anonymise the file in the current transaction; returns the counts and the hashes of blobs to delete."""
    parties = sa.select(Party.id).where(Party.case_id == case_id)
    proposals = sa.select(Proposal.id).where(Proposal.case_id == case_id)
    intake = sa.select(IntakeItem.id).where(IntakeItem.case_id == case_id)
    documents, blobs = _delete_documents(case_id)
    counts = {
        "documents": documents,
        "representatives": _run(sa.delete(Representative).where(Representative.party_id.in_(parties))),
        "parties": _run(sa.update(Party).where(Party.case_id == case_id).values(
            name=ANONYMISED, email=None, phone=None, postal_address=None, postcode=None)),
        "ticket_copies": _run(sa.delete(TicketCopy).where(TicketCopy.case_id == case_id)),
        "timeline_events": _run(sa.update(TimelineEvent).where(TimelineEvent.case_id == case_id).values(data={})),
        "observation_requests": _run(sa.update(ObservationRequest).where(ObservationRequest.case_id == case_id)
                                     .values(question="", answer=None)),
        "declarations": _run(sa.update(ConflictDeclaration).where(ConflictDeclaration.case_id == case_id)
                             .values(circumstances="")),
        "extensions": _run(sa.update(Extension).where(Extension.case_id == case_id).values(justification="")),
        "proposals": _run(sa.update(Proposal).where(Proposal.case_id == case_id).values(
            **dict.fromkeys(SECTIONS, ""), mentions=None, correction_reason=None)),
        "answers": _run(sa.update(PartyAnswer).where(PartyAnswer.proposal_id.in_(proposals)).values(reason=None)),
        "implementations": _run(sa.update(Implementation).where(Implementation.case_id == case_id).values(note="")),
        "intake_items": _run(sa.update(IntakeItem).where(IntakeItem.case_id == case_id).values(
            requester_name="", requester_email="", subject="", snapshot={})),
        "outbox": _blank_outbox(OutboxMessage.case_id == case_id),
    }
    _run(sa.update(OnlineFiling).where(OnlineFiling.intake_item_id.in_(intake)).values(linked_ticket_id=None))
    # The anonymous example stays in the report; its link to the file is of no use once the file is anonymous.
    _run(sa.update(CaseExample).where(CaseExample.source_case_id == case_id).values(source_case_id=None))
    _run(sa.update(Case).where(Case.id == case_id).values(
        subject=ANONYMISED, agreement_text=None, late_reason=None, version=Case.version + 1))
    return {key: value for key, value in counts.items() if value}, blobs


def _blank_outbox(where) -> int:
    """Mails carry addresses and texts: sent or failed ones lose their payload, waiting ones are given up."""
    blanked = _run(sa.update(OutboxMessage).where(where, OutboxMessage.status != OutboxStatus.PENDING)
                   .values(payload={}))
    given_up = _run(sa.update(OutboxMessage).where(where, OutboxMessage.status == OutboxStatus.PENDING)
                    .values(payload={}, status=OutboxStatus.FAILED, last_error="retention purge"))
    return blanked + given_up


def delete_attachments(case_id: int) -> tuple[dict, set[str]]:
    """Delete what the parties sent to an ended file (R-GDPR-3 ``attachments``), before the file itself goes."""
    documents, blobs = _delete_documents(case_id, ATTACHMENT_KINDS)
    # The history line of each upload names the file it was: the name goes with it.
    _run(sa.update(TimelineEvent).where(TimelineEvent.case_id == case_id, TimelineEvent.kind == "document_added")
         .values(data={}))
    return {"documents": documents}, blobs


def anonymise_intake(item_id: int) -> tuple[dict, set[str]]:
    """Anonymise a request never taken up; an online filing also loses its tracking (``/suivi`` answers 404)."""
    item = db.session.get(IntakeItem, item_id)
    blobs = {a["sha256"] for a in (item.snapshot or {}).get("attachments", []) if a.get("sha256")}
    filings = _run(sa.delete(OnlineFiling).where(OnlineFiling.intake_item_id == item_id))
    _run(sa.update(IntakeItem).where(IntakeItem.id == item_id).values(
        requester_name="", requester_email="", subject="", snapshot={}, state=PURGED_INTAKE_STATE))
    counts = {"attachments": len(blobs), "tracking": filings}
    return {key: value for key, value in counts.items() if value}, blobs


def delete_unreferenced_blobs(hashes: set[str]) -> int:
    """After commit: remove each blob no document and no waiting online filing still refers to.

    Blobs are stored once per content, so two files may share one; a blob is removed only when nothing
    that remains points at it.
    """
    removed = 0
    waiting = sa.cast(IntakeItem.snapshot, sa.Text)
    for digest in sorted(hashes):
        used = db.session.execute(sa.select(
            sa.exists().where(Document.sha256 == digest)
            | sa.exists().where(IntakeItem.case_id.is_(None), IntakeItem.state == "pending",
                                waiting.contains(digest)))).scalar()
        path = storage_path(digest)
        if not used and path.exists():
            path.unlink()
            removed += 1
    return removed
