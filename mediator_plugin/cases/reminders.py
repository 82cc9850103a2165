"""Reminders to departments late with their observations, then escalation to the mediator (R-FLOW-2).

Sent only in service hours on working days (Europe/Paris), never at night or on a holiday. Several
job hosts may scan at once: one holds the scan's lock, the others skip it (each reminder also has its
outbox dedupe key).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from mediator_plugin import state
from mediator_plugin.cases import deadlines, timeline
from mediator_plugin.cases.models import Case, ObservationRequest
from mediator_plugin.cases.presenters import department_label
from mediator_plugin.cases.workflow import CLOCK_RUNNING
from mediator_plugin.core.calendar import next_working_moment, paris_date
from mediator_plugin.core.db import db
from mediator_plugin.core.locks import try_transaction_lock
from mediator_plugin.core.outbox import OutboxKind, enqueue
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import SYSTEM


def send_due_reminders(now: datetime) -> int:
    """Queue the reminders and escalations due at ``now``; returns how many were queued."""
    if next_working_moment(now) != now:
        return 0
    if not try_transaction_lock("reminders"):
        return 0  # another host is scanning; what it queues is committed with its counts
    today = paris_date(now)
    queued = 0
    # Only files still being examined: an ended mediation chases no department.
    late = db.session.execute(sa.select(ObservationRequest).join(Case, Case.id == ObservationRequest.case_id).where(
        ObservationRequest.answered_at.is_(None), ObservationRequest.due_on <= today,
        ObservationRequest.escalated_at.is_(None), Case.state.in_(CLOCK_RUNNING))).scalars().all()
    for request in late:
        case = db.session.get(Case, request.case_id)
        sent = request.reminders_sent
        remind_on = deadlines.next_reminder_on(request.due_on, sent)
        if remind_on is not None:
            if today < remind_on:
                continue
            enqueue(OutboxKind.MAIL, f"reminder:{request.id}:{sent}", {
                "to_department": request.department,
                "subject": _("Reminder — mediation %(reference)s", reference=case.reference),
                "body": _("The mediator is still waiting for your department's observations on file "
                          "%(reference)s, due on %(due)s.", reference=case.reference, due=fr_date(request.due_on)),
                "attachments": [],
            }, case_id=case.id)
            request.reminders_sent, request.last_reminder_at = sent + 1, now
            timeline.log(case, SYSTEM, "reminder_sent", department=request.department, number=sent + 1)
        else:
            enqueue(OutboxKind.MAIL, f"escalation:{request.id}", {
                "to": [state().charter.mediator["email"]],
                "subject": _("No answer from %(dept)s — mediation %(reference)s",
                             dept=department_label(request.department), reference=case.reference),
                "body": ngettext("Despite %(num)s reminder, the department has not answered the request of %(sent)s.",
                                 "Despite %(num)s reminders, the department has not answered the request of "
                                 "%(sent)s.", sent, sent=fr_date(paris_date(request.sent_at))),
                "attachments": [],
            }, case_id=case.id)
            request.escalated_at = now
            timeline.log(case, SYSTEM, "escalated", department=request.department)
        queued += 1
    db.session.commit()
    return queued
