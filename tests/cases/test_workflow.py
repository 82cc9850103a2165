"""The procedure, step by step, through the services (R-FLOW-1) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.cases import admissibility, closure, instruction
from mediator_plugin.cases.models import Case, Document, Extension
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.audit_verify import verify_chain
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import DeadlinePassed, InvalidTransition, MissingField, NotAllowed
from mediator_plugin.core.outbox import OutboxMessage
from mediator_plugin.proposals import services as proposals
from mediator_plugin.proposals.models import Proposal
from tests.support import samples
from tests.support.clock import paris_today
from tests.support.factories import SECTIONS, admitted_case, new_case


def _count(model, *where):
    return db.session.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar()


@pytest.mark.requirement("R-FLOW-1")
def test_whole_path_to_closure(app, people):
    """Does a file go from receipt to closure with every letter, label, timeline line and audit entry?"""
    handler, mediator = people.gestionnaire, people.mediatrice
    case = admitted_case(handler)
    assert case.state == State.ADMITTED and case.reference.startswith("MED-")
    instruction.request_observations(case, handler, department="billing", question="Confirmez-vous le doublon ?")
    db.session.commit()
    assert case.state == State.AWAITING_COMPANY
    request = db.session.execute(sa.select(instruction.ObservationRequest)).scalar_one()
    instruction.answer_observations(request, people.facturation, answer="Doublon confirmé, remboursement possible.")
    db.session.commit()
    assert case.state == State.INSTRUCTION
    proposals.save_proposal(case, handler, **SECTIONS)
    db.session.commit()
    proposals.sign_proposal(case, mediator, outcome="FULLY_FAVOURABLE_CONSUMER")
    db.session.commit()
    assert case.state == State.PROPOSAL_ISSUED
    today = paris_today()
    proposals.record_answer(case, handler, party="consumer", answer="accepted", answered_on=today, channel="email")
    db.session.commit()
    assert case.state == State.AWAITING_RESPONSES
    proposals.record_answer(case, handler, party="company", answer="accepted", answered_on=today, channel="email")
    db.session.commit()
    assert case.state == State.ACCEPTED
    proposals.record_implementation(case, people.facturation, status="done", done_on=today,
                                    evidence=("virement.pdf", samples.pdf("Virement")))
    db.session.commit()
    closure.close(case, handler)
    db.session.commit()
    assert case.state == State.CLOSED and case.outcome == "FULLY_FAVOURABLE_CONSUMER" and case.closed_at
    letters = db.session.execute(sa.select(Document.letter_kind).where(Document.kind == "letter")).scalars().all()
    assert sorted(set(letters)) == ["closure", "proposal", "seizure"]
    assert letters.count("seizure") == 2 and letters.count("closure") == 2  # one per party
    kinds = [e.kind for e in case.events]
    assert kinds[:2] == ["opened", "complete"] and kinds[-1] == "ended"
    assert _count(AuditEntry, AuditEntry.case_id == case.id) == len(case.events)
    assert verify_chain().broken_at is None


@pytest.mark.requirement("R-ADM-2", "R-FLOW-1")
def test_handler_cannot_sign_and_company_cannot_decide_admissibility(app, people):
    """Is signing kept to the mediator and admissibility to the mediator's team (R-ADM-2)?"""
    case = new_case(people.gestionnaire)
    admissibility.mark_complete(case, people.gestionnaire)
    with pytest.raises(NotAllowed):
        admissibility.declare_inadmissible(case, people.facturation, ground="OUT_OF_SCOPE")
    admitted = admitted_case(people.gestionnaire)
    proposals.save_proposal(admitted, people.gestionnaire, **SECTIONS)
    with pytest.raises(NotAllowed):
        proposals.sign_proposal(admitted, people.gestionnaire, outcome="PARTLY_FAVOURABLE")


@pytest.mark.requirement("R-FLOW-1")
def test_invalid_transition_is_refused_and_changes_nothing(app, people):
    """Is closing a file still under review refused, leaving state, timeline and outbox as they were?"""
    case = new_case(people.gestionnaire)
    events, outbox = len(case.events), _count(OutboxMessage)
    with pytest.raises(InvalidTransition, match=r"état « Reçu »"):
        closure.close(case, people.mediatrice)
    db.session.rollback()
    assert case.state == State.RECEIVED and len(case.events) == events and _count(OutboxMessage) == outbox


@pytest.mark.requirement("R-ADM-1")
def test_inadmissibility_needs_one_of_the_five_grounds(app, people):
    """Is a refusal without a legal ground, or with a foreign sub-reason, refused (R-ADM-1)?"""
    case = new_case(people.gestionnaire)
    with pytest.raises(MissingField):
        admissibility.declare_inadmissible(case, people.gestionnaire, ground="TOO_EXPENSIVE")
    with pytest.raises(MissingField):
        admissibility.declare_inadmissible(case, people.gestionnaire, ground="OVER_ONE_YEAR", sub_reason="COURT")
    admissibility.declare_inadmissible(case, people.gestionnaire, ground="ALREADY_EXAMINED_OR_PENDING_ELSEWHERE",
                                  sub_reason="COURT")
    db.session.commit()
    assert case.state == State.INADMISSIBLE and case.inadmissibility_sub_reason == "COURT"
    mail = db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.kind == "mail")).scalar_one()
    assert mail.payload["to"] == ["jeanne.dupont@example.org"]  # only the consumer is told of a refusal


@pytest.mark.requirement("R-DEADLINE-1")
def test_rejection_deadline_worked_example(app, people):
    """R-DEADLINE-1: received 2025-01-10, refusal due on or before 2025-01-31; later needs a reason."""
    with freeze_time("2025-01-10 09:00:00"):
        case = new_case(people.gestionnaire)
        admissibility.mark_complete(case, people.gestionnaire)
        db.session.commit()
    assert case.rejection_due == date(2025, 1, 31)
    with freeze_time("2025-02-01 09:00:00"):
        with pytest.raises(DeadlinePassed, match="31 janvier 2025"):
            admissibility.declare_inadmissible(case, people.gestionnaire, ground="OUT_OF_SCOPE")
        db.session.rollback()
        admissibility.declare_inadmissible(case, people.gestionnaire, ground="OUT_OF_SCOPE",
                                      late_reason="Pièces reçues par courrier avec retard")
        db.session.commit()
    assert case.late_reason == "Pièces reçues par courrier avec retard"


@pytest.mark.requirement("R-DEADLINE-3")
def test_outcome_deadline_worked_example(app, people):
    """R-DEADLINE-3: notified 2025-01-15, the mediation must end by 2025-04-15."""
    with freeze_time("2025-01-15 10:00:00"):
        case = admitted_case(people.gestionnaire)
    assert case.outcome_due == date(2025, 4, 15)


@pytest.mark.requirement("R-FUTURE-1", "R-FLOW-2")
def test_company_reply_deadline_in_working_days(app, people):
    """R-FUTURE-1: a request on 2026-03-02 is due on 2026-03-30 (20 working days)."""
    with freeze_time("2026-03-02 10:00:00"):
        case = admitted_case(people.gestionnaire)
        request = instruction.request_observations(case, people.gestionnaire, department="billing",
                                                   question="Vos observations ?")
        db.session.commit()
    assert request.due_on == date(2026, 3, 30)


@pytest.mark.requirement("R-DEADLINE-4")
def test_extension_needs_reason_new_date_and_a_notice_to_each_party(app, people):
    """R-DEADLINE-4: no notice possible ⇒ no extension stored; otherwise two letters go out."""
    with freeze_time("2025-01-15 10:00:00"):
        case = admitted_case(people.gestionnaire)
    with freeze_time("2025-03-01 10:00:00"):
        with pytest.raises(MissingField):
            instruction.extend_deadline(case, people.gestionnaire, reason_category="expertise", justification=" ",
                                        new_due=date(2025, 5, 15))
        db.session.rollback()
        consumer = case.party("consumer")
        consumer.email, consumer.postal_address = None, None
        db.session.commit()
        with pytest.raises(MissingField, match=r"Le consommateur n.a ni courriel"):
            instruction.extend_deadline(case, people.gestionnaire, reason_category="expertise",
                                        justification="Expertise technique du compteur", new_due=date(2025, 5, 15))
        db.session.rollback()
        assert _count(Extension) == 0 and case.outcome_due == date(2025, 4, 15)
        consumer.email = "jeanne.dupont@example.org"
        db.session.commit()
        instruction.extend_deadline(case, people.gestionnaire, reason_category="expertise",
                                    justification="Expertise technique du compteur", new_due=date(2025, 5, 15))
        db.session.commit()
    assert case.outcome_due == date(2025, 5, 15)
    notices = db.session.execute(sa.select(Document).where(Document.letter_kind == "extension")).scalars().all()
    assert len(notices) == 2
    with freeze_time("2025-05-16 10:00:00"), pytest.raises(DeadlinePassed):
        instruction.extend_deadline(case, people.gestionnaire, reason_category="expertise",
                                    justification="Encore", new_due=date(2025, 6, 15))


@pytest.mark.requirement("R-INFO-2", "R-FLOW-4", "R-STATS-4")
def test_answers_respect_the_acceptance_deadline(app, people):
    """R-INFO-2: no answer only after the deadline; an acceptance after it is refused."""
    with freeze_time("2025-01-15 10:00:00"):
        case = admitted_case(people.gestionnaire)
        proposals.save_proposal(case, people.gestionnaire, **SECTIONS)
        proposal = proposals.sign_proposal(case, people.mediatrice, outcome="PARTLY_FAVOURABLE")
        db.session.commit()
    assert proposal.acceptance_deadline == date(2025, 1, 29)
    with freeze_time("2025-01-20 10:00:00"), pytest.raises(DeadlinePassed):
        proposals.record_answer(case, people.gestionnaire, party="consumer", answer="no_answer",
                                answered_on=date(2025, 1, 20), channel="email")
    db.session.rollback()
    with freeze_time("2025-02-02 10:00:00"):
        with pytest.raises(DeadlinePassed):
            proposals.record_answer(case, people.gestionnaire, party="consumer", answer="accepted",
                                    answered_on=date(2025, 2, 1), channel="email")
        db.session.rollback()
        with pytest.raises(MissingField):
            proposals.record_answer(case, people.gestionnaire, party="company", answer="refused",
                                    answered_on=date(2025, 1, 28), channel="email")
        db.session.rollback()
        proposals.record_answer(case, people.gestionnaire, party="company", answer="refused",
                                answered_on=date(2025, 1, 28), channel="email", reason_category="ALREADY_COMPENSATED",
                                reason="Un geste commercial de 30 € a déjà été accordé en décembre.")
        proposals.record_answer(case, people.gestionnaire, party="consumer", answer="no_answer",
                                answered_on=date(2025, 2, 2), channel="post")
        db.session.commit()
    assert case.state == State.REFUSED_BY_COMPANY


def test_signed_proposal_is_frozen_and_corrections_are_new_versions(app, people):
    """Once signed, a proposal never changes; a correction is version 2 with its reason."""
    case = admitted_case(people.gestionnaire)
    proposals.save_proposal(case, people.gestionnaire, **SECTIONS)
    first = proposals.sign_proposal(case, people.mediatrice, outcome="FULLY_FAVOURABLE_CONSUMER")
    db.session.commit()
    with pytest.raises(InvalidTransition):
        proposals.save_proposal(case, people.gestionnaire, solution="Autre chose")
    db.session.rollback()
    first.solution = "Modification sauvage"
    with pytest.raises(Exception, match="cannot change"):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(MissingField):
        proposals.correct_proposal(case, people.mediatrice, reason="  ", outcome="FULLY_FAVOURABLE_CONSUMER",
                                   solution="Rembourser 67,90 €")
    db.session.rollback()
    second = proposals.correct_proposal(case, people.mediatrice, reason="Erreur de montant",
                                        outcome="FULLY_FAVOURABLE_CONSUMER",
                                        solution="Rembourser 67,90 € sous 15 jours.")
    db.session.commit()
    versions = db.session.execute(sa.select(Proposal).order_by(Proposal.version)).scalars().all()
    assert [p.version for p in versions] == [1, 2] and versions[0].superseded and not second.superseded
    assert versions[0].solution == SECTIONS["solution"] and second.correction_reason == "Erreur de montant"


@pytest.mark.requirement("R-INFO-3", "R-IND-3")
def test_conflict_of_interest_objection_ends_the_mission(app, people):
    """R-INFO-3: a declared conflict blocks admission until the window ends; an objection ends the file."""
    case = new_case(people.gestionnaire)
    admissibility.mark_complete(case, people.gestionnaire)
    db.session.commit()
    with pytest.raises(MissingField):
        admissibility.declare_admissible(case, people.gestionnaire)
    db.session.rollback()
    instruction.declare_interests(case, people.mediatrice, has_conflict=True,
                                  circumstances="J'ai travaillé au service facturation jusqu'en 2023.")
    db.session.commit()
    with pytest.raises(DeadlinePassed):
        admissibility.declare_admissible(case, people.gestionnaire)
    db.session.rollback()
    instruction.record_objection(case, people.gestionnaire, party="consumer")
    db.session.commit()
    assert case.state == State.COI_OBJECTION and case.closed_at is not None


@pytest.mark.requirement("R-FLOW-5", "R-FLOW-1")
def test_court_action_interrupts(app, people):
    """R-FLOW-5: a court action moves the file to COURT_SEIZED and stops the clock."""
    case = admitted_case(people.gestionnaire)
    closure.interrupt(case, people.gestionnaire, cause="COURT_SEIZED", note="Assignation reçue")
    db.session.commit()
    assert case.state == State.COURT_SEIZED and case.court_case_declared
    with pytest.raises(InvalidTransition):
        instruction.request_observations(case, people.gestionnaire, department="billing", question="?")


def test_references_are_sequential_per_year(app, people):
    """MED-YYYY-NNNNN numbers follow each other within a year of receipt."""
    with freeze_time("2025-06-01 10:00:00"):
        refs = [new_case(people.gestionnaire).reference for _ in range(3)]
    assert refs == ["MED-2025-00001", "MED-2025-00002", "MED-2025-00003"]
    assert db.session.execute(sa.select(sa.func.count()).select_from(Case)).scalar() == 3
