"""The examples' console pages, logged in through the real OIDC provider, in French."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from mediator_plugin.core.db import db
from mediator_plugin.examples.models import CHECKLIST, FIELDS, CaseExample, ExampleState
from tests.examples.conftest import EMAIL, NAME, build_closed_case
from tests.support.factories import admitted_case

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Console:
    """A logged-in team member who posts forms with the CSRF token of the page they last read.

    Each request runs in its own application context, as on a server: otherwise two people's requests
    would share the test's ``g`` (and its cached CSRF token)."""

    def __init__(self, app, login, sub):
        self.app, self.client = app, app.test_client()
        login(self.client, sub)
        self.token = ""

    def get(self, path):
        with self.app.app_context():
            response = self.client.get(path)
        found = _CSRF.search(response.get_data(as_text=True))
        self.token = found.group(1) if found else self.token
        return response

    def post(self, path, **data):
        with self.app.app_context():
            return self.client.post(path, data={"csrf_token": self.token, **data})


@pytest.fixture
def handler(app, login):
    return Console(app, login, "gestionnaire")


def _form(example: CaseExample, **changes) -> dict:
    values = {name: getattr(example, name) for name in ("title", *FIELDS)}
    values.update({"lesson": "Les frais causés par une erreur de prélèvement sont à rembourser.", **changes})
    return {**values, "subcategory": example.subcategory, **dict.fromkeys(CHECKLIST, "1")}


def _example() -> CaseExample:
    return db.session.execute(sa.select(CaseExample)).scalar_one()


@pytest.mark.requirement("R-CASE-1")
def test_from_the_closed_file_page_to_the_editor(app, people, handler):
    """Does the closed file offer the action, and does it open the editor on a redacted copy, in French?"""
    case = build_closed_case(people)
    page = handler.get(f"/console/dossiers/{case.reference}").get_data(as_text=True)
    assert "Proposer comme exemple anonymisé" in page
    created = handler.post(f"/console/exemples/depuis/{case.reference}")
    assert created.status_code == 303 and created.headers["Location"].endswith(f"/console/exemples/{_example().id}")
    editor = handler.get(created.headers["Location"]).get_data(as_text=True)
    assert "Liste de contrôle d'anonymisation" in editor and "Contrôle des identifiants résiduels" in editor
    assert "Rien dans le texte ne correspond" in editor
    assert NAME not in editor and EMAIL not in editor


def test_an_open_file_is_refused_with_409(app, people, handler):
    """Is a file still under way refused with a 409 page and no example stored?"""
    case = admitted_case(people.gestionnaire)
    handler.get(f"/console/dossiers/{case.reference}")
    response = handler.post(f"/console/exemples/depuis/{case.reference}")
    assert response.status_code == 409
    assert "Seul un dossier clôturé avec une issue peut devenir un exemple." in response.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(CaseExample)).scalar() == 0


@pytest.mark.requirement("R-GDPR-7")
def test_submission_with_identifiers_is_refused_but_the_text_is_saved(app, people, handler):
    """Does "save and submit" keep the text yet answer 422, naming what still identifies?"""
    case = build_closed_case(people)
    handler.get(f"/console/dossiers/{case.reference}")
    handler.post(f"/console/exemples/depuis/{case.reference}")
    example = _example()
    handler.get(f"/console/exemples/{example.id}")
    response = handler.post(f"/console/exemples/{example.id}/enregistrer", submit="1",
                            **_form(example, lesson="Mme Dupont a été remboursée le 12/03/2026."))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Mme Dupont (nom)" in text and "12/03/2026 (date exacte)" in text
    db.session.expire_all()
    assert _example().state == ExampleState.DRAFT and "Mme Dupont" in _example().lesson


@pytest.mark.requirement("R-CASE-1")
def test_review_and_approval_through_the_console(app, people, login, handler):
    """Can a case handler submit but not approve (403), and does the mediator's approval publish it?"""
    case = build_closed_case(people)
    handler.get(f"/console/dossiers/{case.reference}")
    handler.post(f"/console/exemples/depuis/{case.reference}")
    example = _example()
    handler.get(f"/console/exemples/{example.id}")
    submitted = handler.post(f"/console/exemples/{example.id}/enregistrer", submit="1", **_form(example))
    assert submitted.status_code == 303, submitted.get_data(as_text=True)[:2000]
    review = handler.get(f"/console/exemples/{example.id}/relecture").get_data(as_text=True)
    assert "Seul le médiateur peut approuver un exemple pour le rapport." in review
    assert "Confirmer ma relecture" not in review  # the author cannot review
    assert handler.post(f"/console/exemples/{example.id}/relecture", decision="reviewed").status_code == 403
    assert handler.post(f"/console/exemples/{example.id}/approuver").status_code == 403
    mediator = Console(app, login, "mediatrice")
    mediator.get(f"/console/exemples/{example.id}/relecture")
    assert mediator.post(f"/console/exemples/{example.id}/approuver").status_code == 303
    db.session.expire_all()
    assert _example().state == ExampleState.APPROVED and _example().reviewed_by == "mediatrice"
    listing = handler.get("/console/exemples/?state=APPROVED").get_data(as_text=True)
    assert "Approuvé pour le rapport" in listing and "Double prélèvement" in listing


@pytest.mark.parametrize("who", ["comex", "facturation"])
def test_executives_and_correspondents_meet_403(app, people, login, who):
    """Are the examples' pages closed to the executive committee and the correspondents?"""
    case = build_closed_case(people)
    client = app.test_client()
    login(client, who)
    assert client.get("/console/exemples/").status_code == 403
    assert client.post(f"/console/exemples/depuis/{case.reference}").status_code == 403
