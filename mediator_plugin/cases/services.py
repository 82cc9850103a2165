"""Opening, admitting, refusing, interrupting and closing a file (R-FLOW-1, R-ADM-*, R-DEADLINE-1/-2).

Each function is one step of the procedure: it checks role, state and deadlines, changes the file,
writes the timeline, the audit entry, the letters and the outbox, or raises a clear error. None
commits: the caller (a view, the CLI, a job) commits once, so a refused step stores nothing.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from connectors.base import MediationLabel
from mediator_plugin import state
from mediator_plugin.cases import timeline
from mediator_plugin.cases.models import Case, Party, ReferenceCounter
from mediator_plugin.cases.notices import send_letter
from mediator_plugin.cases.workflow import INTERRUPTED, State, check
from mediator_plugin.core.calendar import add_calendar_days, paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import DeadlinePassed, MissingField
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


def create_case(*, actor: Identity, channel: str, subject: str, received_at, consumer: dict,
                first_written_complaint_on: date | None = None, party_type: str = "consumer",
                reference: str | None = None) -> Case:
    """A new file in state RECEIVED with both parties; the caller adds what its channel brings.

    ``reference`` is one reserved earlier with :func:`next_reference` (an online filing quotes it at once).
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
        received_at=received_at,
        first_written_complaint_on=first_written_complaint_on,
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
    timeline.log(case, actor, "opened", channel=channel, charter_version=charter.version)
    return case


def queue_helpdesk_label(case: Case, label: MediationLabel) -> None:
    """Queue the only write-back the helpdesk ever gets: the neutral label (interfaces.md)."""
    if case.ticket is None:
        return
    ticket = case.ticket
    enqueue(OutboxKind.HELPDESK_LABEL, f"label:{ticket.vendor}:{ticket.ticket_id}:{label.value}",
            {"vendor": ticket.vendor, "ticket_id": ticket.ticket_id, "label": label.value}, case_id=case.id)


def classify(case: Case, actor: Identity, *, subcategory: str | None = None, department: str | None = None,
             cross_border: bool | None = None, party_type: str | None = None) -> None:
    """Set the category (level 2; level 1 follows), the department, cross-border and party type (R-STATS-2)."""
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
    if party_type is not None and party_type != case.party_type:
        if party_type not in charter.scope["party_types"]:
            raise MissingField(_("Unknown party type."), field="party_type")
        changes["party_type"] = [case.party_type, party_type]
        case.party_type = party_type
    if changes:
        timeline.log(case, actor, "classified", changes=changes)


def request_documents(case: Case, actor: Identity, *, missing: str) -> None:
    """Ask the consumer for documents strictly needed (CECMC B04); the file is INCOMPLETE meanwhile."""
    check("request_documents", case.state, actor)
    if not missing.strip():
        raise MissingField(_("Say which documents are missing."), field="missing")
    case.state = State.INCOMPLETE
    timeline.log(case, actor, "documents_requested", missing=missing.strip())


def mark_complete(case: Case, actor: Identity) -> None:
    """The documents the request rests on have arrived: the 21-day clock starts (R-DEADLINE-2)."""
    check("mark_complete", case.state, actor)
    now = utcnow()
    case.complete_at = now
    case.rejection_due = add_calendar_days(paris_date(now), state().charter.deadlines["rejection_days"])
    case.state = State.ADMISSIBILITY_REVIEW
    timeline.log(case, actor, "complete", rejection_due=case.rejection_due)


def _require_in_time(due: date | None, what: str, late_reason: str | None) -> str | None:
    """Past ``due``, an action needs a recorded reason for the delay (it is then shown in reports)."""
    if due is None or paris_date(utcnow()) <= due:
        return None
    if not (late_reason and late_reason.strip()):
        raise DeadlinePassed(_("The deadline for %(what)s expired on %(due)s: give the reason for the delay.",
                               what=what, due=fr_date(due)), field="late_reason")
    return late_reason.strip()


def declare_inadmissible(case: Case, actor: Identity, *, ground: str, sub_reason: str | None = None,
                         late_reason: str | None = None) -> None:
    """Refuse on one of the five legal grounds (R-ADM-1) and tell the consumer why and what next (R-ADM-5)."""
    check("declare_inadmissible", case.state, actor)
    charter = state().charter
    try:
        ground_data = charter.ground(ground)
    except KeyError:
        raise MissingField(_("Choose one of the five legal grounds."), field="ground") from None
    sub_label = ""
    if sub_reason:
        subs = {s["code"]: s["label"] for s in ground_data["sub_reasons"]}
        if sub_reason not in subs:
            raise MissingField(_("This sub-reason does not belong to the chosen ground."), field="sub_reason")
        sub_label = subs[sub_reason]
    late = _require_in_time(case.rejection_due, _("telling the consumer of a refusal (21 days)"), late_reason)
    now = utcnow()
    case.inadmissibility_ground, case.inadmissibility_sub_reason = ground, sub_reason or None
    case.admissibility_decided_at = case.closed_at = now
    case.late_reason = late or case.late_reason
    case.complete_at = case.complete_at or now
    case.state = State.INADMISSIBLE
    timeline.log(case, actor, "inadmissible", ground=ground, sub_reason=sub_reason, late_reason=late)
    label = ground_data["label"] + (f" ({sub_label})" if sub_label else "")
    send_letter(case, "rejection", actor, fields={"ground_label": label, "next_steps": ground_data["next_steps"]})
    queue_helpdesk_label(case, MediationLabel.ENDED)


def declare_admissible(case: Case, actor: Identity, *, late_reason: str | None = None) -> None:
    """Admit the file and notify both parties (R612-2): the 90-day clock starts (R-DEADLINE-3).

    A declaration of interests on the file must come first (R-INFO-3, R-IND-3).
    """
    from mediator_plugin.cases.models import ConflictDeclaration

    check("declare_admissible", case.state, actor)
    declarations = db.session.execute(
        sa.select(ConflictDeclaration).where(ConflictDeclaration.case_id == case.id)
    ).scalars().all()
    if not declarations:
        raise MissingField(_("Declare your interests on this file before admitting it."), field="has_conflict")
    if any(d.has_conflict and d.objected_at is None and d.objection_until >= paris_date(utcnow())
           for d in declarations):
        raise DeadlinePassed(_("The parties may still object to the declared conflict of interest."))
    late = _require_in_time(case.rejection_due, _("the admissibility decision (21 days)"), late_reason)
    now = utcnow()
    case.admissibility_decided_at = case.notified_at = now
    case.outcome_due = add_calendar_days(paris_date(now), state().charter.deadlines["outcome_days"])
    case.late_reason = late or case.late_reason
    case.state = State.ADMITTED
    timeline.log(case, actor, "admitted", outcome_due=case.outcome_due, late_reason=late)
    send_letter(case, "seizure", actor)


def interrupt(case: Case, actor: Identity, *, cause: str, note: str = "") -> None:
    """End the mediation before an outcome (R-FLOW-1); a court action stops the clocks (R-FLOW-5)."""
    check("interrupt", case.state, actor)
    if cause not in INTERRUPTED or cause == State.COI_OBJECTION:
        raise MissingField(_("Choose a cause of interruption."), field="cause")
    if cause == State.COMPANY_DECLINED and case.notified_at is None:
        raise MissingField(_("The company can only decline once the file has been admitted."), field="cause")
    if cause == State.COURT_SEIZED:
        case.court_case_declared = True  # R-ADM-6: flagged on any later request of the same consumer
    _end(case, actor, State(cause), summary=state().charter.label("interruption", cause), note=note)


def close(case: Case, actor: Identity, *, note: str = "") -> None:
    """Close a file whose outcome is known: the date the mediation ended goes to both parties (R-PRESC-2)."""
    from mediator_plugin.proposals.queries import current_proposal

    check("close", case.state, actor)
    if case.resolution_mode == "agreement":
        case.outcome = "AMICABLE_AGREEMENT"
    else:
        case.outcome = current_proposal(case).outcome
    summary = state().charter.label("outcome", case.outcome)
    _end(case, actor, State.CLOSED, summary=summary, note=note)


def _end(case: Case, actor: Identity, final: State, *, summary: str, note: str) -> None:
    now = utcnow()
    case.closed_at = now
    recipients = ["consumer", "company"] if case.notified_at else ["consumer"]
    case.state = final
    timeline.log(case, actor, "ended", final_state=final.value, note=note.strip() or None)
    send_letter(case, "closure", actor, recipients=recipients,
                fields={"closed_on": fr_date(paris_date(now)), "closure_summary": summary})
    queue_helpdesk_label(case, MediationLabel.ENDED)
