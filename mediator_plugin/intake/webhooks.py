"""Helpdesk webhooks: an authenticated hint that a ticket changed, answered at once with 202.

The body is never trusted as data (helpdesk-apis.md §4.4): we only keep the ticket id, and the next
``mediator jobs`` reads the helpdesk's stream again and refreshes that ticket if it is in the queue.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify, request

from connectors.base import HelpdeskError
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.helpdesks import configured_connectors
from mediator_plugin.core.operations import WebhookHint
from mediator_plugin.core.permissions import csrf_exempt, public
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.intake.sync import upsert_snapshot

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
MAX_BODY = 64 * 1024
MAX_TICKET_ID = 40  # WebhookHint.ticket_id


def _ticket_id(payload) -> str | None:
    """The ticket id in the shapes Zendesk and Freshdesk send (event, trigger or automation bodies): ASCII
    digits that fit the column, or None for anything else (the signer's body may still be odd)."""
    if not isinstance(payload, dict):
        return None

    def inner(key: str, name: str):
        nested = payload.get(key)
        return nested.get(name) if isinstance(nested, dict) else None

    candidates = [payload.get("ticket_id"), inner("ticket", "id"), inner("detail", "id"),
                  inner("freshdesk_webhook", "ticket_id")]
    subject = payload.get("subject")
    if isinstance(subject, str) and subject.startswith("zen:ticket:"):
        candidates.append(subject.removeprefix("zen:ticket:"))
    for value in candidates:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if isinstance(text, str) and text.isascii() and text.isdecimal() and len(text) <= MAX_TICKET_ID:
            return text
    return None


@bp.route("/<vendor>", methods=["POST"])
@public
@csrf_exempt
def receive(vendor: str):
    """Verify the delivery, keep its ticket id as a pending hint (deduplicated), answer 202."""
    connector = configured_connectors().get(vendor)
    if connector is None:
        abort(404)
    body = request.get_data(cache=False)
    if len(body) > MAX_BODY:
        return jsonify(error="body too large"), 413
    if not connector.verify_webhook(request.headers, body):
        return jsonify(error="invalid or stale signature"), 401
    try:
        ticket_id = _ticket_id(json.loads(body))
    except (ValueError, RecursionError):  # not JSON, not UTF-8, an integer too long to read, nested too deep
        ticket_id = None
    if ticket_id is None:
        return jsonify(error="no ticket id in the body"), 400
    pending = db.session.execute(sa.select(WebhookHint.id).where(
        WebhookHint.vendor == vendor, WebhookHint.ticket_id == ticket_id, WebhookHint.processed_at.is_(None))).first()
    if pending is None:  # deliveries come more than once: one pending hint per ticket is enough
        db.session.add(WebhookHint(vendor=vendor, ticket_id=ticket_id, received_at=utcnow()))
        db.session.commit()
    return jsonify(status="accepted"), 202


def refresh_hinted(vendor: str, connector) -> int:
    """Re-read the hinted tickets still waiting in the intake queue; mark every pending hint done."""
    hints = db.session.execute(sa.select(WebhookHint).where(
        WebhookHint.vendor == vendor, WebhookHint.processed_at.is_(None))).scalars().all()
    refreshed = 0
    for hint in hints:
        queued = db.session.execute(sa.select(IntakeItem.id).where(
            IntakeItem.source == vendor, IntakeItem.external_id == hint.ticket_id,
            IntakeItem.state == "pending")).first()
        if queued is not None:
            try:
                upsert_snapshot(connector.fetch_ticket(hint.ticket_id))
                refreshed += 1
            except HelpdeskError:
                db.session.rollback()
                continue  # the hint stays pending; the next run tries again
        hint.processed_at = utcnow()
        db.session.commit()
    return refreshed
