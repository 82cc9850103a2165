"""Every deadline of the procedure, in one place: services, pages, letters, jobs, the seed and the report read it.

The numbers come from the charter (``charter/rules.toml``, ``[deadlines]`` and ``[scope]``); the calendar
arithmetic from :mod:`mediator_plugin.core.calendar` (Paris calendar days, French working days).

- refusal of a request: three weeks from its receipt, or from the complete file where the charter says so
  (L612-2, R-DEADLINE-1), with alerts at J+14 and J+19;
- one year from the written complaint to the request (L612-2 4°, R-ADM-3);
- end of the mediation: 90 days from the notice of seizure, unless extended (R612-5, R-DEADLINE-3/-4);
- the parties' answers to a proposal (R612-4, R-INFO-2), objections to a declared conflict (R-INFO-3);
- a department's observations in working days, then its reminders and the escalation (R-FLOW-2, R-FUTURE-1).
"""

from __future__ import annotations

import calendar as month_calendar
import enum
from datetime import date, datetime, time, timedelta

from mediator_plugin import state
from mediator_plugin.core.calendar import PARIS, add_calendar_days, add_working_days, paris_date
from mediator_plugin.core.db import utcnow
from mediator_plugin.core.errors import DeadlinePassed, MissingField
from mediator_plugin.core.i18n import gettext as _
from mediator_plugin.core.pdf import fr_date

# Where the three weeks of L612-2 start: the receipt of the request, or the arrival of the last missing document.
FROM_RECEIPT, FROM_COMPLETE_FILE = "receipt", "complete_file"


def _rules() -> dict:
    return state().charter.deadlines


def today() -> date:
    """Today in Paris: the legal day of every comparison."""
    return paris_date(utcnow())


# --- Refusal of a request (L612-2, R-DEADLINE-1) -----------------------------------------------------------

def rejection_clock_from() -> str:
    """``receipt`` or ``complete_file``: the charter's reading of "réception du dossier"."""
    return _rules()["rejection_clock_from"]


def rejection_days() -> int:
    return _rules()["rejection_days"]


def rejection_due_from(start: date) -> date:
    """The last day to tell the consumer of a refusal, ``start`` being the day the clock started."""
    return add_calendar_days(start, rejection_days())


def rejection_started_on(due: date) -> date:
    """The day a refusal clock due on ``due`` started."""
    return due - timedelta(days=rejection_days())


def rejection_start(received_on: date, *, documents_requested: bool, complete_on: date | None) -> date | None:
    """The day the refusal clock starts for a request received on ``received_on``.

    From the receipt, whatever happens next; from the complete file, the receipt unless documents were asked
    for, then the day the last missing one arrived (None while it is awaited: the clock does not run)."""
    if rejection_clock_from() == FROM_RECEIPT or not documents_requested:
        return received_on
    return complete_on


class RejectionStage(enum.StrEnum):
    """Where a request stands against its three weeks (the alerts of ``rejection_alert_days``)."""

    RUNNING = "on_track"
    ALERT = "soon"          # from J+14
    URGENT = "urgent"       # from J+19
    PASSED = "overdue"      # after J+21


def rejection_alert_days(start: date) -> list[date]:
    """The days the team is alerted (J+14 and J+19 by default)."""
    return [add_calendar_days(start, n) for n in _rules()["rejection_alert_days"]]


def rejection_stage(start: date, on: date) -> RejectionStage:
    """The stage of a refusal clock started on ``start``, on the day ``on``."""
    if on > rejection_due_from(start):
        return RejectionStage.PASSED
    alerts = rejection_alert_days(start)
    if len(alerts) > 1 and on >= alerts[-1]:
        return RejectionStage.URGENT
    if alerts and on >= alerts[0]:
        return RejectionStage.ALERT
    return RejectionStage.RUNNING


# --- One year after the written complaint (L612-2 4°, R-ADM-3) ---------------------------------------------

def _one_year_after(day: date) -> date:
    # Code de procédure civile art. 641: a period in years ends on the same day of the month, or on the last day
    # of the month when it has no such day (29 February).
    year = day.year + 1
    return date(year, day.month, min(day.day, month_calendar.monthrange(year, day.month)[1]))


def complaint_limit(first: date | None, last: date | None) -> date | None:
    """The last day a request may be received after the written complaint, per the charter's choice of the
    first or the last complaint and of the anniversary day (``complaint_limit_from``, ``_inclusive``)."""
    scope = state().charter.scope
    start = last if scope["complaint_limit_from"] == "last" and last else first
    if start is None:
        return None
    anniversary = _one_year_after(start)
    return anniversary if scope["complaint_limit_inclusive"] else anniversary - timedelta(days=1)


def over_complaint_limit(received_on: date, first: date | None, last: date | None) -> bool:
    """Whether a request received on ``received_on`` came more than a year after the written complaint (a flag
    for the team, who decide: nothing is ever refused on it automatically)."""
    limit = complaint_limit(first, last)
    return limit is not None and received_on > limit


# --- The mediation itself ----------------------------------------------------------------------------------

def outcome_days() -> int:
    return _rules()["outcome_days"]


def outcome_warning_days() -> int:
    """Below this many days left, the end of the mediation is shown as near (R-DEADLINE-3)."""
    return _rules()["outcome_warning_days_left"]


def outcome_due_from(notified_on: date) -> date:
    """The end of the mediation, 90 days after the notice of seizure (R612-5, R-DEADLINE-3)."""
    return add_calendar_days(notified_on, outcome_days())


def check_extension(outcome_due: date, new_due: date, on: date) -> None:
    """An extension is decided before the mediation had to end, for a later date (R612-5, R-DEADLINE-4)."""
    if on > outcome_due:
        raise DeadlinePassed(_("The mediation had to end on %(due)s: an extension must be decided before that day.",
                               due=fr_date(outcome_due)))
    if new_due <= outcome_due:
        raise MissingField(_("The new date must be after %(due)s.", due=fr_date(outcome_due)), field="new_due")


def acceptance_deadline_from(signed_on: date) -> date:
    """The default last day for the parties to answer a proposal (R-INFO-2)."""
    return add_calendar_days(signed_on, _rules()["acceptance_days"])


def deadline_ends_at(day: date) -> datetime:
    """The last moment of a legal day in Paris: when a party's time to answer ``day`` has run out."""
    return datetime.combine(day, time(23, 59, 59), PARIS)


def objection_until_from(declared_on: date) -> date:
    """The last day to object to a declared conflict of interest (R-INFO-3)."""
    return add_calendar_days(declared_on, _rules()["coi_objection_days"])


def company_reply_working_days() -> int:
    return _rules()["company_reply_working_days"]


def observations_due_from(sent_on: date) -> date:
    """A department's default deadline, in working days with French public holidays (R-FLOW-2, R-FUTURE-1)."""
    return add_working_days(sent_on, company_reply_working_days())


def reminder_days(due_on: date) -> list[date]:
    """The days a late department is reminded (on the due day, then a week later by default)."""
    return [due_on + timedelta(days=offset) for offset in _rules()["reminder_offsets_days"]]


def next_reminder_on(due_on: date, reminders_sent: int) -> date | None:
    """The day of the next reminder, or None when the next step is the escalation to the mediator."""
    days = reminder_days(due_on)
    return days[reminders_sent] if reminders_sent < len(days) else None


def party_reply_due_from(asked_on: date) -> date:
    """When the team expects a party's answer to a question or a request for documents."""
    return add_calendar_days(asked_on, _rules()["party_reply_days"])


def implementation_check_on(ended_on: date) -> date:
    """When the team checks that an accepted solution or an agreement was carried out."""
    return add_calendar_days(ended_on, _rules()["implementation_followup_days"])


def closure_letter_due(ended_on: date) -> date:
    """When the closure letter should have left after an outcome with nothing to carry out (R-PRESC-2)."""
    return add_calendar_days(ended_on, _rules()["closure_letter_days"])


# --- Late steps --------------------------------------------------------------------------------------------

def require_in_time(due: date | None, what: str, late_reason: str | None) -> str | None:
    """Past ``due``, a step needs a recorded reason for the delay (it is then shown in reports)."""
    if due is None or today() <= due:
        return None
    if not (late_reason and late_reason.strip()):
        raise DeadlinePassed(_("The deadline for %(what)s expired on %(due)s: give the reason for the delay.",
                               what=what, due=fr_date(due)), field="late_reason")
    return late_reason.strip()
