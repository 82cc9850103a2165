"""Filing a request for mediation online (L614-1, R-WEB-2, R-PROC-1): into the intake queue, at once.

The consumer gets a reference reserved now (the file opened later takes it) and a secret tracking code
that is shown once and kept only as a hash. Attachments pass the same checks as every upload, all or
nothing. A helpdesk ticket number is linked only when that ticket's requester has the same e-mail
address; otherwise nothing of it is kept, and the consumer is told nothing either way (no oracle).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases import deadlines, documents
from mediator_plugin.cases.services import next_reference
from mediator_plugin.core import audit
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.outbox import OutboxKind, enqueue
from mediator_plugin.core.text import first_line
from mediator_plugin.core.urls import external_url
from mediator_plugin.intake.models import IntakeItem, OnlineFiling

MAX_ATTACHMENTS = 5
HELPDESKS = ("zendesk", "freshdesk")
# Crockford's base 32 (no I, L, O, U): 16 characters carry 80 random bits and read well over the phone.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class FilingRequest:
    """What the consumer wrote on the form, already validated field by field."""

    name: str
    email: str
    postal_address: str
    first_complaint_on: date | None
    what_happened: str
    what_asked: str
    phone: str = ""
    customer_number: str = ""
    ticket_number: str = ""
    certified_written_complaint: bool = True
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass(frozen=True)
class Filed:
    """The reference and the tracking code, to show once on the acknowledgement."""

    reference: str
    code: str


def new_tracking_code() -> str:
    """Four groups of four Crockford base-32 characters (80 random bits), e.g. ``7K2M-Q9TD-…``."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def hash_code(code: str) -> str:
    """SHA-256 of the code as typed, ignoring case, spaces and dashes (80 random bits need no slow hash)."""
    normalised = "".join(c for c in code.upper() if c.isalnum())
    return hashlib.sha256(normalised.encode("ascii", "ignore")).hexdigest()


def _matching_ticket(ticket_number: str, email: str) -> IntakeItem | None:
    """The helpdesk request with this ticket number whose requester has this e-mail address, if any."""
    number = ticket_number.strip().lstrip("#").strip()
    if not number:
        return None
    return db.session.execute(
        sa.select(IntakeItem).where(IntakeItem.source.in_(HELPDESKS), IntakeItem.external_id == number,
                                    sa.func.lower(IntakeItem.requester_email) == email.strip().lower())
        .order_by(IntakeItem.id).limit(1)).scalar_one_or_none()


def file_online(request: FilingRequest) -> Filed:
    """Check the attachments, reserve the reference, queue the request and the mail; the caller commits."""
    checked = documents.check_uploads(request.attachments, limit=MAX_ATTACHMENTS, field="attachments")
    now = utcnow()
    reference = next_reference(paris_date(now).year)
    stored = [{"filename": name, "content_type": media_type, "size": len(content),
               "sha256": documents.write_blob(content)} for name, media_type, content in checked]
    snapshot = {
        "kind": "online_filing", "reference": reference, "filed_at": now.isoformat(),
        "name": request.name, "email": request.email, "phone": request.phone,
        "postal_address": request.postal_address, "customer_number": request.customer_number,
        "first_complaint_on": request.first_complaint_on.isoformat() if request.first_complaint_on else None,
        "certified_written_complaint": request.certified_written_complaint,
        "what_happened": request.what_happened, "what_asked": request.what_asked, "attachments": stored,
    }
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    item = IntakeItem(source="online", external_id=reference, subject=first_line(request.what_happened),
                      requester_name=request.name, requester_email=request.email, asked_at=now,
                      first_seen_at=now, last_seen_at=now, snapshot=snapshot,
                      content_sha256=hashlib.sha256(canonical.encode()).hexdigest(), state="pending")
    db.session.add(item)
    db.session.flush()
    ticket = _matching_ticket(request.ticket_number, request.email)
    code = new_tracking_code()
    db.session.add(OnlineFiling(intake_item_id=item.id, reference=reference, code_sha256=hash_code(code),
                                filed_at=now, linked_vendor=ticket.source if ticket else None,
                                linked_ticket_id=ticket.external_id if ticket else None))
    audit.record("online_filing", actor="public", target=reference,
                 detail={"attachments": len(stored), "linked_ticket": ticket is not None})
    _queue_acknowledgement(reference, request)
    return Filed(reference=reference, code=code)


def decision_promise() -> str:
    """When the consumer will know whether the mediator can examine the request, as the charter counts it."""
    days = deadlines.rejection_days()
    if deadlines.rejection_clock_from() == deadlines.FROM_COMPLETE_FILE:
        return _("Within %(days)s days of receiving your complete file, we will tell you whether the mediator can "
                 "examine it.", days=days)
    return _("Within %(days)s days of receiving your request, we will tell you whether the mediator can examine it.",
             days=days)


def no_prior_complaint_warning() -> str:
    """Plain words for a consumer who did not say they complained in writing first (L612-2 1°)."""
    return _("You did not tick that you first wrote to the company about this dispute. The law allows the mediator "
             "to examine a dispute only after the consumer has tried to settle it directly with the company by a "
             "written complaint. Your request is registered all the same: the mediator's team will look at it and, "
             "if this condition is not met, will write to tell you how to proceed.")


def _queue_acknowledgement(reference: str, request: FilingRequest) -> None:
    """The mail to the consumer: the reference and what comes next, never the tracking code — nor anything
    typed in the form: anyone may type any address, and the mail must not carry their words to it."""
    charter = state().charter
    tracking_url = external_url("mediator.public.tracking_form")
    with force_locale("fr"):  # the consumer is written to in French, whatever the browser's language
        subject = _("Your request for mediation %(reference)s", reference=reference)
        warning = "" if request.certified_written_complaint else "\n\n" + no_prior_complaint_warning()
        body = _("Madam, Sir,\n\nWe have received your request for mediation. Its reference is %(reference)s: "
                 "please quote it whenever you write to us.\n\n%(clock)s If so, the mediation ends within "
                 "%(outcome)s days, unless it is extended for a complex dispute, in which case you will be told."
                 "%(warning)s\n\nYou can follow your file at %(url)s with your reference and the tracking code "
                 "shown when you sent your request.\n\n%(mediator)s\n%(address)s",
                 reference=reference, clock=decision_promise(), warning=warning,
                 outcome=deadlines.outcome_days(), url=tracking_url,
                 mediator=charter.mediator["mediator_title"], address=charter.mediator["email"])
    enqueue(OutboxKind.MAIL, f"filing:{reference}", {"to": [request.email], "subject": subject, "body": body})
