"""What the letters say at the end, the company's refusal and silence, and a corrected proposal (issue 13,
findings 5, 7 and 8), on SQLite and PostgreSQL, read back from the stored PDFs."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin import state
from mediator_plugin.cases import admissibility, closure, instruction
from mediator_plugin.cases.models import TimelineEvent
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import DeadlinePassed, MissingField
from mediator_plugin.proposals import services as proposals
from mediator_plugin.proposals.models import PartyAnswer, Proposal
from mediator_plugin.proposals.queries import current_proposal
from mediator_plugin.reports.figures import compute
from tests.support.clock import paris_today
from tests.support.factories import SECTIONS, admitted_case, new_case
from tests.support.letters import letter_text, letters

REASONS = "Les conditions générales excluent tout remboursement des frais de mise en service après trois mois."


def signed_case(people, outcome="FULLY_FAVOURABLE_CONSUMER"):
    case = admitted_case(people.gestionnaire)
    proposals.save_proposal(case, people.gestionnaire, **SECTIONS)
    proposals.sign_proposal(case, people.mediatrice, outcome=outcome)
    db.session.commit()
    return case


@pytest.mark.requirement("R-FLOW-4", "R-PRESC-2", "R-INFO-1")
def test_closure_after_a_company_refusal_states_the_refusal_each_answer_and_the_reasons(app, people):
    """After a company refusal the closure letter says the proposal was not followed, gives each party's answer
    with its date and the company's reasons — and no longer calls the outcome "entièrement favorable"."""
    with freeze_time("2026-03-02 10:00:00"):
        case = signed_case(people)
    with freeze_time("2026-03-09 10:00:00"):
        proposals.record_answer(case, people.gestionnaire, party="consumer", answer="accepted",
                                answered_on=date(2026, 3, 6), channel="post")
        proposals.record_answer(case, people.gestionnaire, party="company", answer="refused",
                                answered_on=date(2026, 3, 9), channel="email", reason_category="CONTRACT_APPLIED",
                                reason=REASONS)
        db.session.commit()
        assert case.state == State.REFUSED_BY_COMPANY
        closure.close(case, people.gestionnaire)
        db.session.commit()
    company = state().charter.mediator["company_name"]
    for role in ("consumer", "company"):
        text = letter_text(case, "closure", role)
        assert f"n'a pas été suivie : {company} l'a refusée" in text
        assert "Réponse du consommateur : acceptée le 6 mars 2026" in text
        assert f"Réponse de {company} : refusée le 9 mars 2026" in text
        assert "(Application des conditions du contrat)" in text and REASONS in text
        assert "La médiation a pris fin le 9 mars 2026" in text
        assert "entièrement favorable" not in text.lower()


@pytest.mark.requirement("R-FLOW-4")
def test_company_refusal_needs_a_category_and_reasons_of_substance(app, people):
    """"Non." is no reason: a refusal without a category, or with a word or two, is refused and stores nothing."""
    case = signed_case(people)
    for category, reason in ((None, REASONS), ("CONTRACT_APPLIED", "Non."), ("UNKNOWN", REASONS),
                             ("CONTRACT_APPLIED", "Refus, conforme au contrat.")):
        with pytest.raises(MissingField):
            proposals.record_answer(case, people.gestionnaire, party="company", answer="refused",
                                    answered_on=paris_today(), channel="email", reason_category=category,
                                    reason=reason)
        db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(PartyAnswer)).scalar() == 0


@pytest.mark.requirement("R-INFO-2", "R-STATS-4", "R-FUTURE-1")
def test_company_silence_is_counted_apart_from_a_reasoned_refusal(app, people):
    """In the report, a company that did not answer and one that refused with its reasons are two figures."""
    with freeze_time("2026-03-02 10:00:00"):
        silent, refusing = signed_case(people), signed_case(people)
    with freeze_time("2026-03-20 10:00:00"):  # past the deadline of 16 March
        for case in (silent, refusing):
            proposals.record_answer(case, people.gestionnaire, party="consumer", answer="accepted",
                                    answered_on=date(2026, 3, 5), channel="online")
        proposals.record_answer(silent, people.gestionnaire, party="company", answer="no_answer",
                                answered_on=date(2026, 3, 20), channel="email")
        proposals.record_answer(refusing, people.gestionnaire, party="company", answer="refused",
                                answered_on=date(2026, 3, 12), channel="email", reason_category="FACTS_DISPUTED",
                                reason=REASONS)
        db.session.commit()
        for case in (silent, refusing):
            closure.close(case, people.gestionnaire)
        db.session.commit()
        figures = compute(2026)
    overall = figures["answers"]["overall"]
    assert (overall["company_refused"]["numerator"], overall["company_refused"]["denominator"]) == (1, 2)
    assert (overall["company_silent"]["numerator"], overall["company_silent"]["denominator"]) == (1, 2)
    assert overall["company_followed"]["numerator"] == 0
    assert "aucune réponse dans le délai" in letter_text(silent, "closure", "consumer")


@pytest.mark.requirement("R-FUTURE-1")
def test_company_that_never_replies_ends_the_mediation_as_its_own_cause(app, people):
    """"No reply from the company" is its own interruption, possible once a request is past its deadline."""
    with freeze_time("2026-03-02 10:00:00"):
        case = admitted_case(people.gestionnaire)
        instruction.request_observations(case, people.gestionnaire, department="billing", question="Vos observations ?")
        db.session.commit()
        with pytest.raises(MissingField):
            closure.interrupt(case, people.gestionnaire, cause="COMPANY_NO_REPLY")
        db.session.rollback()
    with freeze_time("2026-04-15 10:00:00"):
        closure.interrupt(case, people.gestionnaire, cause="COMPANY_NO_REPLY")
        db.session.commit()
    assert case.state == State.COMPANY_NO_REPLY
    assert "Absence de réponse de la société dans le délai" in letter_text(case, "closure", "consumer")


@pytest.mark.requirement("R-STATS-3", "R-PRESC-2")
def test_amicable_agreement_sends_its_terms_and_ends_the_mediation(app, people):
    """An agreement ends the mediation that day: both parties get a letter with its terms and that date."""
    with freeze_time("2026-05-04 10:00:00"):
        case = admitted_case(people.gestionnaire)
        instruction.record_agreement(case, people.gestionnaire, text="Avoir de 40 € sur la prochaine facture.")
        db.session.commit()
    assert case.state == State.AGREEMENT and case.outcome == "AMICABLE_AGREEMENT" and case.ended_at
    for role in ("consumer", "company"):
        text = letter_text(case, "agreement", role)
        assert "Avoir de 40 € sur la prochaine facture." in text and "La médiation a pris fin le 4 mai 2026" in text
    with freeze_time("2026-06-10 10:00:00"):
        proposals.record_implementation(case, people.facturation, status="done", done_on=date(2026, 6, 1))
        closure.close(case, people.gestionnaire)
        db.session.commit()
    letter = letter_text(case, "closure", "consumer")
    assert "accord amiable, constaté le 4 mai 2026" in letter and "Avoir de 40 €" in letter
    assert "La médiation a pris fin le 4 mai 2026" in letter


@pytest.mark.requirement("R-ADM-5", "R-INFO-1", "R-SCOPE-3")
@pytest.mark.parametrize(("ground", "expected", "absent"), [
    ("ALREADY_EXAMINED_OR_PENDING_ELSEWHERE", "la procédure déjà engagée se poursuit", "médiateur sectoriel"),
    ("OUT_OF_SCOPE", "Médiateur des communications électroniques, CS 30342, 94257 Gentilly Cedex", None),
    ("NO_PRIOR_WRITTEN_COMPLAINT", "sans réponse pendant deux mois", "médiateur sectoriel"),
])
def test_refusal_letter_is_specific_to_its_ground(app, people, ground, expected, absent):
    """Ground 3 does not send the consumer to another mediator; ground 5 names the sector mediator in full."""
    case = new_case(people.gestionnaire)
    admissibility.declare_inadmissible(case, people.gestionnaire, ground=ground)
    db.session.commit()
    text = letter_text(case, "rejection", "consumer")
    assert expected in text
    assert "qui suivent la réception de votre demande" in text  # the clock the charter chose
    if absent:
        assert absent not in text


@pytest.mark.requirement("R-SCOPE-3", "R-WEB-1")
def test_publication_is_refused_while_the_sector_mediator_is_a_placeholder(app):
    """The sector mediator's name, address and website are required items; a placeholder counts as missing."""
    from mediator_plugin.public.r614 import missing_r614_items

    charter = state().charter
    assert missing_r614_items(charter) == []
    for key, value in (("sector_mediator_name", ""), ("sector_mediator_address", "[adresse à compléter]"),
                       ("sector_mediator_website", "www.exemple.fr")):
        broken = dataclasses.replace(charter, mediator={**charter.mediator, key: value})
        assert f"L612-1: {key}" in missing_r614_items(broken)


@pytest.mark.requirement("R-INFO-1", "R-INFO-2")
def test_letterhead_gives_the_public_address_of_the_settings(make_app, people):
    """The letters' letterhead reads the deployment's base_url, not a text in the charter."""
    app = make_app(base_url="https://mediation.exemple.fr")
    with app.app_context():
        case = admitted_case(people.gestionnaire)
        assert "https://mediation.exemple.fr" in letter_text(case, "seizure", "consumer")


@pytest.mark.requirement("R-INFO-2", "R-DEADLINE-3")
def test_correcting_a_signed_proposal_keeps_the_answers_and_asks_again(app, people):
    """A correction after an acceptance: it names its reason, decides its own class of outcome, goes to both
    parties with a new deadline, and the answer already given stays in the history."""
    with freeze_time("2026-03-02 10:00:00"):
        case = signed_case(people, outcome="PARTLY_FAVOURABLE")
    with freeze_time("2026-03-05 10:00:00"):
        proposals.record_answer(case, people.gestionnaire, party="consumer", answer="accepted",
                                answered_on=date(2026, 3, 4), channel="online")
        db.session.commit()
        with pytest.raises(MissingField):
            proposals.correct_proposal(case, people.mediatrice, reason="Erreur de montant", outcome="",
                                       solution="Rembourser 67,90 €")
        db.session.rollback()
        corrected = proposals.correct_proposal(case, people.mediatrice, reason="Erreur de montant",
                                               outcome="FULLY_FAVOURABLE_CONSUMER", solution="Rembourser 67,90 €")
        db.session.commit()
    assert corrected.version == 2 and corrected.outcome == "FULLY_FAVOURABLE_CONSUMER"
    assert case.state == State.PROPOSAL_ISSUED and current_proposal(case).id == corrected.id
    assert corrected.acceptance_deadline == date(2026, 3, 19)
    kept = db.session.execute(sa.select(PartyAnswer).join(Proposal).where(Proposal.version == 1)).scalars().all()
    assert [(a.party, a.answer) for a in kept] == [("consumer", "accepted")]
    history = db.session.execute(sa.select(TimelineEvent.data).where(
        TimelineEvent.case_id == case.id, TimelineEvent.kind == "answers_superseded")).scalar_one()
    assert history["superseded_answers"] == {"consumer": ["accepted", "2026-03-04"]}
    for role in ("consumer", "company"):
        assert len(letters(case, "proposal", role)) == 2
        text = letter_text(case, "proposal", role)
        assert "remplace celle du 2 mars 2026, pour le motif suivant : Erreur de montant" in text
        assert "19 mars 2026" in text and "Rembourser 67,90 €" in text


@pytest.mark.requirement("R-DEADLINE-3")
def test_correction_past_the_end_of_the_mediation_needs_a_late_reason(app, people):
    """Past the 90 days, a correction needs the reason for the delay, as a first signature does."""
    with freeze_time("2026-01-05 10:00:00"):
        case = signed_case(people)
    with freeze_time("2026-04-20 10:00:00"):  # outcome due on 5 April
        with pytest.raises(DeadlinePassed):
            proposals.correct_proposal(case, people.mediatrice, reason="Erreur de montant",
                                       outcome="FULLY_FAVOURABLE_CONSUMER", acceptance_deadline=date(2026, 5, 4))
        db.session.rollback()
        proposals.correct_proposal(case, people.mediatrice, reason="Erreur de montant",
                                   outcome="FULLY_FAVOURABLE_CONSUMER", acceptance_deadline=date(2026, 5, 4),
                                   late_reason="Expertise reçue le 15 avril")
        db.session.commit()
    assert case.late_reason == "Expertise reçue le 15 avril"


@pytest.mark.requirement("R-INFO-2")
def test_answer_dated_before_the_signature_or_in_the_future_is_refused(app, people):
    """An answer is dated between the proposal's signature and today."""
    with freeze_time("2026-03-02 10:00:00"):
        case = signed_case(people)
    with freeze_time("2026-03-05 10:00:00"):
        for day in (date(2026, 3, 1), date(2026, 3, 6)):
            with pytest.raises(MissingField) as refused:
                proposals.record_answer(case, people.gestionnaire, party="consumer", answer="accepted",
                                        answered_on=day, channel="post")
            assert refused.value.field == "answered_on"
            db.session.rollback()
