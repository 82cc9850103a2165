"""The health page (R-IND-1: the administrator sees the machinery, not the files)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from mediator_plugin.admin import queries
from mediator_plugin.core import audit
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.operations import WebhookHint
from mediator_plugin.core.outbox import OutboxMessage, OutboxStatus
from mediator_plugin.core.permissions import Permission, current_identity, requires


def _failure_reason(message: OutboxMessage) -> str:
    # A mail's error can name its recipients: only its kind is shown; a label's error is technical.
    if message.kind == "mail":
        return message.last_error.split(":", 1)[0]
    return message.last_error


@requires(Permission.ADMIN_HEALTH)
def health():
    """Helpdesk health, the last job runs, the outbox backlog and what finally failed."""
    counts = db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.status, sa.func.count())
                                .group_by(OutboxMessage.kind, OutboxMessage.status)).all()
    failed = db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
                                .order_by(OutboxMessage.id.desc()).limit(100)).scalars().all()
    hints = db.session.execute(sa.select(sa.func.count()).select_from(WebhookHint)
                               .where(WebhookHint.processed_at.is_(None))).scalar()
    return render_template("admin/health.html", helpdesks=queries.helpdesk_health(), counts=counts,
                           runs=queries.last_runs(), backlog=queries.outbox_backlog(), hints=hints,
                           failed=[(m, _failure_reason(m)) for m in failed])


@requires(Permission.ADMIN_HEALTH)
def retry(message_id: int):
    """Put a finally-failed delivery back in the queue (after the cause was fixed)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != OutboxStatus.FAILED:
        abort(404)
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, utcnow()
    identity = current_identity()
    audit.record("outbox_retry", actor=identity.sub, roles=identity.roles, target=f"outbox:{message.id}",
                 detail={"kind": message.kind})
    db.session.commit()
    flash(_("The delivery is back in the queue; the next run of the jobs will try it."), "success")
    return redirect(url_for("mediator.admin.health"), code=303)
