"""The mediation charter published on the mediator's site (R-CHARTER-1), from charter/charte.md."""

from __future__ import annotations

import pytest

from mediator_plugin import state

VALUES_AND_PRINCIPLES = ("Indépendance", "Neutralité", "Impartialité", "Équité", "Transparence", "Gratuité",
                         "Confidentialité", "Efficacité")


@pytest.mark.requirement("R-CHARTER-1")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # a page of the charter files alone
def test_the_charter_page_publishes_the_three_values_and_five_principles(app):
    """Does /charte, linked from the home page, show each value and principle of the charter with its
    explanation, and the version the files are handled under?"""
    client = app.test_client()
    assert 'href="/charte"' in client.get("/").get_data(as_text=True)
    response = client.get("/charte")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>Charte de la médiation</h1>" in page
    for name in VALUES_AND_PRINCIPLES:
        assert f"<p><strong>{name}.</strong> " in page, name
    assert "La médiation ne coûte rien au consommateur." in page
    assert f"Charte, version {state().charter.version}" in page
