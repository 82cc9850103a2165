"""A person takes a closed ticket to a closed file in Chromium, through the real SSO (issue: done when)."""

from __future__ import annotations

import re

import pytest

from tests.support import samples
from tests.support.clock import paris_today
from tests.support.factories import SECTIONS
from tests.support.helpdesk import ticket_state, zendesk_with_request
from tests.support.servers import serve

pytestmark = pytest.mark.browser
PDF = samples.pdf()


def _login(page, base, sub):
    page.goto(f"{base}/login")
    page.fill("input[name=sub]", sub)
    page.locator("form button, form input[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(base) + ".*"))


def _act(page, action, fill=None):
    """Open the action's disclosure, fill its fields, submit, wait for the page to come back."""
    form = page.locator(f'form[action$="/actions/{action}"]')
    page.locator(f'details:has(form[action$="/actions/{action}"]) > summary').click()
    for selector, value in (fill or {}).items():
        field = form.locator(selector)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        elif field.get_attribute("type") == "radio":
            field.check()
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]:not([formaction])").click()


@pytest.mark.requirement("R-FLOW-1", "R-IND-1")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_journey_from_intake_to_closure(make_app, new_page):
    """gestionnaire opens and admits; facturation answers; mediatrice signs; facturation carries it out; closed."""
    with zendesk_with_request() as helpdesk:
        app = make_app(zendesk=helpdesk["settings"])
        assert app.test_cli_runner().invoke(args=["mediator", "sync"]).exit_code == 0
        with serve(app) as base:
            lisa = new_page()
            _login(lisa, base, "gestionnaire")
            lisa.goto(f"{base}/console/arrivees/")
            card = lisa.locator("section.card", has_text=f"#{helpdesk['ticket_id']}")
            card.locator("select[name=subcategory]").select_option("resiliation.frais")
            card.locator("select[name=department]").select_option("billing")
            with lisa.expect_navigation():
                card.locator("button[type=submit]").click()
            reference = re.search(r"MED-\d{4}-\d{5}", lisa.url).group(0)
            assert "Je conteste et je demande la médiation." in lisa.content()

            _act(lisa, "mark_complete")
            _act(lisa, "declare_interests", {"input[value=no]": "no"})
            _act(lisa, "declare_admissible")
            assert lisa.locator("h1 .badge").inner_text().strip() in ("Recevable", "Admitted")

            _act(lisa, "request_observations", {"select[name=department]": "billing",
                                                "textarea[name=question]": "Le doublon est-il confirmé ?"})
            marc = new_page()
            _login(marc, base, "facturation")
            marc.goto(f"{base}/correspondant/")
            with marc.expect_navigation():
                marc.get_by_role("link", name=reference).click()
            marc.fill("textarea[name=answer]", "Doublon confirmé ; avoir de 59,90 € émis.")
            marc.set_input_files("input[name=attachments]", files=[
                {"name": "avoir.pdf", "mimeType": "application/pdf", "buffer": PDF}])
            with marc.expect_navigation():
                marc.get_by_role("button", name="Transmettre au médiateur").click()
            assert "transmises au médiateur" in marc.content()
            assert marc.goto(f"{base}/console/dossiers/{reference}").status == 403  # their answer, not the file
            lisa.reload()
            assert "Doublon confirmé ; avoir de 59,90 € émis." in lisa.content()
            assert lisa.get_by_role("link", name="avoir.pdf").count() == 1

            lisa.goto(f"{base}/console/dossiers/{reference}/avis/")
            for name, text in SECTIONS.items():
                lisa.fill(f"textarea[name={name}]", text)
            with lisa.expect_navigation():
                lisa.locator('form[action$="/avis/enregistrer"] button[type=submit]').click()
            assert lisa.locator('form[action$="/avis/signer"]').count() == 0  # the handler cannot sign

            claire = new_page()
            _login(claire, base, "mediatrice")
            claire.goto(f"{base}/console/dossiers/{reference}/avis/")
            claire.select_option("select[name=outcome]", "PARTLY_FAVOURABLE")
            with claire.expect_navigation():
                claire.locator('form[action$="/avis/signer"] button[type=submit]').click()
            assert reference in claire.url

            lisa.goto(f"{base}/console/dossiers/{reference}")
            today = paris_today().isoformat()
            for party in ("consumer", "company"):
                _act(lisa, "record_answer", {"select[name=party]": party, "select[name=answer]": "accepted",
                                             "input[name=answered_on]": today})
            marc.goto(f"{base}/correspondant/")
            with marc.expect_navigation():
                marc.locator("section, main").get_by_role("link", name=reference).last.click()
            marc.select_option("select[name=status]", "done")
            marc.fill("input[name=done_on]", today)
            with marc.expect_navigation():
                marc.get_by_role("button", name="Enregistrer", exact=True).click()
            lisa.reload()
            _act(lisa, "close")
            assert lisa.locator("h1 .badge").inner_text().strip() in ("Clos", "Closed")

            agent = new_page()
            _login(agent, base, "agent-sav")
            response = agent.goto(f"{base}/console/dossiers/{reference}")
            assert response.status == 403

        assert app.test_cli_runner().invoke(args=["mediator", "jobs"]).exit_code == 0
        assert "mediation_terminee" in ticket_state(helpdesk)["ticket"]["tags"]
