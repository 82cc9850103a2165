"""Tracking (/suivi): the status in plain words for the right pair, the same 404 for any wrong one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mediator_plugin.cases import admissibility
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.intake.services import open_case
from tests.public.conftest import CSRF, csrf_token, file_and_read_ack


def _track(client, reference: str, code: str):
    token = csrf_token(client, "/suivi")
    return client.post("/suivi", data={"csrf_token": token, "reference": reference, "code": code})


@pytest.mark.requirement("R-FLOW-6")
def test_right_pair_shows_the_status_in_plain_words(app, client, people):
    """Does the right pair show where the request stands, with the next date, and is the look-up audited?"""
    reference, code = file_and_read_ack(client)
    response = _track(client, reference, code.lower().replace("-", " "))  # typed loosely, still recognised
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Reçue — en attente de l&#39;équipe de la médiatrice" in page

    item = db.session.execute(sa.select(IntakeItem)).scalar_one()
    case = open_case(item, people.gestionnaire)
    admissibility.mark_complete(case, people.gestionnaire)
    db.session.commit()
    page = _track(client, reference, code).get_data(as_text=True)
    assert "En cours d&#39;examen" in page and "Vous aurez la réponse au plus tard le" in page
    assert case.rejection_due.strftime("%Y") in page
    for private in ("Gestionnaire", "gestionnaire", "le service client refuse", "C-77812"):
        assert private not in page  # neither staff names nor the file's content

    audited = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "public_tracking")).scalars().all()
    assert [entry.target for entry in audited] == [reference, reference]
    assert audited[-1].case_id == case.id


def test_any_wrong_pair_gets_the_same_404_page(client):
    """Wrong code, unknown reference or nonsense: is it the same 404 page, and nothing audited?"""
    reference, code = file_and_read_ack(client)
    year = reference.split("-")[1]
    wrong = [(reference, "AAAA-BBBB-CCCC-DDDD"), (f"MED-{year}-09999", code), ("n'importe quoi", "x")]
    pages = []
    for ref, typed in wrong:
        response = _track(client, ref, typed)
        assert response.status_code == 404
        pages.append(CSRF.sub("TOKEN", response.get_data(as_text=True)))
    assert pages[0] == pages[1] == pages[2]
    assert "Nous n'avons pas trouvé de demande avec cette référence et ce code" in pages[0]
    assert reference not in pages[0]
    assert db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "public_tracking")).first() is None


def test_tracking_is_rate_limited(make_app):
    """Beyond ``tracking_rate_limit``, do look-ups get 429 — so codes cannot be guessed?"""
    application = make_app(tracking_rate_limit="3 per minute")
    with application.app_context():
        client = application.test_client()
        statuses = [_track(client, "MED-2026-00001", "AAAA-BBBB-CCCC-DDDD").status_code for _ in range(4)]
        assert statuses == [404, 404, 404, 429]
        assert client.get("/suivi").status_code == 200


def test_tracking_without_csrf_token_is_refused(client):
    """Is a look-up without its CSRF token refused with 400?"""
    assert client.post("/suivi", data={"reference": "MED-2026-00001", "code": "x"}).status_code == 400
