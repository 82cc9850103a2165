"""Uploads: size and type limits checked on the content, which is parsed (issue 15, finding 1): active PDFs and
scripts under any name refused, images re-encoded without their EXIF, text served as UTF-8 text, every download
named with its type's extension; a refused upload stores nothing."""

from __future__ import annotations

import hashlib
import html
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from mediator_plugin import state
from mediator_plugin.cases.documents import read_content
from mediator_plugin.cases.models import Document
from mediator_plugin.core.db import db
from tests.support import samples
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
    """Is a real PDF stored as sent, with its size, type and SHA-256, and downloadable by the team?"""
    client, reference, token = handler_client
    invoice = samples.pdf("Facture de mars")
    response = _upload(client, reference, token, "facture mars.pdf", invoice)
    assert response.status_code == 303
    (document,) = _uploads()
    assert document.content_type == "application/pdf" and document.size == len(invoice)
    assert document.sha256 == hashlib.sha256(invoice).hexdigest()
    download = client.get(f"/console/dossiers/{reference}/documents/{document.id}")
    assert download.status_code == 200 and download.data == invoice


def test_disguised_executable_is_refused(handler_client):
    """Is a Windows executable named .pdf refused with a clear message and nothing stored?"""
    client, reference, token = handler_client
    before = list(state().storage_dir.rglob("*")) if state().storage_dir.exists() else []
    response = _upload(client, reference, token, "facture.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200))
    assert _refused(response, "mais son contenu est d'un autre type", "Formats acceptés")
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


def _refused(response, *words):
    page = html.unescape(response.get_data(as_text=True))
    return response.status_code == 422 and all(word in page for word in words)


@pytest.mark.parametrize("kind", ["javascript", "open_action", "launch", "embedded_file", "xfa", "rich_media",
                                  "annotation_script"])
def test_a_pdf_with_active_content_is_refused(handler_client, kind):
    """Is a well-formed PDF that runs a script, launches a program, carries a file, an XFA form or rich media
    refused with a French reason, and nothing stored?"""
    client, reference, token = handler_client
    before = sorted(state().storage_dir.rglob("*")) if state().storage_dir.exists() else []
    response = _upload(client, reference, token, "facture.pdf", samples.hostile_pdf(kind))
    assert _refused(response, "Ce PDF contient un élément actif", "envoyez un PDF simple")
    assert _uploads() == [] and sorted(state().storage_dir.rglob("*")) == before


def test_an_active_pdf_is_found_under_an_escaped_name_and_a_broken_one_refused(handler_client):
    """Is /J#61vaScript read as /JavaScript (as viewers read it), and is a PDF that cannot be parsed or is
    locked by a password refused rather than passed unread?"""
    client, reference, token = handler_client
    escaped = samples.hostile_pdf("javascript").replace(b"/JavaScript", b"/J#61vaScript")
    assert _refused(_upload(client, reference, token, "a.pdf", escaped), "élément actif (du JavaScript)")
    assert _refused(_upload(client, reference, token, "b.pdf", b"%PDF-1.4\n% facture\n"), "il est endommagé")
    assert _refused(_upload(client, reference, token, "c.pdf", samples.locked_pdf()), "protégé par un mot de passe")
    assert _uploads() == []


@pytest.mark.parametrize(("name", "content"), [
    ("facture.hta", b'<hta:application id="x"/><script>new ActiveXObject("WScript.Shell").Run("calc")</script>'),
    ("facture.html", b"<html><body onload=alert(1)>Facture</body></html>"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("facture.pdf", b"<script>alert(1)</script>"),
    ("photo.jpg", b"Bonjour"),
])
def test_a_name_that_claims_another_type_is_refused(handler_client, name, content):
    """Is a script accepted as text no more: named .hta, .html or .svg, or named as a PDF or an image it is not,
    is it refused with the list of accepted formats?"""
    client, reference, token = handler_client
    assert _refused(_upload(client, reference, token, name, content), "Formats acceptés : PDF, image JPEG, image PNG")
    assert _uploads() == []


@pytest.mark.requirement("R-GDPR-2")
def test_an_image_is_reencoded_upright_without_its_exif(handler_client):
    """Is a phone photograph stored re-encoded — its GPS position and camera gone, turned upright as its EXIF
    orientation said — and is a damaged image refused?"""
    client, reference, token = handler_client
    sent = samples.photo("JPEG", size=(40, 20), rotated=True)
    assert Image.open(io.BytesIO(sent)).getexif().get(samples.GPS_IFD)
    assert _upload(client, reference, token, "compteur.jpg", sent).status_code == 303
    (document,) = _uploads()
    stored = client.get(f"/console/dossiers/{reference}/documents/{document.id}").data
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (20, 40) and dict(image.getexif()) == {}
    assert b"PhoneMaker" not in stored and document.sha256 == hashlib.sha256(stored).hexdigest()
    png = samples.photo("PNG")
    assert _upload(client, reference, token, "capture.png", png).status_code == 303
    assert b"PhoneMaker" not in read_content(_uploads()[-1])
    assert _refused(_upload(client, reference, token, "abime.jpg", b"\xff\xd8\xff" + bytes(60)), "endommagée")


def test_text_is_served_as_utf8_text_and_every_download_carries_its_extension(handler_client):
    """Is text served as text/plain; charset=utf-8, as an attachment, never sniffed; does a name without an
    extension get its type's, on upload and on download of a document stored before?"""
    client, reference, token = handler_client
    assert _upload(client, reference, token, "notes", "Échéancier : 3 × 40 €".encode()).status_code == 303
    (document,) = _uploads()
    assert document.filename == "notes.txt"
    assert _upload(client, reference, token, "Lettre de M. Dupont", b"Bonjour").status_code == 303  # no extension
    assert _uploads()[-1].filename == "Lettre de M. Dupont.txt"
    download = client.get(f"/console/dossiers/{reference}/documents/{document.id}")
    assert download.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert 'attachment; filename=notes.txt' in download.headers["Content-Disposition"]
    # A document stored before the names were checked, without an extension.
    legacy = Document(case_id=document.case_id, kind="upload", filename="scan", content_type="application/pdf",
                      size=document.size, sha256=document.sha256, uploaded_by="x", uploaded_at=document.uploaded_at)
    db.session.add(legacy)
    db.session.commit()
    download = client.get(f"/console/dossiers/{reference}/documents/{legacy.id}")
    assert "filename=scan.pdf" in download.headers["Content-Disposition"]
