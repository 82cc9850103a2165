"""Refused actions in the console: the right status, the reason on the page, nothing stored."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from mediator_plugin.cases.models import Case, TimelineEvent
from mediator_plugin.core.db import db
from mediator_plugin.core.outbox import OutboxMessage
from tests.support.factories import new_case

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def console(app, people, login):
    case = new_case(people.gestionnaire)
    client = app.test_client()
    login(client, "gestionnaire")
    token = _CSRF.search(client.get(f"/console/dossiers/{case.reference}").get_data(as_text=True)).group(1)

    def post(action, **data):
        return client.post(f"/console/dossiers/{case.reference}/actions/{action}", data={"csrf_token": token, **data})

    return post, case.reference


def _counts():
    return (db.session.execute(sa.select(sa.func.count()).select_from(TimelineEvent)).scalar(),
            db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar())


def test_invalid_transition_is_409_with_the_reason(console):
    """Closing a file still under review: 409, the state named on the page, nothing written."""
    post, reference = console
    before = _counts()
    response = post("close")
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "état « Reçu »" in text
    assert _counts() == before
    assert db.session.execute(sa.select(Case.state).where(Case.reference == reference)).scalar() == "RECEIVED"


@pytest.mark.requirement("R-ADM-1")
def test_missing_mandatory_field_is_422(console):
    """A refusal without a ground: 422, the reason on the page, the file unchanged."""
    post, _ = console
    before = _counts()
    response = post("declare_inadmissible", ground="")
    assert response.status_code == 422
    assert "Choisissez l&#39;un des cinq motifs légaux" in response.get_data(as_text=True)
    assert _counts() == before


def test_malformed_date_is_422(console):
    """A date that is not a date: 422 with the expected format, nothing stored."""
    post, _ = console
    post("mark_complete")
    before = _counts()
    response = post("extend_deadline", reason_category="expertise", justification="x", new_due="31/02/2026")
    assert response.status_code in (409, 422)
    assert _counts() == before


def test_unknown_action_is_404(console):
    """An action name that does not exist is a 404, not a server error."""
    post, _ = console
    assert post("delete_everything").status_code == 404
