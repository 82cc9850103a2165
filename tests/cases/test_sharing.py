"""Sharing documents of the file with a party, and keeping one back with its reason (R-PROC-3, R-CHARTER-2).

The consumer receives the documents by mail through the real SMTP sink; a department's correspondent, signed in
through the OIDC provider, finds exactly what was shared with their department and what it sent itself.
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
import sqlalchemy as sa

from mediator_plugin.cases import documents, instruction
from mediator_plugin.cases.models import Document, DocumentShare, ObservationRequest
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db
from mediator_plugin.core.delivery import deliver_outbox
from mediator_plugin.core.outbox import OutboxMessage
from tests.support import samples
from tests.support.factories import CONSUMER, admitted_case

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
INVOICE = samples.pdf("Facture de mars, 59,90 EUR")
STATEMENT = b"Releve de compte de Mme Dupont, mars.\n"


def _upload(case, name: str, content: bytes, actor) -> Document:
    return documents.add_upload(case, filename=name, content=content, actor=actor.name)


def _page(client, reference: str) -> str:
    return unescape(client.get(f"/console/dossiers/{reference}").get_data(as_text=True))


def _post(client, reference: str, action: str, data: dict):
    token = _CSRF.search(client.get(f"/console/dossiers/{reference}").get_data(as_text=True)).group(1)
    return client.post(f"/console/dossiers/{reference}/actions/{action}", data={"csrf_token": token, **data})


def _editor(client, reference: str) -> str:
    """The proposal editor's text, without its tags."""
    return re.sub(r"<[^>]+>", "", _page(client, reference + "/avis/"))


def _shares() -> list[DocumentShare]:
    return db.session.execute(sa.select(DocumentShare).order_by(DocumentShare.id)).scalars().all()


@pytest.fixture
def file_with_documents(app, people):
    case = admitted_case(people.gestionnaire)
    invoice = _upload(case, "facture-mars.pdf", INVOICE, people.gestionnaire)
    statement = _upload(case, "releve.txt", STATEMENT, people.gestionnaire)
    db.session.commit()
    return case, invoice.id, statement.id


@pytest.mark.requirement("R-PROC-3", "R-CHARTER-2")
def test_documents_shared_with_the_consumer_leave_by_mail_and_are_logged(file_with_documents, client_for, smtp):
    """At the company's request, the team sends one document to the consumer: does the mail carry exactly that
    document, and do the share log, the history and the audit log say what, to whom, when, by whom and why?"""
    case, invoice_id, _statement_id = file_with_documents
    handler = client_for("gestionnaire")
    response = _post(handler, case.reference, "share_documents", {
        "document_ids": [str(invoice_id)], "recipient": "consumer", "requested_by": "company",
        "note": "Demande du service juridique du 3 mars"})
    assert response.status_code == 303

    (share,) = _shares()
    assert (share.document_id, share.recipient, share.requested_by, share.shared_by) == \
        (invoice_id, "consumer", "company", "Lisa Bernard")
    smtp.inbox.messages.clear()
    assert deliver_outbox().failed == 0
    (mail,) = [m for m in smtp.inbox.messages if "documents du dossier" in m["Subject"]]
    assert mail["To"] == CONSUMER["email"]
    assert [(a.get_filename(), a.get_content()) for a in mail.iter_attachments()] == [("facture-mars.pdf", INVOICE)]
    assert "confidentielle" in mail.get_body(("plain",)).get_content()

    page = _page(handler, case.reference)
    log = page.split("Journal des partages", 1)[1].split("</table>", 1)[0]
    for cell in ("facture-mars.pdf", "le consommateur, par courriel", "Lisa Bernard", "à la demande de la société",
                 "envoyé", "Demande du service juridique du 3 mars"):
        assert cell in log
    assert "releve.txt" not in log
    assert "Documents adressés au consommateur par courriel (à la demande de la société) : facture-mars.pdf." in page
    (entry,) = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "documents_shared")).scalars()
    assert entry.target == case.reference and entry.actor == "gestionnaire"
    assert {k: entry.detail[k] for k in ("recipient", "requested_by", "document_ids")} == \
        {"recipient": "consumer", "requested_by": "company", "document_ids": [invoice_id]}
    assert "facture" not in json.dumps(entry.detail) and "juridique" not in json.dumps(entry.detail)


@pytest.mark.requirement("R-PROC-3")
def test_a_consumer_without_e_mail_gets_nothing_and_the_page_says_why(app, people, client_for):
    """With no e-mail address (the postal route is not built), is the share refused with a French 422 and
    nothing logged or queued?"""
    case = admitted_case(people.gestionnaire, email=None)
    document = _upload(case, "facture-mars.pdf", INVOICE, people.gestionnaire)
    db.session.commit()
    mails = db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar()

    response = _post(client_for("gestionnaire"), case.reference, "share_documents", {
        "document_ids": [str(document.id)], "recipient": "consumer", "requested_by": "consumer"})
    assert response.status_code == 422
    assert "l'envoi de documents par courrier postal n'est pas encore possible : rien n'a été communiqué" \
        in unescape(response.get_data(as_text=True))
    assert _shares() == []
    assert db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar() == mails


@pytest.mark.requirement("R-PROC-3", "R-CONF-1")
def test_a_correspondent_reads_exactly_what_was_shared_with_their_department_and_their_own(
        app, people, client_for, smtp):
    """Billing gets one document and sent one; another went to contracts; one stays with the team. Does the
    billing correspondent list and download exactly their two, with every other document a 404, each download
    audited, and their mailbox told of the share?"""
    case = admitted_case(people.gestionnaire)
    instruction.request_observations(case, people.gestionnaire, department="billing", question="Vos observations ?")
    db.session.commit()
    request = db.session.execute(sa.select(ObservationRequest)).scalar_one()
    instruction.answer_observations(request, people.facturation, answer="Avoir émis le 12 mars.",
                                    attachments=[("avoir.pdf", samples.pdf("Avoir"))])
    for_billing = _upload(case, "contrat.txt", b"Contrat signe le 2 janvier.\n", people.gestionnaire)
    for_contracts = _upload(case, "avenant.txt", b"Avenant du 5 fevrier.\n", people.gestionnaire)
    kept = _upload(case, "certificat-medical.txt", b"Certificat medical.\n", people.gestionnaire)
    db.session.commit()
    own = db.session.execute(sa.select(Document).where(Document.filename == "avoir.pdf")).scalar_one()
    letter = db.session.execute(sa.select(Document).where(Document.kind == "letter")).scalars().first()

    handler = client_for("gestionnaire")
    for document, recipient in ((for_billing, "company:billing"), (for_contracts, "company:contracts")):
        response = _post(handler, case.reference, "share_documents", {
            "document_ids": [str(document.id)], "recipient": recipient, "requested_by": "consumer"})
        assert response.status_code == 303
    assert [(s.document_id, s.recipient, s.department) for s in _shares()] == \
        [(for_billing.id, "company", "billing"), (for_contracts.id, "company", "contracts")]

    billing = client_for("facturation")
    request_page = unescape(billing.get(f"/correspondant/demandes/{request.id}").get_data(as_text=True))
    listed = request_page.split("Documents du dossier que vous pouvez lire", 1)[1]
    assert "contrat.txt" in listed and "avoir.pdf" in listed
    assert not any(name in request_page for name in ("avenant.txt", "certificat-medical.txt", letter.filename))
    space = unescape(billing.get("/correspondant/").get_data(as_text=True))
    shared = space.split("Documents que le médiateur vous a communiqués", 1)[1].split("</table>", 1)[0]
    assert "contrat.txt" in shared and case.reference in shared and "avenant.txt" not in shared

    base = f"/correspondant/dossiers/{case.reference}/documents"
    download = billing.get(f"{base}/{for_billing.id}")
    assert download.status_code == 200 and download.data == b"Contrat signe le 2 janvier.\n"
    assert billing.get(f"{base}/{own.id}").status_code == 200
    for hidden in (for_contracts, kept, letter):
        assert billing.get(f"{base}/{hidden.id}").status_code == 404
    assert billing.get(f"/correspondant/dossiers/MED-1999-00001/documents/{for_billing.id}").status_code == 404
    reads = db.session.execute(sa.select(AuditEntry.detail).where(
        AuditEntry.action == "read_document", AuditEntry.actor == "facturation")).scalars().all()
    assert reads == [{"document_id": for_billing.id}, {"document_id": own.id}]

    smtp.inbox.messages.clear()
    deliver_outbox()
    notices = [m for m in smtp.inbox.messages if "documents communiqués à votre service" in m["Subject"]]
    assert sorted(m["To"] for m in notices) == ["contrats@example.com", "facturation@example.com"]
    assert all(not list(m.iter_attachments()) for m in notices)  # the documents stay in the space


@pytest.mark.requirement("R-CHARTER-2")
def test_a_document_kept_back_needs_its_reason_shown_on_the_file_and_to_the_mediator(
        file_with_documents, client_for):
    """Is "not shared" without a reason a 422; with one, is the reason on the file page and in the proposal
    editor (which flags the documents neither shared nor kept back), and is the mark lifted once it is shared?"""
    case, invoice_id, statement_id = file_with_documents
    handler = client_for("gestionnaire")
    refused = _post(handler, case.reference, "withhold_document", {"document_id": str(statement_id), "why": " "})
    assert refused.status_code == 422
    assert "Indiquez pourquoi ce document n'est pas communiqué" in unescape(refused.get_data(as_text=True))
    assert db.session.get(Document, statement_id).withheld_reason is None

    reason = "Relevé bancaire complet : seule la ligne du prélèvement est utile, déjà citée dans la facture."
    assert _post(handler, case.reference, "withhold_document",
                 {"document_id": str(statement_id), "why": reason}).status_code == 303
    page = _page(handler, case.reference)
    row = page.split("releve.txt</a>", 1)[1].split("</tr>", 1)[0]
    assert "Non communiqué" in row and reason in row
    assert f"Document marqué « non communiqué » : releve.txt — {reason}" in page

    editor = _editor(handler, case.reference)
    assert f"releve.txt — non communiqué : {reason}" in editor
    assert "facture-mars.pdf — ni communiqué, ni marqué « non communiqué »" in editor
    assert "Un document du dossier n'a été ni communiqué à une partie" in editor

    assert _post(handler, case.reference, "share_documents", {
        "document_ids": [str(statement_id), str(invoice_id)], "recipient": "company:billing",
        "requested_by": "company"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Document, statement_id).withheld_reason is None
    page = _page(handler, case.reference)
    assert "Ils étaient jusque-là marqués « non communiqués »." in page
    editor = _editor(handler, case.reference)
    assert "ni communiqué, ni marqué" not in editor
    again = _post(handler, case.reference, "withhold_document", {"document_id": str(statement_id), "why": reason})
    assert again.status_code == 409  # a document already shared cannot be said to be kept back


@pytest.mark.requirement("R-PROC-3")
def test_bad_share_requests_are_refused_and_store_nothing(file_with_documents, people, client_for):
    """No document, another file's document, an unknown recipient, department or requester: a 422 each, with
    its French reason, and nothing logged or queued."""
    case, invoice_id, _statement_id = file_with_documents
    other = admitted_case(people.gestionnaire, email="paul.martin@example.org")
    foreign = _upload(other, "autre.txt", b"Autre dossier.\n", people.gestionnaire)
    db.session.commit()
    mails = db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar()
    good = {"document_ids": [str(invoice_id)], "recipient": "consumer", "requested_by": "consumer"}
    handler = client_for("gestionnaire")
    for change, message in (
            ({"document_ids": []}, "Choisissez au moins un document."),
            ({"document_ids": [str(foreign.id)]}, "Document inconnu."),
            ({"document_ids": ["douze"]}, "Un nombre est attendu."),
            ({"recipient": "huissier"}, "Choisissez qui reçoit les documents."),
            ({"recipient": "company:juridique"}, "Choisissez le service qui reçoit les documents."),
            ({"requested_by": "voisin"}, "Indiquez qui a demandé les documents.")):
        response = _post(handler, case.reference, "share_documents", {**good, **change})
        assert response.status_code == 422, change
        assert message in unescape(response.get_data(as_text=True)), change
    assert _shares() == []
    assert db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar() == mails
