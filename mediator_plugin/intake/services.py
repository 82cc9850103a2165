"""Opening a file from the intake queue: the ticket and its conversation are copied into the file.

From then on the file lives apart from the helpdesk; the helpdesk only gets the neutral label.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from connectors.base import MediationLabel, TicketSnapshot
from mediator_plugin.cases import documents, timeline
from mediator_plugin.cases.models import Case, Party, TicketCopy
from mediator_plugin.cases.services import classify, create_case, queue_helpdesk_label
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import Duplicate, NotAllowed
from mediator_plugin.core.permissions import Identity, Permission
from mediator_plugin.intake.models import IntakeItem, OnlineFiling


def complaint_dates(snapshot: TicketSnapshot) -> list[date]:
    """Paris dates of the requester's own written messages: the written complaints (R-ADM-3)."""
    return sorted({paris_date(c.created_at) for c in snapshot.comments if c.author_is_requester})


# Built once: intake asks it of every ticket and filing it opens (the file page reads it with the file).
_DUPLICATES = (sa.select(Case.reference).join(Party, Party.case_id == Case.id)
               .where(Party.role == "consumer", sa.func.lower(Party.email) == sa.bindparam("email"),
                      Case.id != sa.bindparam("exclude_case_id"))
               .order_by(Case.id))


def possible_duplicates(email: str, *, exclude_case_id: int | None = None) -> list[str]:
    """References of other files of the same consumer, open or closed (R-ADM-6)."""
    # Ids start at 1: excluding 0 excludes nothing.
    return list(db.session.connection().execute(
        _DUPLICATES, {"email": email.lower(), "exclude_case_id": exclude_case_id or 0}).scalars())


def open_case(item: IntakeItem, actor: Identity, *, subcategory: str | None = None,
              department: str | None = None) -> Case:
    """Open the file of a pending intake item; refuse a second file for the same request.

    A helpdesk request brings its ticket; an online filing brings the consumer's words, its documents,
    the reference reserved when it was filed and, when it was linked, the helpdesk ticket.
    """
    if not actor.can(Permission.INTAKE_MANAGE):
        raise NotAllowed(_("Your role does not allow this action."))
    if item.state != "pending":
        raise Duplicate(_("A file is already open for this request."))
    if item.source == "online":
        case = _open_online(item, actor)
    else:
        if _ticket_case(item.source, item.external_id):
            raise Duplicate(_("A file is already open for this ticket."))
        snapshot = TicketSnapshot.from_json(item.snapshot)
        dates = complaint_dates(snapshot)
        duplicates = possible_duplicates(snapshot.requester_email)
        case = create_case(actor=actor, channel="helpdesk", subject=snapshot.subject, received_at=item.first_seen_at,
                           consumer={"name": snapshot.requester_name, "email": snapshot.requester_email},
                           first_written_complaint_on=dates[0] if dates else None)
        _copy_ticket(case, item, actor)
        if duplicates:
            timeline.log(case, actor, "possible_duplicate", references=duplicates)
    item.state, item.case_id = "opened", case.id
    if subcategory or department:
        classify(case, actor, subcategory=subcategory or None, department=department or None)
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
    duplicates = possible_duplicates(data["email"])
    case = create_case(actor=actor, channel="online", subject=item.subject, received_at=item.first_seen_at,
                       reference=filing.reference, first_written_complaint_on=date.fromisoformat(
                           data["first_complaint_on"]),
                       consumer={"name": data["name"], "email": data["email"], "phone": data["phone"] or None,
                                 "postal_address": data["postal_address"]})
    timeline.log(case, actor, "filed_online", what_happened=data["what_happened"], what_asked=data["what_asked"],
                 customer_number=data["customer_number"] or None, first_complaint_on=data["first_complaint_on"])
    for stored in data["attachments"]:
        documents.attach_stored(case, filename=stored["filename"], sha256=stored["sha256"],
                                content_type=stored["content_type"], size=stored["size"], actor=data["name"],
                                uploaded_at=item.first_seen_at)
        timeline.log(case, actor, "document_added", filename=stored["filename"], sha256=stored["sha256"])
    if filing.linked_vendor:
        ticket_item = db.session.execute(sa.select(IntakeItem).where(
            IntakeItem.source == filing.linked_vendor, IntakeItem.external_id == filing.linked_ticket_id)).scalar_one()
        # A ticket already copied into another file stays there; the duplicate warning below names that file.
        if ticket_item.state == "pending" and not _ticket_case(ticket_item.source, ticket_item.external_id):
            _copy_ticket(case, ticket_item, actor)
            ticket_item.state, ticket_item.case_id = "opened", case.id
    if duplicates:
        timeline.log(case, actor, "possible_duplicate", references=duplicates)
    return case
