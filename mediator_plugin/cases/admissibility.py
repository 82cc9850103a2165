"""Admissibility (L612-2, R-ADM-1 to R-ADM-5, R-DEADLINE-1/-2): completing the file, admitting or refusing it.

What a request shows of the five grounds are hints on the intake card and the file page, and the ground a
refusal form offers first: the product never refuses a request by itself; the decision, and its letter, stay
the team's (R-ADM-2). A refusal's letter is specific to its ground; the three weeks run as the charter counts
them (:mod:`mediator_plugin.cases.deadlines`). None of these steps commits: the caller does, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa

from connectors.base import MediationLabel
from mediator_plugin import state
from mediator_plugin.cases import deadlines, timeline
from mediator_plugin.cases.models import Case, ConflictDeclaration, Document, TimelineEvent
from mediator_plugin.cases.notices import postal_roles, send_letter
from mediator_plugin.cases.services import queue_helpdesk_label
from mediator_plugin.cases.workflow import State, check
from mediator_plugin.core.calendar import PARIS, paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import DeadlinePassed, MissingField
from mediator_plugin.core.i18n import gettext as _
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import Identity

NO_COMPLAINT, OVER_ONE_YEAR, OUT_OF_SCOPE = "NO_PRIOR_WRITTEN_COMPLAINT", "OVER_ONE_YEAR", "OUT_OF_SCOPE"
ELSEWHERE = "ALREADY_EXAMINED_OR_PENDING_ELSEWHERE"


@dataclass(frozen=True)
class GroundHint:
    """A ground of L612-2 the request seems to meet, and why, in a sentence for the team."""

    ground: str
    reason: str


def ground_hints(*, received_on: date, first_complaint: date | None, last_complaint: date | None,
                 certified_complaint: bool | None, party_type: str | None,
                 court_cases: tuple[str, ...] = ()) -> list[GroundHint]:
    """The grounds the request's own data point to, most likely first (none for a request that meets them all).

    ``certified_complaint`` is what the consumer declared on the online form (None when not asked);
    ``court_cases`` the other files of the same consumer where a court case was declared (R-ADM-6)."""
    hints = []
    if court_cases:  # a declared court case is a fact; the other hints are the request's own data
        hints.append(GroundHint(ELSEWHERE, _("A court case was declared on the consumer's file %(refs)s.",
                                             refs=", ".join(court_cases))))
    if certified_complaint is False or (certified_complaint is None and first_complaint is None):
        hints.append(GroundHint(NO_COMPLAINT, _("The consumer did not state a prior written complaint to the "
                                                "company.")))
    if deadlines.over_complaint_limit(received_on, first_complaint, last_complaint):
        limit = deadlines.complaint_limit(first_complaint, last_complaint)
        hints.append(GroundHint(OVER_ONE_YEAR, _("Received on %(received)s, after the one-year limit from the "
                                                 "written complaint (%(limit)s).", received=fr_date(received_on),
                                                 limit=fr_date(limit))))
    if party_type == "professional":
        hints.append(GroundHint(OUT_OF_SCOPE, _("The requester is marked as a professional: consumer mediation "
                                                "does not cover disputes between professionals.")))
    return hints


def file_hints(view) -> list[GroundHint]:
    """The hints of a file, from its page's view (the online filing's declaration is in its history)."""
    case = view.case
    certified = next((e.data.get("certified_written_complaint") for e in view.events if e.kind == "filed_online"),
                     None)
    return ground_hints(received_on=paris_date(case.received_at),
                        first_complaint=case.first_written_complaint_on,
                        last_complaint=case.last_written_complaint_on, certified_complaint=certified,
                        party_type=case.party_type, court_cases=tuple(view.court_cases))


def request_documents(case: Case, actor: Identity, *, missing: str) -> None:
    """Ask the consumer for documents strictly needed (CECMC B04); the file is INCOMPLETE meanwhile.

    Where the charter counts the three weeks from the complete file, they wait for the last missing document."""
    check("request_documents", case.state, actor)
    if not missing.strip():
        raise MissingField(_("Say which documents are missing."), field="missing")
    case.state = State.INCOMPLETE
    if deadlines.rejection_clock_from() == deadlines.FROM_COMPLETE_FILE:
        case.rejection_due = None
    timeline.log(case, actor, "documents_requested", missing=missing.strip())


def _documents_requested_at(case: Case) -> datetime | None:
    return db.session.execute(sa.select(sa.func.max(TimelineEvent.at)).where(
        TimelineEvent.case_id == case.id, TimelineEvent.kind == "documents_requested")).scalar()


def _last_document_day(case: Case, since: datetime) -> date | None:
    """The day the last document sent by a party reached the file after ``since``."""
    arrived = db.session.execute(sa.select(sa.func.max(Document.uploaded_at)).where(
        Document.case_id == case.id, Document.kind == "upload", Document.uploaded_at >= since)).scalar()
    return paris_date(arrived) if arrived else None


def mark_complete(case: Case, actor: Identity, *, complete_on: date | None = None) -> None:
    """The documents the request rests on are all there: the file goes to the admissibility review.

    ``complete_on`` is the day the last missing document arrived (by default the day the last document
    reached the file after the request; with no request, the day of receipt). Where the charter counts the
    three weeks from the complete file, they start that day, not at this click (R-DEADLINE-1, -2)."""
    check("mark_complete", case.state, actor)
    received_on = paris_date(case.received_at)
    asked_at = _documents_requested_at(case)
    if complete_on is None:
        complete_on = _last_document_day(case, asked_at) if asked_at else received_on
    if complete_on is None:
        raise MissingField(_("No document reached the file since they were requested: give the day the last "
                             "missing document arrived."), field="complete_on")
    if complete_on > deadlines.today() or complete_on < received_on:
        raise MissingField(_("The day the file became complete lies between its receipt, %(received)s, and today.",
                           received=fr_date(received_on)), field="complete_on")
    case.complete_at = _moment_of(complete_on)
    start = deadlines.rejection_start(received_on, documents_requested=asked_at is not None, complete_on=complete_on)
    case.rejection_due = deadlines.rejection_due_from(start)
    case.state = State.ADMISSIBILITY_REVIEW
    timeline.log(case, actor, "complete", complete_on=complete_on, rejection_due=case.rejection_due)


def _moment_of(day: date) -> datetime:
    """Now for today; noon in Paris for an earlier day (a document that came by post that day)."""
    now = utcnow()
    return now if day == paris_date(now) else datetime.combine(day, time(12), PARIS)


def rejection_clock_start(case: Case) -> str:
    """What the refusal letter says the three weeks ran from."""
    texts = state().charter.texts
    if deadlines.rejection_clock_from() == deadlines.FROM_COMPLETE_FILE and case.complete_at is not None:
        return texts["rejection_clock_complete_file"].format(complete_on=fr_date(paris_date(case.complete_at)))
    return texts["rejection_clock_receipt"].format(received_on=fr_date(paris_date(case.received_at)))


def rejection_fields(case: Case, ground: str, sub_reason: str | None) -> dict[str, str]:
    """The fields of the refusal letter for ``ground``: its label, its own next steps (R-ADM-5)."""
    charter = state().charter
    try:
        ground_data = charter.ground(ground)
    except KeyError:
        raise MissingField(_("Choose one of the five legal grounds."), field="ground") from None
    subs = {s["code"]: s["label"] for s in ground_data["sub_reasons"]}
    if sub_reason and sub_reason not in subs:
        raise MissingField(_("This sub-reason does not belong to the chosen ground."), field="sub_reason")
    label = ground_data["label"] + (f" ({subs[sub_reason]})" if sub_reason else "")
    next_steps = ground_data["next_steps"].format(company_name=charter.mediator["company_name"],
                                                  sector_mediator=charter.sector_mediator())
    return {"ground_label": label, "next_steps": next_steps, "rejection_clock_start": rejection_clock_start(case)}


def declare_inadmissible(case: Case, actor: Identity, *, ground: str, sub_reason: str | None = None,
                         late_reason: str | None = None) -> None:
    """Refuse on one of the five legal grounds (R-ADM-1) and tell the consumer why and what next (R-ADM-5).

    Past the three weeks, whatever the state, the refusal needs the recorded reason for the delay."""
    check("declare_inadmissible", case.state, actor)
    fields = rejection_fields(case, ground, sub_reason)
    late = deadlines.require_in_time(case.rejection_due, _("telling the consumer of a refusal (21 days)"),
                                     late_reason)
    now = utcnow()
    case.inadmissibility_ground, case.inadmissibility_sub_reason = ground, sub_reason or None
    case.admissibility_decided_at = case.ended_at = case.closed_at = now
    case.late_reason = late or case.late_reason
    case.complete_at = case.complete_at or now
    case.state = State.INADMISSIBLE
    timeline.log(case, actor, "inadmissible", ground=ground, sub_reason=sub_reason, late_reason=late)
    send_letter(case, "rejection", actor, fields=fields)
    queue_helpdesk_label(case, MediationLabel.ENDED)


def declare_admissible(case: Case, actor: Identity, *, late_reason: str | None = None) -> None:
    """Admit the file and notify both parties (R612-2): the 90-day clock starts (R-DEADLINE-3).

    A declaration of interests on the file must come first (R-INFO-3, R-IND-3).
    """
    check("declare_admissible", case.state, actor)
    declarations = db.session.execute(
        sa.select(ConflictDeclaration).where(ConflictDeclaration.case_id == case.id)
    ).scalars().all()
    if not declarations:
        raise MissingField(_("Declare your interests on this file before admitting it."), field="has_conflict")
    if any(d.has_conflict and d.objected_at is None and d.objection_until >= deadlines.today()
           for d in declarations):
        raise DeadlinePassed(_("The parties may still object to the declared conflict of interest."))
    late = deadlines.require_in_time(case.rejection_due, _("the admissibility decision (21 days)"), late_reason)
    now = utcnow()
    case.admissibility_decided_at = case.notified_at = now
    case.outcome_due = deadlines.outcome_due_from(paris_date(now))
    case.late_reason = late or case.late_reason
    case.state = State.ADMITTED
    timeline.log(case, actor, "admitted", outcome_due=case.outcome_due, late_reason=late,
                 to_post=postal_roles(case, "seizure") or None)
    send_letter(case, "seizure", actor)
