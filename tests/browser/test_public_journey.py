"""A consumer files online in Chromium without JavaScript, follows the request, and the team sees it arrive."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.browser.conftest import LOOPBACK
from tests.support import samples
from tests.support.clock import paris_today
from tests.support.servers import serve

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
PDF = samples.pdf()
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _login(page, base, sub):
    page.goto(f"{base}/login")
    page.fill("input[name=sub]", sub)
    page.locator("form button, form input[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(base) + ".*"))


@pytest.mark.requirement("R-WEB-2", "R-FLOW-6")
def test_file_online_track_and_see_it_in_the_queue(app, browser, new_page):
    """Filing with a document, reading the acknowledgement, tracking with the code, then the team's queue."""
    from axe_playwright_python.sync_playwright import Axe

    axe, problems = Axe(), []

    def audit(page):
        for violation in axe.run(page, options=WCAG).response["violations"]:
            problems.append(f"{page.url}: {violation['id']} {[n['target'] for n in violation['nodes']][:3]}")

    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    context.route("**/*", lambda route: route.continue_() if LOOPBACK.match(route.request.url) else route.abort())
    try:
        with serve(app) as base:
            jeanne = context.new_page()
            jeanne.goto(base + "/")
            with jeanne.expect_navigation():
                jeanne.get_by_role("link", name="Demander une médiation en ligne").first.click()
            with jeanne.expect_navigation():  # sent empty: the summary at the top links to each field
                jeanne.get_by_role("button", name="Envoyer ma demande").click()
            assert jeanne.locator(".error-summary a[href='#name']").count() == 1
            auditor = new_page()  # axe needs JavaScript: the same pages, read in a second context
            auditor.goto(base + "/saisir")
            audit(auditor)

            jeanne.get_by_label("Vos prénom et nom").fill("Jeanne Dupont")
            jeanne.get_by_label("Votre adresse de courriel").fill("jeanne.dupont@example.org")
            jeanne.get_by_label("Votre adresse postale").fill("3 rue des Lilas\n33000 Bordeaux")
            jeanne.get_by_label("Date de votre première réclamation écrite à la société (si vous en avez fait "
                                "une)").fill((paris_today() - timedelta(days=40)).isoformat())
            jeanne.get_by_label("Ce qui s'est passé").fill("On m'a prélevé deux fois la facture de mars.")
            jeanne.get_by_label("Ce que vous demandez").fill("Le remboursement du second prélèvement.")
            jeanne.set_input_files("input[name=attachments]", files=[
                {"name": "facture-mars.pdf", "mimeType": "application/pdf", "buffer": PDF}])
            jeanne.get_by_label("J'ai d'abord tenté de régler le litige directement avec la société, par une "
                                "réclamation écrite.").check()
            with jeanne.expect_navigation():
                jeanne.get_by_role("button", name="Envoyer ma demande").click()

            assert "Nous avons bien reçu votre demande" in jeanne.content()
            reference = jeanne.locator("#reference").inner_text().strip()
            code = jeanne.locator("#tracking-code").inner_text().strip()
            assert re.fullmatch(r"MED-\d{4}-\d{5}", reference) and re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
            assert "90 jours" in jeanne.content()

            with jeanne.expect_navigation():
                jeanne.get_by_role("link", name="Suivre ma demande").last.click()
            jeanne.get_by_label("Référence de votre demande").fill(reference)
            jeanne.get_by_label("Code de suivi").fill(code)
            with jeanne.expect_navigation():
                jeanne.get_by_role("button", name="Voir où en est ma demande").click()
            assert "Reçue — en attente de l'équipe de la médiatrice" in jeanne.content()

            lisa = new_page()
            _login(lisa, base, "gestionnaire")
            lisa.goto(f"{base}/console/arrivees/")
            card = lisa.locator("section.card", has_text=reference)
            assert "On m'a prélevé deux fois la facture de mars." in card.inner_text()
            assert "facture-mars.pdf" in card.inner_text()
            with lisa.expect_navigation():
                card.get_by_role("button").click()
            assert lisa.url.endswith(f"/console/dossiers/{reference}")

            for path in ("/", "/suivi", "/rapports"):
                auditor.goto(base + path)
                audit(auditor)
    finally:
        context.close()
    assert not problems, "\n".join(problems)
