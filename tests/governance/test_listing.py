"""Listed by the CECMC or an internal recourse (R-SCOPE-4): the public page says which regime applies, and a mediator
who is not listed points to the listed consumer mediator in the closure letter of a mediation that ended without
an accepted solution or an agreement — on SQLite and PostgreSQL, read back from the page and the stored PDFs."""

from __future__ import annotations

import html
from datetime import date

import pytest
from freezegun import freeze_time

from mediator_plugin import state
from mediator_plugin.cases import closure, instruction
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.charter import load_charter
from mediator_plugin.core.db import db
from mediator_plugin.proposals import services as proposals
from tests.governance.test_register import NOT_LISTED
from tests.support.charter import charter_copy
from tests.support.factories import SECTIONS, admitted_case
from tests.support.letters import letter_text

POINTER = ("Vous pouvez soumettre gratuitement votre litige au médiateur de la consommation inscrit sur la liste de la "
           "Commission d'évaluation et de contrôle de la médiation de la consommation dont relève la société : "
           "Médiateur des communications électroniques, CS 30342, 94257 Gentilly Cedex, "
           "https://www.mediation-telecom.org.")
NOT_LISTED_PAGE = [(r"^listing = .*$", 'listing = "Recours interne de la société, non inscrit sur la liste de la '
                                       'CECMC."'), (r"^listing_date = .*$", 'listing_date = "Sans objet."')]


def _answered(people, consumer: str, company: str):
    """A file whose proposal, signed on 2 March 2026, each party answered (or left unanswered past the deadline of
    16 March), closed on 24 March."""
    refusal = {"reason_category": "FACTS_DISPUTED", "reason": "Les relevés du compteur contredisent ses dires."}
    with freeze_time("2026-03-02 10:00:00"):
        case = admitted_case(people.gestionnaire, email=f"{consumer}.{company}@example.org")
        proposals.save_proposal(case, people.gestionnaire, **SECTIONS)
        proposals.sign_proposal(case, people.mediatrice, outcome="PARTLY_FAVOURABLE")
        db.session.commit()
    with freeze_time("2026-03-24 10:00:00"):
        for party, answer in (("consumer", consumer), ("company", company)):
            proposals.record_answer(case, people.gestionnaire, party=party, answer=answer,
                                    answered_on=date(2026, 3, 24 if answer == "no_answer" else 9), channel="email",
                                    **(refusal if party == "company" and answer == "refused" else {}))
        closure.close(case, people.gestionnaire)
        db.session.commit()
    return case


def _ended(people, cause: State):
    case = admitted_case(people.gestionnaire, email=f"{cause.value.lower()}@example.org")
    closure.interrupt(case, people.gestionnaire, cause=cause, note="")
    db.session.commit()
    return case


@pytest.mark.requirement("R-SCOPE-4")
def test_a_listed_mediator_says_so_and_sends_no_one_elsewhere(app, people):
    """With the shipped charter (listed), does the page say the mediator is listed since 16 March 2026, and does a
    closure letter after a refused proposal carry no pointer to another mediator?"""
    page = html.unescape(app.test_client().get("/").get_data(as_text=True))
    assert "Le régime applicable" in page
    assert "La médiatrice est inscrite depuis le 16 mars 2026 sur la liste des médiateurs de la consommation" in page
    assert "recours interne" not in page
    refused = _answered(people, "refused", "accepted")
    assert "médiateur de la consommation inscrit" not in letter_text(refused, "closure", "consumer")


@pytest.mark.requirement("R-SCOPE-4")
def test_a_mediator_not_listed_points_to_the_listed_one_after_a_mediation_without_settlement(app, people, tmp_path):
    """Not listed: does the page say the mediator is an internal recourse and name the listed mediator with a link;
    does the closure letter name it after a refusal by either party, a proposal left unanswered or a withdrawal,
    and not after a proposal both parties accepted, an agreement or a court action?"""
    state().charter = load_charter(charter_copy(tmp_path, governance_toml=NOT_LISTED, mediator_toml=NOT_LISTED_PAGE))
    page = html.unescape(app.test_client().get("/").get_data(as_text=True))
    assert "La médiatrice est un recours interne de Société Exemple SA ; elle n'est pas inscrite" in page
    assert ("vous pouvez le soumettre gratuitement au médiateur de la consommation inscrit dont relève Société "
            "Exemple SA : Médiateur des communications électroniques, CS 30342, 94257 Gentilly Cedex,") in page
    assert '<a href="https://www.mediation-telecom.org">https://www.mediation-telecom.org</a>' in page
    assert "est inscrite depuis" not in page
    pointed = [_answered(people, "refused", "accepted"), _answered(people, "accepted", "refused"),
               _answered(people, "no_answer", "accepted")]
    settled = [_answered(people, "accepted", "accepted")]
    with freeze_time("2026-03-24 10:00:00"):
        pointed.append(_ended(people, State.WITHDRAWN_BY_CONSUMER))
        settled.append(_ended(people, State.COURT_SEIZED))
        agreed = admitted_case(people.gestionnaire, email="accord@example.org")
        instruction.record_agreement(agreed, people.gestionnaire, text="Avoir de 40 € sur la prochaine facture.")
        closure.close(agreed, people.gestionnaire)
        db.session.commit()
    for case in pointed:
        assert POINTER in letter_text(case, "closure", "consumer"), case.state
    for case in [*settled, agreed]:
        assert "médiateur de la consommation inscrit" not in letter_text(case, "closure", "consumer"), case.state
