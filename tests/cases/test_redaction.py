"""Replacing a party's document by a redacted copy (R-GDPR-2): one document kept, the original's content gone
from the storage once nothing points at it, the change on the history and in the audit log without content."""

from __future__ import annotations

import io
import json
import re
from html import unescape

import pytest
import sqlalchemy as sa

from mediator_plugin.cases import documents, notebook, redaction, sharing
from mediator_plugin.cases.documents import storage_path
from mediator_plugin.cases.models import Case, Document
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db
from tests.support.factories import admitted_case

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ORIGINAL = b"Releve de compte de Jeanne Dupont, IBAN FR76 3000 4000 0500 0012 3456 789. Sante: suivi cardiologique.\n"
REDACTED = b"Releve de compte de Jeanne Dupont, IBAN [masque]. Sante: [masque].\n"


def _redact(client, reference: str, document_id, content: bytes | None, name: str = "releve-occulte.txt"):
    token = _CSRF.search(client.get(f"/console/dossiers/{reference}").get_data(as_text=True)).group(1)
    data = {"csrf_token": token, "document_id": str(document_id)}
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return client.post(f"/console/dossiers/{reference}/actions/redact_document", data=data,
                       content_type="multipart/form-data")


@pytest.fixture
def statement(app, people):
    case = admitted_case(people.gestionnaire)
    document = documents.add_upload(case, filename="releve.txt", content=ORIGINAL, actor=people.gestionnaire.name)
    sharing.share_documents(case, people.gestionnaire, document_ids=[document.id], recipient="company",
                            requested_by="company")
    db.session.commit()
    return case, document.id, document.sha256


@pytest.mark.requirement("R-GDPR-2")
def test_a_redacted_copy_takes_the_place_of_the_original(statement, client_for):
    """Does the copy replace the document (one row, its share kept, the correspondent reading the copy), the
    original blob go from the storage, and the history and audit log record the two hashes, never the content?"""
    case, document_id, original_sha = statement
    assert storage_path(original_sha).exists()
    documents_before = db.session.execute(sa.select(sa.func.count()).select_from(Document)).scalar()

    handler = client_for("gestionnaire")
    response = _redact(handler, case.reference, document_id, REDACTED)
    assert response.status_code == 303

    db.session.expire_all()
    document = db.session.get(Document, document_id)
    assert db.session.execute(sa.select(sa.func.count()).select_from(Document)).scalar() == documents_before
    assert (document.filename, document.size, document.redacted_by) == ("releve-occulte.txt", len(REDACTED),
                                                                      "Lisa Bernard")
    assert not storage_path(original_sha).exists() and storage_path(document.sha256).exists()
    assert handler.get(f"/console/dossiers/{case.reference}/documents/{document_id}").data == REDACTED
    billing = client_for("facturation")
    assert billing.get(f"/correspondant/dossiers/{case.reference}/documents/{document_id}").data == REDACTED

    page = unescape(handler.get(f"/console/dossiers/{case.reference}").get_data(as_text=True))
    assert "Document remplacé par une copie occultée : releve-occulte.txt." in page
    assert "Copie occultée depuis le" in page
    (entry,) = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "document_redacted")).scalars()
    assert (entry.detail["previous_sha256"], entry.detail["sha256"]) == (original_sha, document.sha256)
    assert "releve" not in json.dumps(entry.detail) and "IBAN" not in json.dumps(entry.detail)


@pytest.mark.requirement("R-GDPR-2")
def test_the_original_stays_while_another_document_holds_the_same_content(statement, people):
    """Two documents with the same content share one blob: is it kept when only one of them is redacted?"""
    case, document_id, original_sha = statement
    other = admitted_case(people.gestionnaire, email="paul.martin@example.org")
    twin = documents.add_upload(other, filename="releve.txt", content=ORIGINAL, actor=people.gestionnaire.name)
    db.session.commit()
    redaction.replace_with_redacted(case, people.gestionnaire, document_id=document_id, filename="copie.txt",
                                    content=REDACTED)
    db.session.commit()
    assert storage_path(original_sha).exists()
    assert documents.read_content(db.session.get(Document, twin.id)) == ORIGINAL


@pytest.mark.requirement("R-GDPR-2")
def test_a_redaction_rolled_back_keeps_the_original(statement, people):
    """The original blob goes only with a committed change: after a rollback, is it still there and read?"""
    case, document_id, original_sha = statement
    redaction.replace_with_redacted(case, people.gestionnaire, document_id=document_id, filename="copie.txt",
                                    content=REDACTED)
    db.session.rollback()
    notebook.add_note(db.session.get(Case, case.id), people.gestionnaire, text="Relevé à revoir.")
    db.session.commit()  # the next commit finds the original still in use
    assert storage_path(original_sha).exists()
    assert documents.read_content(db.session.get(Document, document_id)) == ORIGINAL


@pytest.mark.requirement("R-GDPR-2")
def test_a_refused_copy_changes_nothing(statement, client_for):
    """A disguised executable, an identical copy, no file, a letter of the mediator: a 422 each with its French
    reason, the document and its blob as they were."""
    case, document_id, original_sha = statement
    letter = db.session.execute(sa.select(Document).where(Document.kind == "letter")).scalars().first()
    handler = client_for("gestionnaire")
    for target, content, message in (
            (document_id, b"MZ\x90\x00" * 64, "Formats acceptés : PDF, image JPEG, image PNG"),
            (document_id, ORIGINAL, "Cette copie est identique au document"),
            (document_id, None, "Choisissez la copie occultée."),
            (letter.id, REDACTED, "Un courrier du médiateur ne peut pas être remplacé")):
        response = _redact(handler, case.reference, target, content)
        assert response.status_code == 422, message
        assert message in unescape(response.get_data(as_text=True))
    db.session.expire_all()
    document = db.session.get(Document, document_id)
    assert (document.sha256, document.filename, document.redacted_at) == (original_sha, "releve.txt", None)
    assert storage_path(original_sha).exists()


@pytest.mark.requirement("R-GDPR-2")
def test_the_filing_form_asks_to_black_out_what_is_not_needed(app):
    """Does /saisir tell the consumer, next to the documents field, to black out health information and account
    numbers before sending?"""
    page = unescape(app.test_client().get("/saisir").get_data(as_text=True))
    assert ("Avant l'envoi, masquez ce dont le médiateur n'a pas besoin : informations de santé, numéros de compte "
            "bancaire ou de carte, coordonnées d'autres personnes.") in page
