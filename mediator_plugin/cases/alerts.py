"""Alerts to the mediator's team before the three weeks to refuse a request run out (L612-2, R-DEADLINE-1).

At J+14 and J+19 (``rejection_alert_days``) from the start of the refusal clock, a request still waiting for
its admissibility decision — a file before admission, or a request still in the intake queue — sends one mail
to the mediator's mailbox, and a file gets the alert in its history. Each alert has its outbox dedupe key, so
a second pass or a second host never sends it twice; a pass that finds two thresholds crossed sends the later.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases import deadlines, timeline
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import BEFORE_ADMISSION
from mediator_plugin.core.calendar import PARIS, paris_date
from mediator_plugin.core.db import db
from mediator_plugin.core.locks import try_transaction_lock
from mediator_plugin.core.outbox import OutboxKind, enqueue
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import SYSTEM
from mediator_plugin.intake.models import FILED_SOURCES, IntakeItem


def _threshold(start: date, today: date) -> int | None:
    """The latest alert day reached on ``today`` for a clock started on ``start`` (None before the first)."""
    reached = [n for n in state().charter.deadlines["rejection_alert_days"] if start + timedelta(days=n) <= today]
    return max(reached) if reached else None


def _mail(key: str, what: str, due: date, day: int, case_id: int | None) -> bool:
    """Queue the alert unless it was queued before; True when it is new."""
    with force_locale("fr"):  # the team's mailbox reads French
        message = enqueue(OutboxKind.MAIL, key, {
            "to": [state().charter.mediator["email"]],
            "subject": _("%(what)s: a refusal must be notified by %(due)s", what=what, due=fr_date(due)),
            "body": _("%(what)s has been waiting for its admissibility decision for %(days)s days. If the mediator "
                      "cannot examine it, the consumer must be told by %(due)s (Consumer Code, article L612-2).",
                      what=what, days=day, due=fr_date(due)),
            "attachments": [],
        }, case_id=case_id)
    return message.id is None


def send_rejection_alerts(now: datetime) -> int:
    """Queue the alerts due at ``now``; returns how many were queued."""
    if not try_transaction_lock("rejection_alerts"):
        return 0  # another host is scanning
    today = paris_date(now)
    first_alert = min(state().charter.deadlines["rejection_alert_days"])
    earliest_start = today - timedelta(days=deadlines.rejection_days())
    queued = 0
    files = db.session.execute(sa.select(Case).where(
        Case.state.in_(BEFORE_ADMISSION), Case.rejection_due >= today,
        Case.rejection_due <= deadlines.rejection_due_from(today - timedelta(days=first_alert)))).scalars()
    for case in files:
        day = _threshold(deadlines.rejection_started_on(case.rejection_due), today)
        if day and _mail(f"rejection-alert:{case.reference}:{day}", _("Request %(ref)s", ref=case.reference),
                         case.rejection_due, day, case.id):
            timeline.log(case, SYSTEM, "rejection_alert", alert_day=day, rejection_due=case.rejection_due)
            queued += 1
    items = db.session.execute(sa.select(IntakeItem).where(
        IntakeItem.state == "pending", IntakeItem.asked_at >= _start_of(earliest_start))).scalars()
    for item in items:
        start = paris_date(item.asked_at)
        day = _threshold(start, today)
        what = _("The request %(name)s in the intake queue", name=intake_label(item))
        if day and _mail(f"rejection-alert:intake:{item.id}:{day}", what, deadlines.rejection_due_from(start), day,
                         None):
            queued += 1
    db.session.commit()
    return queued


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=PARIS)


def intake_label(item: IntakeItem) -> str:
    """How the team names a request of the intake queue: its reference, or its helpdesk ticket."""
    if item.source in FILED_SOURCES:
        return item.external_id
    return f"{item.source.capitalize()} #{item.external_id}"
