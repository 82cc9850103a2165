"""The register's console pages: the mediator writes, the team and the executives read, files stay hidden."""

from __future__ import annotations

import re
from datetime import date

import pytest

from mediator_plugin.core.db import db
from mediator_plugin.recommendations import services

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FINDING = "Les dossiers MED-2026-00012 et MED-2026-00031 montrent des frais de résiliation facturés deux fois."


@pytest.fixture
def recommendation(app, people):
    """One recommendation to billing whose finding quotes two files."""
    made = services.issue(people.mediatrice, title="Rendre les frais de résiliation lisibles", finding=FINDING,
                          text="Afficher le montant exact des frais avant la confirmation.", addressee="billing",
                          owner="Directrice de la facturation", issued_on=date(2026, 3, 2), due_on=date(2026, 9, 30),
                          category_codes=["resiliation.frais"])
    db.session.commit()
    return made


def _client(app, login, who):
    client = app.test_client()
    login(client, who)
    return client


def _post(client, page_path, path, data):
    """Submit ``data`` to ``path`` with the CSRF token of the page at ``page_path``."""
    token = _CSRF.search(client.get(page_path).get_data(as_text=True)).group(1)
    return client.post(path, data={**data, "csrf_token": token})


@pytest.mark.requirement("R-RECO-1")
def test_mediator_issues_then_follows_up_with_a_reason(app, login):
    """Can the mediator issue a recommendation and change its status, the reason landing in the history?"""
    claire = _client(app, login, "mediatrice")
    assert "Émettre une recommandation" in claire.get("/console/recommandations/").get_data(as_text=True)
    created = _post(claire, "/console/recommandations/nouvelle", "/console/recommandations/nouvelle", {
        "title": "Prévenir avant une hausse de tarif", "finding": "Un tiers des saisines de 2026 portent sur des "
        "hausses découvertes sur la facture.", "text": "Informer un mois avant toute hausse.", "addressee": "billing",
        "owner": "Responsable tarifs", "issued_on": "2026-04-10", "due_on": "2026-12-31",
        "category_codes": ["facturation"]})
    assert created.status_code == 303 and created.headers["Location"].endswith("/console/recommandations/2026-01")

    changed = _post(claire, "/console/recommandations/2026-01", "/console/recommandations/2026-01/suivi", {
        "status": "ACCEPTED", "note": "Acceptée en comité de direction du 5 mai", "company_response": "accepted",
        "action_plan": "Courriel d'information un mois avant", "due_on": "2026-12-31", "reviewed_on": "2026-05-06",
        "response_text": "", "evidence": "", "public_explanation": ""})
    assert changed.status_code == 303
    page = claire.get("/console/recommandations/2026-01").get_data(as_text=True)
    history = page.split("Historique", 1)[1]
    assert "Émise → Acceptée par la société" in history and "Acceptée en comité de direction du 5 mai" in history
    assert "Claire Martin" in history
    register = claire.get("/console/recommandations/?year=2026&status=ACCEPTED&department=billing")
    row = register.get_data(as_text=True).split("2026-01", 1)[1]
    assert "Prévenir avant une hausse de tarif" in row and "31 décembre 2026" in row and "Facturation" in row
    assert "aucun" not in row.split("</tr>", 1)[0]  # the last follow-up has a date
    assert "2026-01" not in claire.get("/console/recommandations/?status=DECLINED").get_data(as_text=True)


@pytest.mark.requirement("R-RECO-1")
def test_follow_up_without_explanation_is_refused(app, login, recommendation):
    """Is a status change without its explanation refused with the reason, the status left as it was?"""
    claire = _client(app, login, "mediatrice")
    refused = _post(claire, "/console/recommandations/2026-01", "/console/recommandations/2026-01/suivi",
                    {"status": "IMPLEMENTED", "note": "  "})
    assert refused.status_code == 422
    assert "Expliquez ce suivi" in refused.get_data(as_text=True)
    db.session.refresh(recommendation)
    assert recommendation.status == "ISSUED" and len(recommendation.history) == 1


def test_case_handler_reads_but_cannot_write(app, login, recommendation):
    """Does the case handler read the register and get 403 on creating or following up?"""
    lisa = _client(app, login, "gestionnaire")
    assert "Rendre les frais de résiliation lisibles" in lisa.get("/console/recommandations/").get_data(as_text=True)
    assert lisa.get("/console/recommandations/nouvelle").status_code == 403
    assert _post(lisa, "/console/recommandations/2026-01", "/console/recommandations/nouvelle",
                 {"title": "x", "finding": "x", "text": "x", "addressee": "billing"}).status_code == 403
    assert _post(lisa, "/console/recommandations/2026-01", "/console/recommandations/2026-01/suivi",
                 {"status": "OBSOLETE", "note": "x"}).status_code == 403
    db.session.refresh(recommendation)
    assert recommendation.status == "ISSUED"


@pytest.mark.requirement("R-IND-1", "R-CONF-1")
def test_executive_reads_without_forms_or_file_references(app, login, recommendation):
    """Does the executive read the register and the page, with no form, no file reference, and 403 on writes?"""
    claire = _client(app, login, "mediatrice")
    team_page = claire.get("/console/recommandations/2026-01").get_data(as_text=True)
    assert 'href="/console/dossiers/MED-2026-00012"' in team_page

    comex = _client(app, login, "comex")
    register = comex.get("/console/recommandations/").get_data(as_text=True)
    assert "Rendre les frais de résiliation lisibles" in register and "Émettre une recommandation" not in register
    page = comex.get("/console/recommandations/2026-01")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Directrice de la facturation" in text
    assert "MED-" not in text and "/console/dossiers" not in text and "[référence de dossier masquée]" in text
    assert "<form" not in text.split("<main", 1)[1]  # not even the follow-up form
    assert comex.get("/console/recommandations/nouvelle").status_code == 403
    assert _post(comex, "/console/recommandations/2026-01", "/console/recommandations/2026-01/suivi",
                 {"status": "OBSOLETE", "note": "x"}).status_code == 403
