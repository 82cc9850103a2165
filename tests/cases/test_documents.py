"""Uploads: size and type limits checked on the content; a refused upload stores nothing."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from mediator_plugin import state
from mediator_plugin.cases.models import Document
from mediator_plugin.core.db import db
from tests.support.factories import admitted_case


@pytest.fixture
def handler_client(app, people, login):
    case = admitted_case(people.gestionnaire)
    client = app.test_client()
    login(client, "gestionnaire")
    page = client.get(f"/console/dossiers/{case.reference}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return client, case.reference, token


def _upload(client, reference, token, name, content):
    return client.post(f"/console/dossiers/{reference}/actions/upload_document",
                       data={"csrf_token": token, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _uploads():
    return db.session.execute(sa.select(Document).where(Document.kind == "upload")).scalars().all()


def test_pdf_upload_is_stored_with_its_hash(handler_client):
    """Is a real PDF stored, with its size, type and SHA-256, and downloadable by the team?"""
    client, reference, token = handler_client
    response = _upload(client, reference, token, "facture mars.pdf", b"%PDF-1.4\n% facture\n")
    assert response.status_code == 303
    (document,) = _uploads()
    assert document.content_type == "application/pdf" and document.size == 19 and len(document.sha256) == 64
    download = client.get(f"/console/dossiers/{reference}/documents/{document.id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4\n% facture\n"


def test_disguised_executable_is_refused(handler_client):
    """Is a Windows executable named .pdf refused with a clear message and nothing stored?"""
    client, reference, token = handler_client
    before = list(state().storage_dir.rglob("*")) if state().storage_dir.exists() else []
    response = _upload(client, reference, token, "facture.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200))
    assert response.status_code == 422
    assert "type de fichier" in response.get_data(as_text=True) or "type of file" in response.get_data(as_text=True)
    assert _uploads() == [] and sorted(state().storage_dir.rglob("*")) == sorted(before)


def test_oversized_upload_is_refused(handler_client, make_app):
    """Is a file over the limit refused (422 under the request cap, 413 above it), nothing stored?"""
    client, reference, token = handler_client
    limit = state().settings["upload_max_bytes"]
    response = _upload(client, reference, token, "gros.txt", b"a" * (limit + 1))
    assert response.status_code == 422 and _uploads() == []
    response = _upload(client, reference, token, "enorme.txt", b"a" * (limit + 200_000))
    assert response.status_code == 413 and _uploads() == []


def test_filename_cannot_escape_the_storage(handler_client):
    """Is a path in the uploaded name stripped (files are stored by hash, names only shown)?"""
    client, reference, token = handler_client
    _upload(client, reference, token, "../../etc/passwd.txt", b"bonjour")
    (document,) = _uploads()
    assert document.filename == "passwd.txt"
