"""The correspondent answers a request with documents; a refused document leaves nothing behind."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from mediator_plugin.cases import instruction
from mediator_plugin.cases.models import Document, ObservationRequest
from mediator_plugin.core.db import db
from tests.support import samples
from tests.support.factories import admitted_case

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PDF = samples.pdf()


@pytest.fixture
def request_to_billing(app, people):
    case = admitted_case(people.gestionnaire)
    instruction.request_observations(case, people.gestionnaire, department="billing",
                                     question="Le second prélèvement a-t-il été remboursé ?")
    db.session.commit()
    return case.reference, db.session.execute(sa.select(ObservationRequest.id)).scalar_one()


def _answer(app, login, request_id, **files):
    client = app.test_client()
    login(client, "facturation")
    page = client.get(f"/correspondant/demandes/{request_id}").get_data(as_text=True)
    data = {"csrf_token": _CSRF.search(page).group(1), "answer": "Remboursement effectué le 12 mars.", **files}
    return client.post(f"/correspondant/demandes/{request_id}/repondre", data=data,
                       content_type="multipart/form-data")


def test_answer_with_documents_reaches_the_file(app, login, request_to_billing):
    """Are the answer and its two documents on the file page the case handler reads?"""
    reference, request_id = request_to_billing

    response = _answer(app, login, request_id, attachments=[(io.BytesIO(PDF), "avoir-mars.pdf"),
                                                            (io.BytesIO(b"Releve du compte"), "releve.txt")])
    assert response.status_code == 303
    handler = app.test_client()
    login(handler, "gestionnaire")
    page = handler.get(f"/console/dossiers/{reference}").get_data(as_text=True)
    assert "Remboursement effectué le 12 mars." in page
    assert "avoir-mars.pdf" in page and "releve.txt" in page
    kinds = db.session.execute(sa.select(Document.kind).where(Document.filename.in_(
        ["avoir-mars.pdf", "releve.txt"]))).scalars().all()
    assert kinds == ["observations", "observations"]


def test_a_refused_document_stores_neither_answer_nor_documents(app, login, request_to_billing):
    """A Windows executable among the documents: 422 with the reason, and the request is still unanswered."""
    _reference, request_id = request_to_billing

    documents = db.session.execute(sa.select(sa.func.count()).select_from(Document)).scalar()
    response = _answer(app, login, request_id, attachments=[(io.BytesIO(PDF), "avoir.pdf"),
                                                            (io.BytesIO(b"MZ\x90\x00" * 64), "facture.pdf")])
    assert response.status_code == 422
    assert "Formats acceptés : PDF, image JPEG, image PNG" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ObservationRequest, request_id).answered_at is None
    assert db.session.execute(sa.select(sa.func.count()).select_from(Document)).scalar() == documents


def test_too_many_documents_are_refused(app, login, request_to_billing):
    """Six documents at once: 422 naming the limit of five."""
    _reference, request_id = request_to_billing

    files = [(io.BytesIO(b"note %d" % n), f"note-{n}.txt") for n in range(6)]
    response = _answer(app, login, request_id, attachments=files)
    assert response.status_code == 422
    assert "5 fichiers" in response.get_data(as_text=True)
