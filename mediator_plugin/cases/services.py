"""Opening, admitting, refusing, interrupting and closing a file (R-FLOW-1, R-ADM-*, R-DEADLINE-1/-2).

Each function is one step of the procedure: it checks role, state and deadlines, changes the file,
writes the timeline, the audit entry, the letters and the outbox, or raises a clear error. None
commits: the caller (a view, the CLI, a job) commits once, so a refused step stores nothing. Every
date rule is read from :mod:`mediator_plugin.cases.deadlines`.
"""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from connectors.base import MediationLabel
from mediator_plugin import state
from mediator_plugin.cases import deadlines, parties, timeline
from mediator_plugin.cases.closure import closure_fields
from mediator_plugin.cases.models import Case, ConflictDeclaration, Document, Party, ReferenceCounter, TimelineEvent
from mediator_plugin.cases.notices import postal_roles, send_letter
from mediator_plugin.cases.workflow import BEFORE_ADMISSION, INTERRUPTED, OUTCOME_REACHED, State, check
from mediator_plugin.core.calendar import PARIS, paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import DeadlinePassed, InvalidTransition, MissingField
from mediator_plugin.core.outbox import OutboxKind, enqueue
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import Identity


def next_reference(year: int) -> str:
    """``MED-YYYY-NNNNN``: the next number of the year, safe under concurrent openings."""
    bumped = db.session.execute(
        sa.update(ReferenceCounter).where(ReferenceCounter.year == year)
        .values(last=ReferenceCounter.last + 1).returning(ReferenceCounter.last)
    ).scalar()
    if bumped is None:
        try:
            with db.session.begin_nested():
                db.session.add(ReferenceCounter(year=year, last=1))
            bumped = 1
        except sa.exc.IntegrityError:
            return next_reference(year)  # another opening created the year's counter first
    return f"MED-{year}-{bumped:05d}"


def create_case(*, actor: Identity, channel: str, subject: str, received_at: datetime, consumer: dict,
                first_written_complaint_on: date | None = None, last_written_complaint_on: date | None = None,
                party_type: str = "consumer", reference: str | None = None) -> Case:
    """A new file in state RECEIVED with both parties; the caller adds what its channel brings.

    ``received_at`` is when the mediator received the request (the request on the ticket, the online filing,
    the stamp on a letter): the three weeks to refuse it run from that day (L612-2, R-DEADLINE-1).
    ``reference`` is one reserved earlier with :func:`next_reference` (an online filing quotes it at once).
    The dispute domain starts as the charter's first (R-SCOPE-2), the region from the consumer's postcode or
    address (R-STATS-2); the team corrects the domain with :func:`classify`.
    """
    charter = state().charter
    if party_type not in charter.scope["party_types"]:
        raise MissingField(_("Unknown party type."), field="party_type")
    case = Case(
        reference=reference or next_reference(paris_date(received_at).year),
        state=State.RECEIVED,
        charter_version=charter.version,
        charter_sha256=charter.sha256,
        channel=channel,
        subject=subject[:300],
        party_type=party_type,
        dispute_domain=charter.scope["dispute_domains"][0]["code"],
        received_at=received_at,
        rejection_due=deadlines.rejection_due_from(paris_date(received_at)),
        first_written_complaint_on=first_written_complaint_on,
        last_written_complaint_on=last_written_complaint_on or first_written_complaint_on,
        assigned_to=actor.sub,
    )
    db.session.add(case)
    db.session.flush()
    db.session.add(Party(case_id=case.id, role="consumer", **consumer))
    db.session.add(Party(case_id=case.id, role="company", name=charter.mediator["company_name"],
                         email=charter.mediator["company_email"],
                         postal_address=charter.mediator["company_address"]))
    db.session.flush()
    db.session.refresh(case)
    parties.locate_consumer(case)
    timeline.log(case, actor, "opened", channel=channel, charter_version=charter.version,
                 rejection_due=case.rejection_due)
    return case


def correct_receipt_date(case: Case, actor: Identity, *, received_on: date, reason: str) -> None:
    """Correct the day the request was received (a letter's stamp read wrong), before the admissibility
    decision, with the reason in the history (R-PRESC-1); the refusal clock follows."""
    check("edit_file", case.state, actor)
    if case.state not in BEFORE_ADMISSION:
        raise InvalidTransition(_("The date of receipt can only be corrected before the admissibility decision."))
    if not reason.strip():
        raise MissingField(_("Give the reason for the correction."), field="reason")
    if received_on > deadlines.today():
        raise MissingField(_("The date cannot be in the future."), field="received_on")
    previous = paris_date(case.received_at)
    case.__dict__["_receipt_correction"] = True
    case.received_at = datetime.combine(received_on, time(12), PARIS)
    if case.rejection_due is not None and deadlines.rejection_clock_from() == deadlines.FROM_RECEIPT:
        case.rejection_due = deadlines.rejection_due_from(received_on)
    timeline.log(case, actor, "receipt_corrected", previous=previous, received_on=received_on,
                 why=reason.strip(), rejection_due=case.rejection_due)


def queue_helpdesk_label(case: Case, label: MediationLabel) -> None:
    """Queue the only write-back the helpdesk ever gets: the neutral label (interfaces.md)."""
    if case.ticket is None:
        return
    ticket = case.ticket
    enqueue(OutboxKind.HELPDESK_LABEL, f"label:{ticket.vendor}:{ticket.ticket_id}:{label.value}",
            {"vendor": ticket.vendor, "ticket_id": ticket.ticket_id, "label": label.value}, case_id=case.id)


def classify(case: Case, actor: Identity, *, subcategory: str | None = None, department: str | None = None,
             cross_border: bool | None = None, party_type: str | None = None, reason: str = "",
             dispute_domain: str | None = None) -> None:
    """Set the category (level 2; level 1 follows), the department, cross-border (the region follows), the
    dispute domain and the party type (R-STATS-2, R-SCOPE-2); every change is in the history.

    A change of party type decides whether the dispute counts in the statutory figures (R-SCOPE-2): it needs
    its reason, kept in the history."""
    check("edit_file", case.state, actor)
    charter = state().charter
    changes = {}
    if subcategory is not None and subcategory != case.subcategory:
        try:
            case.category = charter.subcategory_parent(subcategory)
        except KeyError:
            raise MissingField(_("Unknown category."), field="subcategory") from None
        changes["subcategory"] = [case.subcategory, subcategory]
        case.subcategory = subcategory
    if department is not None and department != case.department:
        if department not in state().settings["departments"]:
            raise MissingField(_("Unknown department."), field="department")
        changes["department"] = [case.department, department]
        case.department = department
    if cross_border is not None and cross_border != case.cross_border:
        changes["cross_border"] = [case.cross_border, cross_border]
        case.cross_border = cross_border
        parties.locate_consumer(case)
    if dispute_domain is not None and dispute_domain != case.dispute_domain:
        if dispute_domain not in {d["code"] for d in charter.scope["dispute_domains"]}:
            raise MissingField(_("Unknown dispute domain."), field="dispute_domain")
        changes["dispute_domain"] = [case.dispute_domain, dispute_domain]
        case.dispute_domain = dispute_domain
    if party_type is not None and party_type != case.party_type:
        if party_type not in charter.scope["party_types"]:
            raise MissingField(_("Unknown party type."), field="party_type")
        if not reason.strip():
            raise MissingField(_("Say why the party type changes: it decides whether the dispute counts in the "
                                 "statutory figures."), field="party_type_reason")
        timeline.log(case, actor, "party_type_set", previous=case.party_type, party_type=party_type,
                     why=reason.strip())
        case.party_type = party_type
    if changes:
        timeline.log(case, actor, "classified", changes=changes)


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


def reach_outcome(case: Case, final: State, *, ended_at: datetime, outcome: str) -> None:
    """The mediation has its outcome (both answers, the answer deadline passed, an agreement): the day it ended
    is recorded once (R612-5, R-PRESC-2, R-DEADLINE-5) and every duration runs to it."""
    case.state, case.outcome, case.ended_at = final, outcome, ended_at


def interrupt(case: Case, actor: Identity, *, cause: str, note: str = "") -> None:
    """End the mediation before an outcome (R-FLOW-1); a court action stops the clocks (R-FLOW-5)."""
    check("interrupt", case.state, actor)
    if cause not in INTERRUPTED or cause == State.COI_OBJECTION:
        raise MissingField(_("Choose a cause of interruption."), field="cause")
    if cause in (State.COMPANY_DECLINED, State.COMPANY_NO_REPLY) and case.notified_at is None:
        raise MissingField(_("The company can only decline once the file has been admitted."), field="cause")
    if cause == State.COMPANY_NO_REPLY and not _company_late(case):
        raise MissingField(_("No request to the company is past its deadline without an answer: its silence "
                             "cannot end the mediation yet."), field="cause")
    if cause == State.COURT_SEIZED:
        case.court_case_declared = True  # R-ADM-6: flagged on any later request of the same consumer
    end_mediation(case, actor, State(cause), note=note)


def _company_late(case: Case) -> bool:
    from mediator_plugin.cases.models import ObservationRequest

    return db.session.execute(sa.select(sa.exists().where(
        ObservationRequest.case_id == case.id, ObservationRequest.answered_at.is_(None),
        ObservationRequest.due_on < deadlines.today()))).scalar()


def close(case: Case, actor: Identity, *, note: str = "") -> None:
    """Close a file whose outcome is known, after any implementation follow-up: the closure letter states the
    outcome, each party's answer, the company's reasons and the day the mediation ended (R-PRESC-2)."""
    check("close", case.state, actor)
    if case.state not in OUTCOME_REACHED or case.ended_at is None:
        raise InvalidTransition(_("The mediation has no outcome yet."))
    case.closed_at = utcnow()
    case.state = State.CLOSED
    timeline.log(case, actor, "ended", final_state=State.CLOSED.value, note=note.strip() or None)
    send_letter(case, "closure", actor, fields=closure_fields(case))
    queue_helpdesk_label(case, MediationLabel.ENDED)


def end_mediation(case: Case, actor: Identity, final: State, *, note: str) -> None:
    """End the mediation early (an interruption, an objection): it ends now, and the file closes with it."""
    now = utcnow()
    case.ended_at = case.closed_at = now
    recipients = ["consumer", "company"] if case.notified_at else ["consumer"]
    case.state = final
    timeline.log(case, actor, "ended", final_state=final.value, note=note.strip() or None)
    send_letter(case, "closure", actor, recipients=recipients, fields=closure_fields(case))
    queue_helpdesk_label(case, MediationLabel.ENDED)
