"""Opening and keeping a file: its reference, its parties, its receipt, its classification, the helpdesk label.

Admitting or refusing it is :mod:`mediator_plugin.cases.admissibility`; its end, :mod:`mediator_plugin.cases.closure`.
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
from mediator_plugin.cases.models import Case, Party, ReferenceCounter
from mediator_plugin.cases.workflow import BEFORE_ADMISSION, State, check
from mediator_plugin.core.calendar import PARIS, paris_date
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import InvalidTransition, MissingField
from mediator_plugin.core.outbox import OutboxKind, enqueue
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
