"""The transitions not on the main path: documents, the consumer, agreement, withdrawal, parties."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.cases import admissibility, closure, instruction, parties
from mediator_plugin.cases.models import Document, ObservationRequest
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import InvalidTransition, MissingField, NotAllowed
from mediator_plugin.proposals import services as proposals
from tests.support.clock import paris_today
from tests.support.factories import admitted_case, new_case


@pytest.mark.requirement("R-DEADLINE-1", "R-DEADLINE-2", "R-FLOW-1")
def test_missing_documents_then_complete(app, people):
    """RECEIVED → INCOMPLETE → ADMISSIBILITY_REVIEW; with the charter's default the 21 days run from the receipt,
    and the day the file became complete is the day the last document arrived, never a bare click."""
    with freeze_time("2025-01-02 09:00:00"):
        case = new_case(people.gestionnaire)
        admissibility.request_documents(case, people.gestionnaire, missing="Copie de la réclamation écrite")
        db.session.commit()
    assert case.state == State.INCOMPLETE and case.rejection_due == date(2025, 1, 23)
    with freeze_time("2025-01-10 09:00:00"):
        with pytest.raises(MissingField) as refused:  # nothing reached the file: the team gives the day
            admissibility.mark_complete(case, people.gestionnaire)
        assert refused.value.field == "complete_on"
        db.session.rollback()
        admissibility.mark_complete(case, people.gestionnaire, complete_on=date(2025, 1, 8))
        db.session.commit()
    assert case.state == State.ADMISSIBILITY_REVIEW and case.rejection_due == date(2025, 1, 23)
    assert paris_date(case.complete_at) == date(2025, 1, 8)


@pytest.mark.requirement("R-FLOW-1")
def test_consumer_question_and_answer(app, people):
    """INSTRUCTION → AWAITING_CONSUMER → INSTRUCTION, with the question and answer on the timeline."""
    case = admitted_case(people.gestionnaire)
    instruction.request_consumer_info(case, people.gestionnaire, question="Avez-vous le relevé bancaire ?")
    assert case.state == State.AWAITING_CONSUMER
    with pytest.raises(MissingField):
        instruction.record_consumer_info(case, people.gestionnaire, summary="")
    instruction.record_consumer_info(case, people.gestionnaire, summary="Relevé transmis par courriel")
    db.session.commit()
    assert case.state == State.INSTRUCTION
    assert [e.kind for e in case.events][-2:] == ["consumer_asked", "consumer_answered"]


@pytest.mark.requirement("R-STATS-3", "R-FLOW-1")
def test_amicable_agreement_path(app, people):
    """An agreement during mediation closes with AMICABLE_AGREEMENT, after implementation."""
    case = admitted_case(people.gestionnaire)
    instruction.record_agreement(case, people.gestionnaire, text="Avoir de 40 € sur la prochaine facture.")
    proposals.record_implementation(case, people.facturation, status="done", done_on=paris_today())
    closure.close(case, people.gestionnaire)
    db.session.commit()
    assert (case.state, case.outcome, case.resolution_mode) == (State.CLOSED, "AMICABLE_AGREEMENT", "agreement")


@pytest.mark.requirement("R-FLOW-1")
def test_withdrawal_before_admission_tells_only_the_consumer(app, people):
    """A withdrawal before notification ends the file; the closure letter goes to the consumer alone."""
    case = new_case(people.gestionnaire)
    with pytest.raises(MissingField):
        closure.interrupt(case, people.gestionnaire, cause="COMPANY_DECLINED")
    closure.interrupt(case, people.gestionnaire, cause="WITHDRAWN_BY_CONSUMER")
    db.session.commit()
    letters = db.session.execute(sa.select(Document.filename).where(Document.letter_kind == "closure")).scalars().all()
    assert case.state == State.WITHDRAWN_BY_CONSUMER and letters == [
        f"{case.reference}-cloture-de-la-mediation-consommateur.pdf"]


def test_correspondent_answers_only_for_their_department(app, people):
    """A correspondent of billing cannot answer a request addressed to contracts."""
    case = admitted_case(people.gestionnaire)
    instruction.request_observations(case, people.gestionnaire, department="contracts", question="Le contrat ?")
    db.session.commit()
    request = db.session.execute(sa.select(ObservationRequest)).scalar_one()
    with pytest.raises(NotAllowed):
        instruction.answer_observations(request, people.facturation, answer="Réponse")
    instruction.answer_observations(request, people.gestionnaire, answer="Réponse reçue par téléphone")
    with pytest.raises(InvalidTransition):
        instruction.answer_observations(request, people.gestionnaire, answer="Encore")


@pytest.mark.requirement("R-PROC-2")
def test_contacts_and_representatives(app, people):
    """Contact corrections and representatives are recorded on the timeline; bad input is refused."""
    case = new_case(people.gestionnaire)
    with pytest.raises(MissingField):
        parties.update_contact(case, people.gestionnaire, party="consumer", email="pas une adresse", postal_address="")
    parties.update_contact(case, people.gestionnaire, party="consumer", email="j.dupont@example.org",
                           postal_address="5 place du Marché\n33000 Bordeaux")
    with pytest.raises(MissingField):
        parties.add_representative(case, people.gestionnaire, party="consumer", kind="avocat", name="Me Roux",
                                   mandate=" ")
    representative = parties.add_representative(case, people.gestionnaire, party="consumer", kind="association",
                                                name="UFC de Bordeaux", mandate="Mandat écrit du 3 mars 2026")
    db.session.commit()
    assert case.party("consumer").email == "j.dupont@example.org"
    assert case.party("consumer").representatives == [representative]
    assert [e.kind for e in case.events][-2:] == ["contact_updated", "representative_added"]
