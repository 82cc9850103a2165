"""Opening a file from the intake queue: the ticket and its conversation are copied into the file.

From then on the file lives apart from the helpdesk; the helpdesk only gets the neutral label.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from connectors.base import MediationLabel, TicketSnapshot
from mediator_plugin.cases import timeline
from mediator_plugin.cases.models import Case, Party, TicketCopy
from mediator_plugin.cases.services import classify, create_case, queue_helpdesk_label
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import Duplicate, NotAllowed
from mediator_plugin.core.permissions import Identity, Permission
from mediator_plugin.intake.models import IntakeItem


def complaint_dates(snapshot: TicketSnapshot) -> list[date]:
    """Paris dates of the requester's own written messages: the written complaints (R-ADM-3)."""
    return sorted({paris_date(c.created_at) for c in snapshot.comments if c.author_is_requester})


def possible_duplicates(email: str, *, exclude_case_id: int | None = None) -> list[str]:
    """References of other files of the same consumer, open or closed (R-ADM-6)."""
    query = (sa.select(Case.reference).join(Party, Party.case_id == Case.id)
             .where(Party.role == "consumer", sa.func.lower(Party.email) == email.lower()))
    if exclude_case_id is not None:
        query = query.where(Case.id != exclude_case_id)
    return list(db.session.execute(query.order_by(Case.id)).scalars())


def open_case(item: IntakeItem, actor: Identity, *, subcategory: str | None = None,
              department: str | None = None) -> Case:
    """Open the file of a pending intake item; refuse a second file for the same request."""
    if not actor.can(Permission.INTAKE_MANAGE):
        raise NotAllowed(_("Your role does not allow this action."))
    if item.state != "pending":
        raise Duplicate(_("A file is already open for this request."))
    if item.source in ("zendesk", "freshdesk"):
        already = db.session.execute(sa.select(TicketCopy.case_id).where(
            TicketCopy.vendor == item.source, TicketCopy.ticket_id == item.external_id)).scalar()
        if already:
            raise Duplicate(_("A file is already open for this ticket."))
    snapshot = TicketSnapshot.from_json(item.snapshot)
    dates = complaint_dates(snapshot)
    duplicates = possible_duplicates(snapshot.requester_email)
    case = create_case(actor=actor, channel="helpdesk" if item.source != "online" else "online",
                       subject=snapshot.subject, received_at=item.first_seen_at,
                       consumer={"name": snapshot.requester_name, "email": snapshot.requester_email},
                       first_written_complaint_on=dates[0] if dates else None)
    db.session.add(TicketCopy(
        case_id=case.id, vendor=snapshot.vendor, ticket_id=snapshot.ticket_id, subject=snapshot.subject,
        requester_name=snapshot.requester_name, requester_email=snapshot.requester_email,
        ticket_created_at=snapshot.created_at, ticket_closed_at=snapshot.closed_at,
        complaint_dates=[d.isoformat() for d in dates], snapshot=item.snapshot,
        content_sha256=snapshot.content_sha256(), copied_at=utcnow(),
    ))
    item.state, item.case_id = "opened", case.id
    db.session.flush()
    db.session.refresh(case)
    timeline.log(case, actor, "ticket_copied", vendor=snapshot.vendor, ticket_id=snapshot.ticket_id,
                 sha256=snapshot.content_sha256(), messages=len(snapshot.comments))
    if duplicates:
        timeline.log(case, actor, "possible_duplicate", references=duplicates)
    if subcategory or department:
        classify(case, actor, subcategory=subcategory or None, department=department or None)
    queue_helpdesk_label(case, MediationLabel.IN_PROGRESS)
    return case
