"""The register of general recommendations: R-RECO-1 fields, statuses and a kept history."""

from __future__ import annotations

from datetime import date

import pytest

from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MissingField, NotAllowed
from mediator_plugin.recommendations import services


def _issue(actor, **overrides):
    fields = {"title": "Rendre les frais de résiliation lisibles", "addressee": "billing",
              "finding": "Un quart des saisines de résiliation portent sur des frais mal compris.",
              "text": "Afficher le montant exact des frais avant la confirmation de résiliation.",
              "issued_on": date(2026, 3, 2), "category_codes": ["resiliation.frais"]}
    return services.issue(actor, **{**fields, **overrides})


@pytest.mark.requirement("R-RECO-1")
def test_issue_numbers_per_year_and_records_history(app, people):
    """Are recommendations numbered YYYY-NN and is their creation in the history?"""
    first, second = _issue(people.mediatrice), _issue(people.mediatrice, title="Deuxième")
    db.session.commit()
    assert (first.reference, second.reference) == ("2026-01", "2026-02")
    assert first.status == "ISSUED" and first.history[0].changes == {"created": "2026-01"}


@pytest.mark.requirement("R-RECO-1")
def test_status_changes_keep_before_and_after(app, people):
    """Does each follow-up record the old and new status and the fields changed?"""
    recommendation = _issue(people.mediatrice)
    services.update(recommendation, people.mediatrice, status="ACCEPTED", company_response="accepted",
                    action_plan="Refonte de la page de résiliation", due_on=date(2026, 9, 30))
    services.update(recommendation, people.mediatrice, status="IMPLEMENTED", evidence="Mise en ligne le 15/09",
                    note="Vérifié sur le site")
    db.session.commit()
    events = recommendation.history
    assert [(e.status_from, e.status_to) for e in events] == [(None, "ISSUED"), ("ISSUED", "ACCEPTED"),
                                                              ("ACCEPTED", "IMPLEMENTED")]
    assert events[1].changes["due_on"] == [None, "2026-09-30"] and events[2].note == "Vérifié sur le site"


@pytest.mark.requirement("R-RECO-1", "R-IND-1")
def test_only_the_mediator_manages_and_refusals_are_reasoned(app, people):
    """Is the register closed to the case handler and executives, and a decline without reasons refused?"""
    with pytest.raises(NotAllowed):
        _issue(people.gestionnaire)
    with pytest.raises(NotAllowed):
        _issue(people.comex)
    recommendation = _issue(people.mediatrice)
    with pytest.raises(MissingField):
        services.update(recommendation, people.mediatrice, status="DECLINED", company_response="declined")
    with pytest.raises(MissingField):
        services.update(recommendation, people.mediatrice, status="FORGOTTEN")


@pytest.mark.requirement("R-RECO-1")
def test_follow_up_needs_an_explanation_and_dates_the_review(app, people):
    """Is a follow-up refused without its explanation, and recorded with it as the history's reason and review?"""
    recommendation = _issue(people.mediatrice)
    with pytest.raises(MissingField) as refused:
        services.follow_up(recommendation, people.mediatrice, status="IN_PROGRESS", explanation=" ",
                           reviewed_on=date(2026, 6, 1))
    assert refused.value.field == "note" and recommendation.status == "ISSUED"
    with pytest.raises(NotAllowed):
        services.follow_up(recommendation, people.comex, status="IN_PROGRESS", explanation="Vu en comité",
                           reviewed_on=date(2026, 6, 1))
    event = services.follow_up(recommendation, people.mediatrice, status="IN_PROGRESS",
                               explanation="Chantier lancé par la facturation", reviewed_on=date(2026, 6, 1),
                               action_plan="Nouvelle page de résiliation")
    db.session.commit()
    assert (event.status_from, event.status_to, event.note) == ("ISSUED", "IN_PROGRESS",
                                                                "Chantier lancé par la facturation")
    assert recommendation.last_review_on == date(2026, 6, 1)
    assert set(event.changes) == {"status", "last_review_on", "action_plan"}


@pytest.mark.requirement("R-RECO-3", "R-GDPR-8")
@pytest.mark.parametrize(("field", "words", "found"), [
    ("title", "Le cas MED-2026-00012 montre des frais cachés", "MED-2026-00012"),
    ("finding", "Mme Dupont a reçu trois relances", "Mme Dupont"),
    ("public_explanation", "Voir le dossier MED-2026-00031", "MED-2026-00031"),
    ("text", "Rappeler jeanne.dupont@example.org sous huit jours", "jeanne.dupont@example.org"),
])
def test_a_text_that_names_a_person_or_a_file_is_refused(app, people, field, words, found):
    """The register is read by the executives and published: is a file reference (outside the finding), a
    titled name or an e-mail in a recommendation refused on issue and on follow-up, naming what was found, while
    dates and amounts stay?"""
    if field != "public_explanation":
        with pytest.raises(MissingField) as refused:
            _issue(people.mediatrice, **{field: words})
        assert refused.value.field == field and found in refused.value.message
    recommendation = _issue(people.mediatrice, text="Rembourser les frais de 20 € prélevés depuis le 1er mars 2026.")
    with pytest.raises(MissingField) as refused:
        services.follow_up(recommendation, people.mediatrice, status="IN_PROGRESS", reviewed_on=date(2026, 6, 1),
                           explanation="Revu avec le service.", public_explanation=f"Suite à {words}")
    assert refused.value.field == "public_explanation" and found in refused.value.message
    db.session.rollback()
