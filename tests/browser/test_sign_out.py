"""Signing out in Chromium with the header's button (issue 15, finding 3): the session ends for every copy."""

from __future__ import annotations

import re

import pytest

from tests.support.factories import admitted_case
from tests.support.servers import serve

pytestmark = [pytest.mark.browser, pytest.mark.requirement("R-CONF-1"),
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def _login(page, base, sub):
    page.goto(f"{base}/login")
    page.fill("input[name=sub]", sub)
    page.locator("form button, form input[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(base) + ".*"))


def test_the_sign_out_button_ends_the_session_for_a_copied_cookie_too(app, people, browser, new_page):
    """Does "Se déconnecter" in the header sign out here and send the browser to the provider's sign-out, and
    do that browser and one given a copy of the cookie taken before it land on the sign-in page, not the file?"""
    reference = admitted_case(people.gestionnaire).reference
    with serve(app) as base:
        lisa = new_page()
        _login(lisa, base, "gestionnaire")
        lisa.goto(f"{base}/console/dossiers/{reference}")
        assert reference in lisa.title() or reference in lisa.content()
        stolen = lisa.context.cookies()
        thief = new_page()
        thief.context.add_cookies(stolen)
        thief.goto(f"{base}/console/dossiers/{reference}")
        assert thief.url.endswith(f"/console/dossiers/{reference}")  # the copy works while the session lives
        lisa.get_by_role("button", name="Se déconnecter").click()
        lisa.wait_for_url(re.compile(r".*/oauth2/end_session\?.*id_token_hint=.*"))  # the provider's sign-out
        for page in (lisa, thief):
            page.goto(f"{base}/console/dossiers/{reference}")
            assert "/console/dossiers/" not in page.url and "Jeanne Dupont" not in page.content()
