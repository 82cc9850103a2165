"""What is due on a file, with its legal basis, and the next step with its date, in every state.

The file page and the intake queue read this; every date comes from :mod:`mediator_plugin.cases.deadlines`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from mediator_plugin.cases import deadlines
from mediator_plugin.cases.workflow import AWAITING_ANSWERS, BEFORE_ADMISSION, CLOCK_RUNNING, INSTRUCTING, State
from mediator_plugin.core.calendar import DeadlineState, deadline_state, paris_date
from mediator_plugin.core.i18n import N_, translated
from mediator_plugin.core.i18n import gettext as _
from mediator_plugin.core.pdf import fr_date

WAITING = "waiting"  # a clock that does not run yet (from the complete file, while documents are awaited)


@dataclass(frozen=True)
class Deadline:
    """One deadline of the file, with its legal basis and how it stands today (``status`` is a CSS class)."""

    label: str
    due: date | None
    basis: str
    status: str


@dataclass(frozen=True)
class NextStep:
    """What the team does next on the file, and by when (None: no date applies)."""

    label: str
    due: date | None
    status: str


# What each status reads as, next to its date.
_STATUS_WORDS = {DeadlineState.ON_TRACK.value: N_("on track"), DeadlineState.SOON.value: N_("approaching"),
                 deadlines.RejectionStage.URGENT.value: N_("urgent"), DeadlineState.OVERDUE.value: N_("passed"),
                 WAITING: N_("not running yet")}


def status_words() -> Mapping[str, str]:
    """What each status reads as, next to its date, in the current language."""
    return translated(_STATUS_WORDS)


def rejection_deadline(received_on: date, due: date | None, on: date) -> Deadline:
    """The three weeks to refuse a request (L612-2, R-DEADLINE-1), with the J+14 / J+19 alerts as its status."""
    if due is None:
        return Deadline(_("Notify a refusal"), None,
                        _("Consumer Code L612-2; charter: three weeks from the complete file, which start when the "
                          "last missing document arrives"), WAITING)
    if deadlines.rejection_clock_from() == deadlines.FROM_RECEIPT:
        basis = _("Consumer Code L612-2: within three weeks of receiving the request (received on %(day)s)",
                  day=fr_date(received_on))
    else:
        basis = _("Consumer Code L612-2; charter: within three weeks of receiving the complete file")
    return Deadline(_("Notify a refusal"), due, basis,
                    deadlines.rejection_stage(deadlines.rejection_started_on(due), on).value)


def complaint_limit_flag(received_on: date, first: date | None, last: date | None) -> Deadline | None:
    """The one year after the written complaint (L612-2 4°, R-ADM-3): a flag for the team, never a refusal."""
    limit = deadlines.complaint_limit(first, last)
    if limit is None:
        return None
    late = deadlines.over_complaint_limit(received_on, first, last)
    basis = (_("Consumer Code L612-2 4°: received on %(day)s, more than a year after the written complaint — "
               "ground 4 may apply", day=fr_date(received_on)) if late
             else _("Consumer Code L612-2 4°: received on %(day)s, within a year of the written complaint",
                    day=fr_date(received_on)))
    return Deadline(_("One year after the written complaint"), limit, basis,
                    DeadlineState.OVERDUE.value if late else DeadlineState.ON_TRACK.value)


def file_deadlines(case, *, acceptance_deadline: date | None, open_requests, department_label) -> list[Deadline]:
    """The deadlines that apply to ``case`` (the file page's row) in its current state."""
    today = deadlines.today()
    received_on = paris_date(case.received_at)
    result = []
    if case.state in BEFORE_ADMISSION:
        result.append(rejection_deadline(received_on, case.rejection_due, today))
        flag = complaint_limit_flag(received_on, case.first_written_complaint_on, case.last_written_complaint_on)
        if flag:
            result.append(flag)
    if case.state in CLOCK_RUNNING and case.outcome_due:
        warn = deadlines.outcome_warning_days()
        result.append(Deadline(_("End of the mediation"), case.outcome_due,
                               _("Consumer Code R612-5: 90 days from the notice of seizure, unless extended"),
                               deadline_state(case.outcome_due, today, warn_days_left=warn).value))
    if case.state in AWAITING_ANSWERS and acceptance_deadline:
        result.append(Deadline(_("Parties' answers to the proposal"), acceptance_deadline,
                               _("Consumer Code R612-4: deadline set by the mediator"),
                               deadline_state(acceptance_deadline, today, warn_days_left=3).value))
    for request in open_requests:
        result.append(Deadline(_("Observations of %(dept)s", dept=department_label(request.department)),
                               request.due_on,
                               _("Charter: %(n)s working days", n=deadlines.company_reply_working_days()),
                               deadline_state(request.due_on, today, warn_days_left=3).value))
    return result


def _last_event_day(events, kind: str) -> date | None:
    moments = [e.at for e in events if e.kind == kind]
    return paris_date(max(moments)) if moments else None


def next_step(case, *, proposal, open_requests, events) -> NextStep | None:
    """The next step on ``case`` and its date; None once the file is closed, refused or interrupted."""
    state, today = State(case.state), deadlines.today()

    def step(label: str, due: date | None) -> NextStep:
        return NextStep(label, due, deadline_state(due, today, warn_days_left=3).value if due else WAITING)

    ended_on = paris_date(case.ended_at) if isinstance(case.ended_at, datetime) else None
    if state == State.RECEIVED:
        return step(_("Check that the file is complete, then decide on its admissibility"), case.rejection_due)
    if state == State.INCOMPLETE:
        asked = _last_event_day(events, "documents_requested")
        return step(_("Wait for the missing documents; remind the consumer if they do not arrive"),
                    deadlines.party_reply_due_from(asked) if asked else case.rejection_due)
    if state == State.ADMISSIBILITY_REVIEW:
        return step(_("Decide on admissibility and notify the decision"), case.rejection_due)
    if state == State.AWAITING_COMPANY and open_requests:
        return step(_("Receive the department's observations, or remind it"), min(r.due_on for r in open_requests))
    if state == State.AWAITING_CONSUMER:
        asked = _last_event_day(events, "consumer_asked")
        return step(_("Receive the consumer's answer"), deadlines.party_reply_due_from(asked) if asked else None)
    if state in INSTRUCTING:
        label = (_("Have the proposal signed") if proposal and not proposal.signed_at
                 else _("Write the proposal, or record an amicable agreement"))
        return step(label, case.outcome_due)
    if state in AWAITING_ANSWERS:
        return step(_("Record each party's answer to the proposal"), proposal.acceptance_deadline if proposal else None)
    if state in (State.ACCEPTED, State.AGREEMENT, State.IMPLEMENTATION_TRACKING) and ended_on:
        return step(_("Check that the solution was carried out, then close the file"),
                    deadlines.implementation_check_on(ended_on))
    if state in (State.REFUSED_BY_COMPANY, State.REFUSED_BY_CONSUMER, State.NO_RESPONSE) and ended_on:
        return step(_("Close the file: the closure letter tells both parties how the mediation ended"),
                    deadlines.closure_letter_due(ended_on))
    return None
