"""Accessibility of the main screens (axe-core, WCAG 2.1 A and AA) and the console without JavaScript."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.cases import documents, experts, instruction, sharing
from mediator_plugin.cases.models import ObservationRequest
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.reports import publication
from tests.support.factories import admitted_case, new_case
from tests.support.servers import serve

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _login(page, base, sub):
    page.goto(f"{base}/login")
    page.fill("input[name=sub]", sub)
    page.locator("form button, form input[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(base) + ".*"))


@pytest.fixture
def files(app, people):
    """An admitted file with a request to billing, documents shared, kept back and not yet decided, an expert
    request, a file just received, and last year's report published (only a year that is over and holds a
    request is: one file was received last November)."""
    admitted = admitted_case(people.gestionnaire)
    instruction.request_observations(admitted, people.gestionnaire, department="billing", question="Observations ?")
    shared, kept, _new = (documents.add_upload(admitted, filename=name, content=b"Piece.\n" + name.encode(),
                                               actor=people.gestionnaire.name)
                          for name in ("facture.txt", "certificat.txt", "releve.txt"))
    sharing.share_documents(admitted, people.gestionnaire, document_ids=[shared.id], recipient="company",
                            requested_by="company", note="Demande du service")
    sharing.mark_not_shared(admitted, people.gestionnaire, document_id=kept.id, reason="Données de santé")
    experts.request_expert(admitted, people.gestionnaire, requested_by="both", expert="Expert en compteurs",
                           cost_bearer="shared")
    received = new_case(people.gestionnaire)
    last_year = paris_date(utcnow()).year - 1
    with freeze_time(f"{last_year}-11-15 10:00:00"):
        new_case(people.gestionnaire)
    publication.publish(last_year, published_by="mediatrice")
    db.session.commit()
    request_id = db.session.execute(sa.select(ObservationRequest.id)).scalar_one()
    return {"admitted": admitted.reference, "received": received.reference, "request_id": request_id}


def _screens(files):
    return [
        ("", "/"), ("", "/charte"),
        ("gestionnaire", "/console/"), ("gestionnaire", "/console/arrivees/"),
        ("gestionnaire", "/console/arrivees/enregistrer"), ("gestionnaire", "/console/dossiers"),
        ("gestionnaire", f"/console/dossiers/{files['admitted']}"),
        ("gestionnaire", f"/console/dossiers/{files['received']}"),
        ("mediatrice", f"/console/dossiers/{files['admitted']}/avis/"),
        ("mediatrice", f"/console/dossiers/{files['admitted']}/acces"),
        ("facturation", "/correspondant/"), ("facturation", f"/correspondant/demandes/{files['request_id']}"),
        ("mediatrice", "/console/recommandations/"), ("mediatrice", "/console/recommandations/nouvelle"),
        ("comex", "/console/pilotage/"), ("comex", "/console/rapports/"), ("mediatrice", "/console/rapports/"),
        ("mediatrice", f"/console/rapports/{paris_date(utcnow()).year - 1}/textes"),
        ("agent-sav", "/console/"), ("admin-si", "/console/admin/sessions"), ("gestionnaire", "/logout"),
    ]


def test_main_screens_have_no_wcag_violation(app, files, new_page):
    """Does axe-core find no WCAG 2.1 A/AA violation on each main screen, with every <details> open?"""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    with serve(app) as base:
        pages = {}
        for who, path in _screens(files):
            if who not in pages:
                pages[who] = new_page()
                if who:
                    _login(pages[who], base, who)
            page = pages[who]
            page.goto(base + path)
            page.eval_on_selector_all("details", "all => all.forEach(d => d.open = true)")
            for violation in axe.run(page, options=WCAG).response["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.append(f"{who or 'anonymous'} {path}: {violation['id']} ({violation['impact']}) {targets}")
    assert not problems, "\n".join(problems)


def test_keyboard_reaches_the_skip_link_first(app, files, new_page):
    """Is the first Tab stop the "skip to content" link, which moves focus to the main landmark?"""
    with serve(app) as base:
        page = new_page()
        _login(page, base, "gestionnaire")
        page.goto(f"{base}/console/dossiers/{files['admitted']}")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"


def test_a_note_can_be_written_without_javascript(app, files, browser):
    """With JavaScript off, can the case handler open the form, write a note and see it in the history?"""
    from tests.browser.conftest import LOOPBACK

    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    context.route("**/*", lambda route: route.continue_() if LOOPBACK.match(route.request.url) else route.abort())
    try:
        page = context.new_page()
        with serve(app) as base:
            _login(page, base, "gestionnaire")
            page.goto(f"{base}/console/dossiers/{files['admitted']}")
            page.locator('details:has(form[action$="/actions/add_note"]) > summary').click()
            page.fill("textarea[name=note_text]", "Rappeler le service facturation lundi.")
            with page.expect_navigation():
                page.get_by_role("button", name="Enregistrer la note").click()
            assert "Note : Rappeler le service facturation lundi." in page.content()
    finally:
        context.close()
