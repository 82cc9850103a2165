"""What the responses give away (issue 15, low findings): nothing behind the sign-in is kept by a browser, the
health check names no version, numbers in a URL or a form are bounded, a letter preview keeps the CSRF token out
of the address, and the filing's acknowledgement carries nothing the visitor typed."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from mediator_plugin.cases.models import Document
from mediator_plugin.core.db import db
from mediator_plugin.core.outbox import OutboxMessage
from tests.public.conftest import file_and_read_ack
from tests.support.factories import admitted_case, new_case

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_documents_and_pdfs_behind_the_sign_in_are_never_stored(app, people, client_for):
    """Are a document download, a file page and a report PDF sent with Cache-Control: no-store (send_file said
    no-cache, which lets a browser keep the file on disk)?"""
    case = admitted_case(people.gestionnaire)
    db.session.commit()
    lisa = client_for("gestionnaire")
    page = lisa.get(f"/console/dossiers/{case.reference}").get_data(as_text=True)
    token = _CSRF.search(page).group(1)
    lisa.post(f"/console/dossiers/{case.reference}/actions/upload_document",
              data={"csrf_token": token, "file": (io.BytesIO("Relevé de compteur".encode()), "releve.txt")},
              content_type="multipart/form-data")
    document = db.session.scalars(sa.select(Document).where(Document.case_id == case.id,
                                                            Document.kind == "upload")).one()
    claire = client_for("mediatrice")
    for client, url in ((lisa, f"/console/dossiers/{case.reference}/documents/{document.id}"),
                        (lisa, f"/console/dossiers/{case.reference}"),
                        (claire, "/console/rapports/2026.pdf?edition=comex")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_health_check_names_no_version(app):
    """Does /healthz tell an anonymous caller the database and schema state, and no version of the software?"""
    answer = app.test_client().get("/healthz").json
    assert answer["status"] == "ok" and "version" not in answer and "version" not in str(answer).lower()


def test_numbers_beyond_any_column_are_a_404_or_a_422(app, people, client_for):
    """Is a hold id of twenty digits a 404 (it was a 500), and a document id of twenty digits in a form a 422?"""
    case = admitted_case(people.gestionnaire)
    db.session.commit()
    claire = client_for("mediatrice")
    token = _CSRF.search(claire.get(f"/console/dossiers/{case.reference}").get_data(as_text=True)).group(1)
    lifted = claire.post(f"/console/dossiers/{case.reference}/gel/{'9' * 20}/levee",
                         data={"csrf_token": token, "note": "x"})
    assert lifted.status_code == 404
    withheld = claire.post(f"/console/dossiers/{case.reference}/actions/withhold_document",
                           data={"csrf_token": token, "document_id": "9" * 20, "reason": "Hors sujet"})
    assert withheld.status_code == 422 and "Un nombre est attendu" in withheld.get_data(as_text=True)


def test_letter_preview_is_posted_with_its_token_in_the_body(app, people, client_for):
    """Do the file page's preview buttons post (so the CSRF token and the fields stay out of the address, the
    history and the logs), and does the preview answer the POST with the PDF — and refuse it without token?"""
    case = new_case(people.gestionnaire)
    db.session.commit()
    lisa = client_for("gestionnaire")
    page = lisa.get(f"/console/dossiers/{case.reference}").get_data(as_text=True)
    assert 'formmethod="get"' not in page and page.count('formmethod="post" formtarget="_blank"') >= 1
    token = _CSRF.search(page).group(1)
    url = f"/console/dossiers/{case.reference}/apercu/rejection.pdf"
    preview = lisa.post(url, data={"csrf_token": token, "ground": "NO_PRIOR_WRITTEN_COMPLAINT"})
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert lisa.post(url, data={"ground": "NO_PRIOR_WRITTEN_COMPLAINT"}).status_code == 400


def test_the_acknowledgement_carries_nothing_typed_in_the_form(app):
    """Anyone may type any address: does the acknowledgement mail leave out the name typed, so the form cannot
    carry someone's words to a stranger's mailbox?"""
    file_and_read_ack(app.test_client(), name="Gagnez 1000 euros sur http://arnaque.invalid")
    mail = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    assert "arnaque" not in mail.payload["body"] and "Gagnez" not in mail.payload["body"]
    assert mail.payload["body"].startswith("Madame, Monsieur,")
