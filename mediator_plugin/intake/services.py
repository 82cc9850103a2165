"""Opening a file from the intake queue: the ticket and its conversation, or the request filed online or registered
by the team, are copied into the file.

From then on the file lives apart from the helpdesk; the helpdesk only gets the neutral label.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from connectors.base import MediationLabel, TicketSnapshot
from mediator_plugin.cases import documents, timeline
from mediator_plugin.cases.duplicates import possible_duplicates
from mediator_plugin.cases.models import Case, TicketCopy
from mediator_plugin.cases.services import classify, create_case, queue_helpdesk_label
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import Duplicate, NotAllowed
from mediator_plugin.core.permissions import Identity, Permission
from mediator_plugin.intake.models import OFFLINE, ONLINE, IntakeItem, OnlineFiling


def complaint_dates(snapshot: TicketSnapshot) -> list[date]:
    """Paris dates of the requester's own written messages: the written complaints (R-ADM-3)."""
    return sorted({paris_date(c.created_at) for c in snapshot.comments if c.author_is_requester})


def _flag_duplicates(case: Case, actor: Identity, *, ticket_number: str | None = None) -> None:
    """Note on the new file the other files of the same consumer, and any declared court case (R-ADM-6)."""
    consumer = case.party("consumer")
    tickets = tuple(t for t in (case.ticket.ticket_id if case.ticket else None, ticket_number) if t)
    found = possible_duplicates(email=consumer.email, name=consumer.name, customer_number=consumer.customer_number,
                                ticket_ids=tickets, exclude_case_id=case.id)
    if found:
        timeline.log(case, actor, "possible_duplicate", references=[d.reference for d in found],
                     court_cases=[d.reference for d in found if d.court_case],
                     matched_on=sorted({what for d in found for what in d.matched_on}))


def open_case(item: IntakeItem, actor: Identity, *, subcategory: str | None = None,
              department: str | None = None, party_type: str | None = None, party_type_reason: str = "",
              dispute_domain: str | None = None) -> Case:
    """Open the file of a pending intake item; refuse a second file for the same request.

    A helpdesk request brings its ticket and the day the consumer asked on it (the receipt: the three weeks
    of L612-2 run from it), and the party type the helpdesk marks; an online filing brings the consumer's
    words, its documents, the reference reserved when it was filed and, when it was linked, the helpdesk
    ticket; a request the team registered brings the same, with its channel and the day it was received. The
    team may correct the party type here, giving its reason, and choose the dispute domain (R-SCOPE-2).
    """
    if not actor.can(Permission.INTAKE_MANAGE):
        raise NotAllowed(_("Your role does not allow this action."))
    if item.state != "pending":
        raise Duplicate(_("A file is already open for this request."))
    if item.source == ONLINE:
        case = _open_online(item, actor)
    elif item.source == OFFLINE:
        case = _open_offline(item, actor)
    else:
        if _ticket_case(item.source, item.external_id):
            raise Duplicate(_("A file is already open for this ticket."))
        snapshot = TicketSnapshot.from_json(item.snapshot)
        dates = complaint_dates(snapshot)
        case = create_case(actor=actor, channel="helpdesk", subject=snapshot.subject, received_at=item.asked_at,
                           consumer={"name": snapshot.requester_name, "email": snapshot.requester_email},
                           party_type="professional" if snapshot.requester_professional else "consumer",
                           first_written_complaint_on=dates[0] if dates else None,
                           last_written_complaint_on=dates[-1] if dates else None)
        if snapshot.requester_professional:
            timeline.log(case, actor, "party_type_set", party_type="professional", source=item.source)
        _copy_ticket(case, item, actor)
        _flag_duplicates(case, actor)
    item.state, item.case_id = "opened", case.id
    if subcategory or department or party_type or dispute_domain:
        classify(case, actor, subcategory=subcategory or None, department=department or None,
                 party_type=party_type or None, reason=party_type_reason, dispute_domain=dispute_domain or None)
    queue_helpdesk_label(case, MediationLabel.IN_PROGRESS)
    return case


def _ticket_case(vendor: str, ticket_id: str) -> int | None:
    return db.session.execute(sa.select(TicketCopy.case_id).where(
        TicketCopy.vendor == vendor, TicketCopy.ticket_id == ticket_id)).scalar()


def _copy_ticket(case: Case, item: IntakeItem, actor: Identity) -> None:
    """Copy a helpdesk item's ticket and conversation into ``case``, with its content hash."""
    snapshot = TicketSnapshot.from_json(item.snapshot)
    dates = complaint_dates(snapshot)
    db.session.add(TicketCopy(
        case_id=case.id, vendor=snapshot.vendor, ticket_id=snapshot.ticket_id, subject=snapshot.subject,
        requester_name=snapshot.requester_name, requester_email=snapshot.requester_email,
        ticket_created_at=snapshot.created_at, ticket_closed_at=snapshot.closed_at,
        complaint_dates=[d.isoformat() for d in dates], snapshot=item.snapshot,
        content_sha256=snapshot.content_sha256(), copied_at=utcnow(),
    ))
    db.session.flush()
    db.session.refresh(case)
    timeline.log(case, actor, "ticket_copied", vendor=snapshot.vendor, ticket_id=snapshot.ticket_id,
                 sha256=snapshot.content_sha256(), messages=len(snapshot.comments))


def _open_online(item: IntakeItem, actor: Identity) -> Case:
    """The file of an online filing, under the reference the consumer was given when filing."""
    filing = db.session.execute(sa.select(OnlineFiling).where(OnlineFiling.intake_item_id == item.id)).scalar_one()
    data = item.snapshot
    first_complaint = _day(data.get("first_complaint_on"))
    case = create_case(actor=actor, channel="online", subject=item.subject, received_at=item.asked_at,
                       reference=filing.reference, first_written_complaint_on=first_complaint,
                       consumer={"name": data["name"], "email": data["email"], "phone": data["phone"] or None,
                                 "postal_address": data["postal_address"],
                                 "customer_number": data["customer_number"] or None})
    timeline.log(case, actor, "filed_online", what_happened=data["what_happened"], what_asked=data["what_asked"],
                 customer_number=data["customer_number"] or None, first_complaint_on=data.get("first_complaint_on"),
                 certified_written_complaint=data.get("certified_written_complaint", True))
    _attach(case, actor, data["attachments"], uploaded_by=data["name"], uploaded_at=item.first_seen_at)
    if filing.linked_vendor:
        ticket_item = db.session.execute(sa.select(IntakeItem).where(
            IntakeItem.source == filing.linked_vendor, IntakeItem.external_id == filing.linked_ticket_id)).scalar_one()
        # A ticket already copied into another file stays there; the duplicate warning below names that file.
        if ticket_item.state == "pending" and not _ticket_case(ticket_item.source, ticket_item.external_id):
            _copy_ticket(case, ticket_item, actor)
            ticket_item.state, ticket_item.case_id = "opened", case.id
    _flag_duplicates(case, actor, ticket_number=filing.linked_ticket_id)
    return case


def _open_offline(item: IntakeItem, actor: Identity) -> Case:
    """The file of a request the team registered, under the reference reserved then: received through its channel
    on the day it arrived; a consumer without an e-mail address is written to by post."""
    data = item.snapshot
    case = create_case(actor=actor, channel=data["channel"], subject=item.subject, received_at=item.asked_at,
                       reference=item.external_id, first_written_complaint_on=_day(data.get("first_complaint_on")),
                       consumer={"name": data["name"], "email": data["email"] or None, "phone": data["phone"] or None,
                                 "postal_address": data["postal_address"],
                                 "customer_number": data["customer_number"] or None})
    timeline.log(case, actor, "registered_offline", channel=data["channel"], received_on=data["received_on"],
                 registered_by=data["registered_by"], what_happened=data["what_happened"],
                 what_asked=data["what_asked"], note=data["note"] or None,
                 first_complaint_on=data.get("first_complaint_on"))
    # The scans were made and checked by the team member who registered the request.
    _attach(case, actor, data["attachments"], uploaded_by=data["registered_by"], uploaded_at=item.first_seen_at)
    _flag_duplicates(case, actor)
    return case


def _attach(case: Case, actor: Identity, stored: list[dict], *, uploaded_by: str, uploaded_at) -> None:
    """The documents stored with a filed request become documents of its file."""
    for blob in stored:
        documents.attach_stored(case, filename=blob["filename"], sha256=blob["sha256"],
                                content_type=blob["content_type"], size=blob["size"], actor=uploaded_by,
                                uploaded_at=uploaded_at)
        timeline.log(case, actor, "document_added", filename=blob["filename"], sha256=blob["sha256"])


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
