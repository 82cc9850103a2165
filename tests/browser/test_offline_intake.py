"""The team registers a letter received by post in Chromium, scan attached, and opens its file (R-PROC-1)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.support.clock import paris_today
from tests.support.offline import LETTER, SCAN
from tests.support.servers import serve

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def _login(page, base, sub):
    page.goto(f"{base}/login")
    page.fill("input[name=sub]", sub)
    page.locator("form button, form input[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(base) + ".*"))


@pytest.mark.requirement("R-PROC-1", "R-DEADLINE-1")
def test_letter_registered_and_opened_in_the_browser(app, new_page, tmp_path):
    """From the intake queue's button to the file: the form works without JavaScript, the scan is uploaded, the
    card shows the refusal deadline from the stamp, and the file keeps the channel and the scan."""
    stamped = paris_today() - timedelta(days=3)
    scan = tmp_path / "lettre-lefevre.pdf"
    scan.write_bytes(SCAN)
    with serve(app) as base:
        page = new_page()
        _login(page, base, "gestionnaire")
        page.goto(f"{base}/console/arrivees/")
        with page.expect_navigation():
            page.get_by_role("link", name="Enregistrer une demande reçue par courrier, courriel, téléphone ou à "
                                           "l'accueil").click()
        page.select_option("select[name=channel]", "post")
        page.fill("input[name=received_on]", stamped.isoformat())
        for name in ("name", "postal_address", "phone", "what_happened", "what_asked", "note"):
            page.fill(f"[name={name}]", LETTER[name])
        page.set_input_files("input[name=documents]", str(scan))
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer la demande").click()
        flash = page.locator("p.flash.success").inner_text()
        reference = re.search(r"MED-\d{4}-\d{5}", flash).group(0)
        assert "la demande reçue le" in flash and "(courrier postal)" in flash
        card = page.locator("section.card", has_text=reference)
        assert "reçue il y a 3 jours" in card.inner_text() and "lettre-lefevre.pdf" in card.inner_text()
        with page.expect_navigation():
            card.get_by_role("button", name="Ouvrir le dossier").click()
        assert page.url.endswith(f"/console/dossiers/{reference}")
        body = page.locator("main").inner_text()
        assert "courrier postal" in body and "lettre-lefevre.pdf" in body
        assert "les courriers sont à envoyer par la poste" in body
