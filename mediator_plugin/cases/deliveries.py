"""Mail the jobs could not deliver, shown to the mediator's team with the file it concerns.

The admin page lists the same failures by kind only (no recipient, no file); the team, who may read
the files, sees the reference, the recipient and the reason, so that it can reach the party another way.
"""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.cases.presenters import department_label
from mediator_plugin.core.db import db
from mediator_plugin.core.outbox import OutboxKind, OutboxMessage, OutboxStatus


def undelivered_mails(*, case_id: int | None = None, limit: int = 50) -> list[dict]:
    """Mails of the files that failed for good, newest first (of one file when ``case_id`` is given)."""
    query = (sa.select(OutboxMessage, Case.reference).join(Case, Case.id == OutboxMessage.case_id)
             .where(OutboxMessage.kind == OutboxKind.MAIL, OutboxMessage.status == OutboxStatus.FAILED)
             .order_by(OutboxMessage.id.desc()).limit(limit))
    if case_id is not None:
        query = query.where(OutboxMessage.case_id == case_id)
    rows = []
    for message, reference in db.session.execute(query):
        payload = message.payload
        recipients = list(payload.get("to", []))
        if payload.get("to_department"):
            recipients.append(department_label(payload["to_department"]))
        rows.append({"id": message.id, "reference": reference, "subject": payload.get("subject", ""),
                     "recipients": ", ".join(recipients), "created_at": message.created_at,
                     "attempts": message.attempts, "reason": message.last_error})
    return rows
