"""Requests received by post, e-mail, phone or at the desk, registered by the team (R-PROC-1, L614-3).

The mediator must always leave the consumer the postal route. The team types in what the consumer wrote or said,
the day the request arrived (for a letter, the date stamped on it on arrival) and attaches the scanned letter and
documents, checked like every upload, all or nothing. The request waits in the intake queue under a reference
reserved at once, as an online filing does; the three weeks of L612-2 run from its receipt, in the queue and on
the file opened from it (intake/services.py), which keeps the reference, the channel and the receipt date. A
consumer may give no e-mail address: the letters then wait on the file, to be sent by post (cases/notices.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _

from mediator_plugin.cases import deadlines, documents
from mediator_plugin.cases.services import next_reference
from mediator_plugin.core import audit
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import MissingField, NotAllowed
from mediator_plugin.core.permissions import Identity, Permission
from mediator_plugin.core.text import first_line
from mediator_plugin.intake.models import OFFLINE, IntakeItem

# The channels a request reaches the team by outside the online form and the helpdesks (Case.channel codes).
CHANNELS = ("post", "email", "phone", "desk")
MAX_DOCUMENTS = 10


@dataclass(frozen=True)
class OfflineRequest:
    """What the team registers: the request as the consumer made it, and how and when it arrived."""

    channel: str
    received_on: date
    name: str
    postal_address: str
    what_happened: str
    what_asked: str
    email: str = ""
    phone: str = ""
    customer_number: str = ""
    first_complaint_on: date | None = None
    note: str = ""
    documents: list[tuple[str, bytes]] = field(default_factory=list)


def receipt_moment(day: date) -> datetime:
    """When a request received on ``day`` is recorded as received: now for today, else noon in Paris that day."""
    now = utcnow()
    return now if day == deadlines.today() else datetime.combine(day, time(12), PARIS)


def _check(request: OfflineRequest) -> None:
    """The rules of a registration; the form has already checked each field's presence and format."""
    if request.channel not in CHANNELS:
        raise MissingField(_("Choose how the request was received."), field="channel")
    if request.received_on > deadlines.today():
        raise MissingField(_("The date of receipt cannot be in the future."), field="received_on")
    if request.first_complaint_on and request.first_complaint_on > deadlines.today():
        raise MissingField(_("The date of the written complaint cannot be in the future."),
                           field="first_complaint_on")
    for name, value in (("name", request.name), ("postal_address", request.postal_address),
                        ("what_happened", request.what_happened), ("what_asked", request.what_asked)):
        if not value.strip():
            raise MissingField(_("This field is required."), field=name)
    # The letter is the request itself, and its stamp the start of the three weeks: its scan is kept with it.
    if request.channel == "post" and not request.documents:
        raise MissingField(_("Attach the scan of the letter."), field="documents")


def register(request: OfflineRequest, actor: Identity) -> IntakeItem:
    """Check the request and its documents, reserve the reference and queue the request; the caller commits.

    Nothing is stored when any check fails: the documents are all checked before the first is written."""
    if not actor.can(Permission.INTAKE_MANAGE):
        raise NotAllowed(_("Your role does not allow this action."))
    _check(request)
    checked = documents.check_uploads(request.documents, limit=MAX_DOCUMENTS, field="documents")
    now = utcnow()
    reference = next_reference(request.received_on.year)
    stored = [{"filename": name, "content_type": media_type, "size": len(content),
               "sha256": documents.write_blob(content)} for name, media_type, content in checked]
    snapshot = {
        "kind": "offline_request", "reference": reference, "channel": request.channel,
        "received_on": request.received_on.isoformat(), "registered_at": now.isoformat(),
        "registered_by": actor.name, "name": request.name, "email": request.email, "phone": request.phone,
        "postal_address": request.postal_address, "customer_number": request.customer_number,
        "first_complaint_on": request.first_complaint_on.isoformat() if request.first_complaint_on else None,
        "what_happened": request.what_happened, "what_asked": request.what_asked, "note": request.note,
        "attachments": stored,
    }
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    item = IntakeItem(source=OFFLINE, external_id=reference, subject=first_line(request.what_happened),
                      requester_name=request.name, requester_email=request.email or None,
                      asked_at=receipt_moment(request.received_on), first_seen_at=now, last_seen_at=now,
                      snapshot=snapshot, content_sha256=hashlib.sha256(canonical.encode()).hexdigest(),
                      state="pending")
    db.session.add(item)
    db.session.flush()
    audit.record("offline_request_registered", actor=actor.sub, roles=actor.roles, target=reference,
                 detail={"channel": request.channel, "received_on": request.received_on.isoformat(),
                         "documents": len(stored), "email": bool(request.email)})
    return item
