"""Examining an admitted file: interests, requests for observations, the consumer, extension, agreement.

R-INFO-3 (conflict of interest), R-FLOW-2 (company deadline in working days, reminders), R-DEADLINE-4
(extension with a notice to both parties), R-FLOW-1 (amicable agreement).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases import deadlines, documents, timeline
from mediator_plugin.cases.closure import end_mediation, reach_outcome
from mediator_plugin.cases.models import Case, ConflictDeclaration, Extension, ObservationRequest
from mediator_plugin.cases.notices import postal_roles, send_letter
from mediator_plugin.cases.workflow import State, check
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import DeadlinePassed, InvalidTransition, MissingField, NotAllowed
from mediator_plugin.core.outbox import OutboxKind, enqueue
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import Identity
from mediator_plugin.core.urls import external_url

EXTENSION_REASONS = ("expertise", "multiple_contracts", "awaiting_documents", "legal_question", "other")


def declare_interests(case: Case, actor: Identity, *, has_conflict: bool,
                      circumstances: str = "") -> ConflictDeclaration:
    """Record the actor's declaration; a declared conflict is told to both parties with a window to object."""
    check("declare_interests", case.state, actor)
    circumstances = circumstances.strip()
    if has_conflict and not circumstances:
        raise MissingField(_("Describe the circumstances that could affect your impartiality."),
                           field="circumstances")
    declaration = ConflictDeclaration(
        case_id=case.id, declared_by=actor.name, declared_at=utcnow(), has_conflict=has_conflict,
        circumstances=circumstances,
        objection_until=deadlines.objection_until_from(deadlines.today()) if has_conflict else None,
    )
    db.session.add(declaration)
    timeline.log(case, actor, "interests_declared", has_conflict=has_conflict,
                 objection_until=declaration.objection_until)
    if has_conflict:
        for role in ("consumer", "company"):
            party = case.party(role)
            if party and party.email:
                with force_locale("fr"):  # parties are written to in French
                    enqueue(OutboxKind.MAIL, f"coi:{case.reference}:{declaration.declared_at.isoformat()}:{role}", {
                        "to": [party.email],
                        "subject": _("Mediation %(reference)s: declaration of the mediator", reference=case.reference),
                        "body": _("The mediator informs you of the following circumstance, which could be seen as "
                                  "affecting their impartiality: %(circumstances)s\n\nYou may object to the mediation "
                                  "going on until %(until)s by answering this message.",
                                  circumstances=circumstances, until=fr_date(declaration.objection_until)),
                        "attachments": [],
                    }, case_id=case.id)
    return declaration


def record_objection(case: Case, actor: Identity, *, party: str) -> None:
    """A party objects after a declared conflict: the mission ends (R613-1)."""
    check("record_objection", case.state, actor)
    declaration = db.session.execute(
        sa.select(ConflictDeclaration).where(ConflictDeclaration.case_id == case.id,
                                             ConflictDeclaration.has_conflict.is_(True))
        .order_by(ConflictDeclaration.id.desc())
    ).scalars().first()
    if declaration is None:
        raise InvalidTransition(_("No conflict of interest was declared on this file."))
    if deadlines.today() > declaration.objection_until:
        raise DeadlinePassed(_("The time to object ended on %(until)s.", until=fr_date(declaration.objection_until)))
    if party not in ("consumer", "company"):
        raise MissingField(_("Say which party objects."), field="party")
    declaration.objected_by, declaration.objected_at = party, utcnow()
    end_mediation(case, actor, State.COI_OBJECTION, note="")


def request_observations(case: Case, actor: Identity, *, department: str, question: str,
                         due_on: date | None = None) -> ObservationRequest:
    """Ask a department for its observations; by default it has the charter's working days to answer."""
    check("request_observations", case.state, actor)
    settings = state().settings
    if department not in settings["departments"]:
        raise MissingField(_("Unknown department."), field="department")
    if not question.strip():
        raise MissingField(_("Write the question to the department."), field="question")
    today = deadlines.today()
    due_on = due_on or deadlines.observations_due_from(today)
    if due_on <= today:
        raise MissingField(_("The deadline must be after today."), field="due_on")
    request = ObservationRequest(case_id=case.id, department=department, question=question.strip(),
                                 sent_at=utcnow(), sent_by=actor.name, due_on=due_on)
    db.session.add(request)
    db.session.flush()
    case.state = State.AWAITING_COMPANY
    timeline.log(case, actor, "observations_requested", department=department, due_on=due_on)
    with force_locale("fr"):  # departments are written to in French
        enqueue(OutboxKind.MAIL, f"observations:{request.id}", {
            "to_department": department,
            "subject": _("Mediation %(reference)s: request for observations", reference=case.reference),
            "body": _("The mediator asks your department for its observations on file %(reference)s by "
                      "%(due)s at the latest. Answer in your correspondent space: %(url)s",
                      reference=case.reference, due=fr_date(due_on),
                      url=external_url("mediator.correspondent.requests")),
            "attachments": [],
        }, case_id=case.id)
    return request


def answer_observations(request: ObservationRequest, actor: Identity, *, answer: str,
                        attachments: Sequence[tuple[str, bytes]] = ()) -> None:
    """The department's answer, by its correspondent (only their own department) or typed by the team.

    ``attachments`` (filename, content) are checked and stored on the file with the answer, or, if
    one is refused, nothing is (the caller's transaction is rolled back).
    """
    case = db.session.get(Case, request.case_id)
    team = actor.on_team
    check("record_observations" if team else "answer_observations", case.state, actor)
    if not team and request.department not in actor.departments:
        raise NotAllowed(_("This request is addressed to another department."))
    if request.answered_at is not None:
        raise InvalidTransition(_("This request has already been answered."))
    if not answer.strip():
        raise MissingField(_("Write the department's observations."), field="answer")
    request.answer, request.answered_at, request.answered_by = answer.strip(), utcnow(), actor.name
    late = paris_date(request.answered_at) > request.due_on
    open_requests = db.session.execute(
        sa.select(sa.func.count()).select_from(ObservationRequest)
        .where(ObservationRequest.case_id == case.id, ObservationRequest.answered_at.is_(None))
    ).scalar()
    if case.state == State.AWAITING_COMPANY and open_requests == 0:
        case.state = State.INSTRUCTION
    timeline.log(case, actor, "observations_received", department=request.department, late=late)
    for filename, content in attachments:
        document = documents.add_upload(case, filename=filename, content=content, actor=actor.name,
                                        kind="observations", department=request.department)
        timeline.log(case, actor, "document_added", filename=document.filename, sha256=document.sha256)


def request_consumer_info(case: Case, actor: Identity, *, question: str) -> None:
    """Ask the consumer a question; the file waits for the answer."""
    check("request_consumer_info", case.state, actor)
    if not question.strip():
        raise MissingField(_("Write the question to the consumer."), field="question")
    case.state = State.AWAITING_CONSUMER
    timeline.log(case, actor, "consumer_asked", question=question.strip())


def record_consumer_info(case: Case, actor: Identity, *, summary: str) -> None:
    """The consumer answered."""
    check("record_consumer_info", case.state, actor)
    if not summary.strip():
        raise MissingField(_("Summarise the consumer's answer."), field="summary")
    case.state = State.INSTRUCTION
    timeline.log(case, actor, "consumer_answered", summary=summary.strip())


def extend_deadline(case: Case, actor: Identity, *, reason_category: str, justification: str,
                    new_due: date) -> Extension:
    """Prolong the 90 days for a complex dispute, before they run out, telling both parties (R612-5)."""
    check("extend_deadline", case.state, actor)
    if reason_category not in EXTENSION_REASONS:
        raise MissingField(_("Choose why the dispute is complex."), field="reason_category")
    if not justification.strip():
        raise MissingField(_("Explain why the dispute is complex."), field="justification")
    deadlines.check_extension(case.outcome_due, new_due, deadlines.today())
    extension = Extension(case_id=case.id, decided_at=utcnow(), decided_by=actor.name,
                          reason_category=reason_category, justification=justification.strip(),
                          previous_due=case.outcome_due, new_due=new_due)
    db.session.add(extension)
    previous = case.outcome_due
    case.outcome_due = new_due
    timeline.log(case, actor, "extended", previous_due=previous, new_due=new_due, reason=reason_category,
                 to_post=postal_roles(case, "extension") or None)
    # The notice to both parties is part of the decision: without it nothing is saved (R-DEADLINE-4).
    send_letter(case, "extension", actor, fields={
        "extension_reason": justification.strip(), "previous_due": fr_date(previous), "new_due": fr_date(new_due)})
    return extension


def record_agreement(case: Case, actor: Identity, *, text: str) -> None:
    """The parties settled during the mediation (R-STATS-3 ``AMICABLE_AGREEMENT``): the mediation ends today,
    and both parties receive the terms with the date it ended (R-PRESC-2); the implementation follow-up comes
    after."""
    check("record_agreement", case.state, actor)
    if not text.strip():
        raise MissingField(_("Write the terms of the agreement."), field="text")
    case.agreement_text, case.resolution_mode = text.strip(), "agreement"
    reach_outcome(case, State.AGREEMENT, ended_at=utcnow(), outcome="AMICABLE_AGREEMENT")
    timeline.log(case, actor, "agreement")
    send_letter(case, "agreement", actor, fields={"ended_on": fr_date(paris_date(case.ended_at)),
                                                 "agreement_terms": case.agreement_text})

