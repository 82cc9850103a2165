"""Removing the personal data of one file or intake request, keeping what the figures need (R-GDPR-3, -5).

A file keeps its rows, dates and codes — reference, state, dates of the procedure, category, department,
channel, outcome, requests for observations (department, dates, reminders), extensions (reason, dates),
expert requests (who asked, who pays, dates), proposals (outcome, dates), answers (accepted or not) and
implementation status — so that the annual report of any past year gives the same figures. Everything said
or written by or about a person goes: names, e-mails, phones, addresses, representatives, the ticket copy
and its conversation, the texts of notes, requests, answers, proposals and agreements, the experts' names,
letters and attachments with their share log (rows here, blobs on disk after commit). Updates are plain
SQL: a signed proposal is frozen against edits in the console, not against its anonymisation. Audit
entries are never touched (see README, "Retention and exports").
"""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.documents import blob_in_use, storage_path
from mediator_plugin.cases.models import (
    Case,
    ConflictDeclaration,
    Document,
    DocumentShare,
    ExpertRequest,
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
# History lines that name a document.
DOCUMENT_EVENTS = ("document_added", "documents_shared", "document_withheld", "document_redacted")


def _run(statement) -> int:
    return db.session.execute(statement).rowcount or 0


def _per_file(column, ids: list[int], *joins) -> dict[int, int]:
    """How many rows of ``column``'s table each file of ``ids`` has (for the purge log)."""
    query = sa.select(Case.id, sa.func.count(column)).select_from(Case)
    for target, on in joins:
        query = query.join(target, on)
    rows = db.session.execute(query.where(Case.id.in_(ids)).group_by(Case.id)).all()
    return dict(rows)


def _delete_documents(ids: list[int], kinds: tuple[str, ...] | None = None) -> tuple[dict[int, int], set[str]]:
    """Delete the files' documents (of ``kinds``, or all); returns how many per file and the blobs' hashes."""
    where = [Document.case_id.in_(ids)] + ([Document.kind.in_(kinds)] if kinds else [])
    rows = db.session.execute(sa.select(Document.id, Document.case_id, Document.sha256).where(*where)).all()
    documents = [row.id for row in rows]
    per_file: dict[int, int] = {}
    for row in rows:
        per_file[row.case_id] = per_file.get(row.case_id, 0) + 1
    if documents:
        _run(sa.delete(DocumentShare).where(DocumentShare.document_id.in_(documents)))
        _run(sa.update(Proposal).where(Proposal.letter_document_id.in_(documents)).values(letter_document_id=None))
        _run(sa.update(Implementation).where(Implementation.evidence_document_id.in_(documents))
             .values(evidence_document_id=None))
        _run(sa.delete(Document).where(Document.id.in_(documents)))
    return per_file, {row.sha256 for row in rows}


def anonymise_cases(ids: list[int]) -> tuple[dict[int, dict], set[str]]:
    """Anonymise the files ``ids`` in the current transaction, a fixed number of statements for the batch;
    returns what each file lost (counts) and the hashes of blobs to delete after commit."""
    parties = sa.select(Party.id).where(Party.case_id.in_(ids))
    proposals = sa.select(Proposal.id).where(Proposal.case_id.in_(ids))
    intake = sa.select(IntakeItem.id).where(IntakeItem.case_id.in_(ids))
    counted = {
        "representatives": _per_file(Representative.id, ids, (Party, Party.case_id == Case.id),
                                     (Representative, Representative.party_id == Party.id)),
        "history_lines": _per_file(TimelineEvent.id, ids, (TimelineEvent, TimelineEvent.case_id == Case.id)),
        "proposals": _per_file(Proposal.id, ids, (Proposal, Proposal.case_id == Case.id)),
        "ticket_copies": _per_file(TicketCopy.id, ids, (TicketCopy, TicketCopy.case_id == Case.id)),
    }
    counted["documents"], blobs = _delete_documents(ids)
    _run(sa.delete(Representative).where(Representative.party_id.in_(parties)))
    _run(sa.update(Party).where(Party.case_id.in_(ids)).values(
        name=ANONYMISED, email=None, phone=None, postal_address=None, postcode=None, customer_number=None,
        name_key=None))
    _run(sa.delete(TicketCopy).where(TicketCopy.case_id.in_(ids)))
    _run(sa.update(TimelineEvent).where(TimelineEvent.case_id.in_(ids)).values(data={}))
    _run(sa.update(ObservationRequest).where(ObservationRequest.case_id.in_(ids)).values(question="", answer=None))
    _run(sa.update(ConflictDeclaration).where(ConflictDeclaration.case_id.in_(ids)).values(circumstances=""))
    _run(sa.update(Extension).where(Extension.case_id.in_(ids)).values(justification=""))
    _run(sa.update(ExpertRequest).where(ExpertRequest.case_id.in_(ids)).values(expert=ANONYMISED, note=""))
    _run(sa.update(Proposal).where(Proposal.case_id.in_(ids)).values(
        **dict.fromkeys(SECTIONS, ""), mentions=None, correction_reason=None))
    _run(sa.update(PartyAnswer).where(PartyAnswer.proposal_id.in_(proposals)).values(reason=None))
    _run(sa.update(Implementation).where(Implementation.case_id.in_(ids)).values(note=""))
    _run(sa.update(OnlineFiling).where(OnlineFiling.intake_item_id.in_(intake)).values(linked_ticket_id=None))
    _run(sa.update(IntakeItem).where(IntakeItem.case_id.in_(ids)).values(
        requester_name="", requester_email="", subject="", snapshot={}))
    _blank_outbox(OutboxMessage.case_id.in_(ids))
    # The anonymous example stays in the report; its link to the file is of no use once the file is anonymous.
    _run(sa.update(CaseExample).where(CaseExample.source_case_id.in_(ids)).values(source_case_id=None))
    _run(sa.update(Case).where(Case.id.in_(ids)).values(
        subject=ANONYMISED, agreement_text=None, late_reason=None, version=Case.version + 1))
    return {case_id: {key: per[case_id] for key, per in counted.items() if per.get(case_id)}
            for case_id in ids}, blobs


def _blank_outbox(where) -> int:
    """Mails carry addresses and texts: sent or failed ones lose their payload, waiting ones are given up."""
    blanked = _run(sa.update(OutboxMessage).where(where, OutboxMessage.status != OutboxStatus.PENDING)
                   .values(payload={}))
    given_up = _run(sa.update(OutboxMessage).where(where, OutboxMessage.status == OutboxStatus.PENDING)
                    .values(payload={}, status=OutboxStatus.FAILED, last_error="retention purge"))
    return blanked + given_up


def delete_attachments(ids: list[int]) -> tuple[dict[int, dict], set[str]]:
    """Delete what the parties sent to ended files (R-GDPR-3 ``attachments``), before the files themselves go."""
    per_file, blobs = _delete_documents(ids, ATTACHMENT_KINDS)
    # The history lines about documents name them (and say why one was not shared): the names go with them.
    _run(sa.update(TimelineEvent).where(TimelineEvent.case_id.in_(ids), TimelineEvent.kind.in_(DOCUMENT_EVENTS))
         .values(data={}))
    return {case_id: {"documents": per_file.get(case_id, 0)} for case_id in ids}, blobs


def anonymise_intake(ids: list[int]) -> tuple[dict[int, dict], set[str]]:
    """Anonymise requests never taken up; an online filing also loses its tracking (``/suivi`` answers 404)."""
    counts: dict[int, dict] = {}
    blobs: set[str] = set()
    tracked = set(db.session.execute(sa.select(OnlineFiling.intake_item_id)
                                     .where(OnlineFiling.intake_item_id.in_(ids))).scalars())
    for item_id, snapshot in db.session.execute(sa.select(IntakeItem.id, IntakeItem.snapshot)
                                                .where(IntakeItem.id.in_(ids))).all():
        attached = {a["sha256"] for a in (snapshot or {}).get("attachments", []) if a.get("sha256")}
        blobs |= attached
        counts[item_id] = {k: v for k, v in (("attachments", len(attached)), ("tracking", int(item_id in tracked)))
                           if v}
    _run(sa.delete(OnlineFiling).where(OnlineFiling.intake_item_id.in_(ids)))
    _run(sa.update(IntakeItem).where(IntakeItem.id.in_(ids)).values(
        requester_name="", requester_email="", subject="", snapshot={}, state=PURGED_INTAKE_STATE))
    return counts, blobs


def delete_unreferenced_blobs(hashes: set[str]) -> int:
    """After commit: remove each blob no document and no waiting online filing still refers to.

    Blobs are stored once per content, so two files may share one; a blob is removed only when nothing
    that remains points at it.
    """
    removed = 0
    for digest in sorted(hashes):
        path = storage_path(digest)
        if not db.session.execute(blob_in_use(digest)).scalar() and path.exists():
            path.unlink()
            removed += 1
    return removed
