"""Online filing (/saisir): into the intake queue with its reference, documents, mail; hostile input refused."""

from __future__ import annotations

import html
import json

import pytest
import sqlalchemy as sa

from mediator_plugin import state
from mediator_plugin.core.db import db
from mediator_plugin.core.outbox import OutboxMessage
from mediator_plugin.intake.models import IntakeItem, OnlineFiling
from mediator_plugin.public.filing import hash_code
from tests.public.conftest import PDF, file_and_read_ack, post_filing
from tests.support import samples


def _stored_nothing() -> None:
    assert db.session.execute(sa.select(sa.func.count()).select_from(IntakeItem)).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(OnlineFiling)).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar() == 0
    storage = state().storage_dir
    assert not storage.exists() or not any(p.is_file() for p in storage.rglob("*"))


@pytest.mark.requirement("R-WEB-2", "R-PROC-1", "R-HELPDESK-3")
def test_filing_lands_in_the_queue_with_its_reference_and_documents(app, client, login):
    """Does a filing reach the intake queue complete — words, dates, documents — under the reserved reference?"""
    assert client.get("/saisir").status_code == 200
    reference, code = file_and_read_ack(client, files=[("facture-mars.pdf", PDF), ("releve.txt", "Relevé".encode())])

    item = db.session.execute(sa.select(IntakeItem)).scalar_one()
    filing = db.session.execute(sa.select(OnlineFiling)).scalar_one()
    assert (item.source, item.external_id, item.state) == ("online", reference, "pending")
    assert filing.reference == reference and filing.code_sha256 == hash_code(code)
    assert code not in json.dumps(item.snapshot) and code.replace("-", "") not in json.dumps(item.snapshot)
    stored = item.snapshot["attachments"]
    assert [a["filename"] for a in stored] == ["facture-mars.pdf", "releve.txt"]
    assert [a["content_type"] for a in stored] == ["application/pdf", "text/plain"]
    assert (state().storage_dir / stored[0]["sha256"][:2] / stored[0]["sha256"]).read_bytes() == PDF

    mail = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    assert mail.payload["to"] == ["jeanne.dupont@example.org"]
    assert reference in mail.payload["subject"] and reference in mail.payload["body"]
    assert code not in mail.payload["body"] and code.replace("-", "") not in mail.payload["body"]
    # Nothing typed in the form goes to the address typed in it (issue 15): not even the name.
    assert mail.payload["body"].startswith("Madame, Monsieur,") and "Jeanne" not in mail.payload["body"]

    again = client.get("/saisir/accuse-de-reception")
    assert again.status_code == 303 and code not in again.get_data(as_text=True)  # the code is shown once

    team = app.test_client()
    login(team, "gestionnaire")
    queue = team.get("/console/arrivees/").get_data(as_text=True)
    assert f"déposée en ligne sous la référence {reference}" in queue
    assert "le service client refuse le second remboursement" in queue
    assert "Le remboursement du second prélèvement" in queue
    assert "facture-mars.pdf" in queue and "releve.txt" in queue and "C-77812" in queue


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.mark.requirement("R-WEB-2")
@pytest.mark.parametrize(("files", "reason"), [
    ([("facture.pdf", PDF), ("facture2.pdf", EXECUTABLE)], "Formats acceptés : PDF, image JPEG, image PNG"),
    ([("facture.pdf", PDF), ("relance.pdf", samples.hostile_pdf("open_action"))], "Ce PDF contient un élément actif"),
    ([("facture.hta", b"<script>new ActiveXObject('WScript.Shell').Run('calc')</script>")],
     "Les fichiers dont le nom se termine par « .hta » ne sont pas acceptés"),
    ([("vide.pdf", b"")], "Le fichier est vide"),
    ([("enorme.pdf", PDF + b"0" * 3000)], "Le fichier est trop volumineux"),
    ([(f"piece{i}.pdf", PDF) for i in range(6)], "Envoyez au plus 5 fichiers"),
], ids=["executable-renamed-pdf", "active-pdf", "script-as-hta", "empty", "too-large", "six-files"])
def test_a_refused_attachment_stores_nothing_and_says_why(make_app, files, reason):
    """Is a hostile or oversized attachment refused with 422, the reason shown, and nothing of the request kept?"""
    application = make_app(upload_max_bytes=2000)
    with application.app_context():
        response = post_filing(application.test_client(), files=files)
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 422
        assert reason in page and 'href="#attachments"' in page
        _stored_nothing()


def test_the_refusal_names_the_formats_the_settings_accept(make_app):
    """With only PDFs accepted, is a text file refused with "Formats acceptés : PDF." and nothing kept?"""
    application = make_app(upload_types=["application/pdf"])
    with application.app_context():
        response = post_filing(application.test_client(), files=[("releve.txt", "Relevé de mars".encode())])
        assert response.status_code == 422
        assert "Ce type de fichier n'est pas accepté. Formats acceptés : PDF." in html.unescape(
            response.get_data(as_text=True))
        _stored_nothing()


def test_honeypot_filled_stores_nothing(client):
    """Does a robot that fills the hidden field get a refusal and leave nothing behind?"""
    response = post_filing(client, website="http://spam.example")
    assert response.status_code == 422
    _stored_nothing()


def test_missing_fields_are_listed_at_the_top_with_links(client):
    """Does a form sent incomplete come back with 422 and an error summary linking each field?"""
    response = post_filing(client, name="", certify="", first_complaint_on="2999-01-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in page
    for anchor in ('href="#name"', 'href="#first_complaint_on"'):
        assert anchor in page
    assert 'href="#certify"' not in page  # not ticking it is no mistake: the mediator decides (L612-2 1°)
    assert 'aria-describedby="name-error"' in page and 'aria-invalid="true"' in page
    assert "Cette date est dans le futur" in page
    _stored_nothing()


def test_filing_without_csrf_token_is_refused(client):
    """Is a POST without its CSRF token refused with 400, storing nothing?"""
    assert post_filing(client, with_csrf=False).status_code == 400
    _stored_nothing()


def test_filing_is_rate_limited(make_app):
    """Beyond ``filing_rate_limit``, does the next submission get 429 with Retry-After?"""
    application = make_app(filing_rate_limit="2 per hour")
    with application.app_context():
        client = application.test_client()
        assert [post_filing(client).status_code for _ in range(2)] == [303, 303]
        refused = post_filing(client)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert client.get("/saisir").status_code == 200  # reading the form never counts


@pytest.mark.requirement("R-WEB-2", "R-GDPR-1")
def test_the_form_states_the_upload_limits_and_the_privacy_notice(client):
    """Does the form say how many files, which types and what size (R-WEB-2), and show the Art. 13 notice?"""
    page = client.get("/saisir").get_data(as_text=True)
    assert "Jusqu'à 5 fichiers (PDF, JPEG, PNG, texte), 10 Mo au plus en tout" in page
    notice = page.index("Vos données personnelles")
    assert notice < page.index("Envoyer ma demande")
    for words in ("examiner votre demande", "Société Exemple SA", "CECMC", "5 ans après sa fin", "CNIL",
                  "dpo@example.com"):
        assert words in page[notice:]


@pytest.mark.requirement("R-GDPR-1", "R-GDPR-3")
def test_privacy_notice_states_the_retention_periods_the_purge_applies(make_app):
    """The notice is written from the [retention] settings: change a period and the notice says the new one."""
    application = make_app(retention={"case_archive_months": 36, "inadmissible_request_months": 18,
                                      "attachments_months": 12, "intake_not_taken_up_months": 24,
                                      "online_filing_not_opened_months": 6})
    with application.app_context():
        page = html.unescape(application.test_client().get("/saisir").get_data(as_text=True))
    notice = page[page.index("Vos données personnelles"):]
    assert "puis 3 ans après sa fin dans une archive à accès restreint" in notice
    assert "(18 mois après un refus" in notice and "6 mois après le dépôt" in notice
    assert "supprimés 1 an après la fin de la médiation" in notice
    assert "5 ans" not in notice


@pytest.mark.requirement("R-ADM-1", "R-ADM-4", "R-WEB-2")
def test_request_without_a_prior_written_complaint_is_accepted_with_a_plain_warning(app, client, login, people):
    """/saisir no longer decides ground 1: an unticked box files the request, warns the consumer in plain words,
    and the team refuses it with the ground-1 letter, which then counts among the refusals of R614-2 3°."""
    from mediator_plugin.cases import admissibility
    from mediator_plugin.cases.models import Case
    from mediator_plugin.intake.services import open_case
    from mediator_plugin.reports.figures import compute
    from tests.support.letters import letter_text

    response = post_filing(client, certify="", first_complaint_on="")
    assert response.status_code == 303
    ack = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Vous n'avez pas coché que vous aviez d'abord écrit à la société" in ack
    mail = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    assert "Vous n'avez pas coché" in mail.payload["body"]
    item = db.session.execute(sa.select(IntakeItem)).scalar_one()
    assert item.snapshot["certified_written_complaint"] is False

    team = app.test_client()
    login(team, "gestionnaire")
    queue = html.unescape(team.get("/console/arrivees/").get_data(as_text=True))
    assert "Le consommateur n'a pas indiqué de réclamation écrite préalable" in queue

    case = open_case(item, people.gestionnaire)
    db.session.commit()
    page = html.unescape(team.get(f"/console/dossiers/{case.reference}").get_data(as_text=True))
    assert '<option value="NO_PRIOR_WRITTEN_COMPLAINT" selected>' in page
    admissibility.declare_inadmissible(case, people.gestionnaire, ground="NO_PRIOR_WRITTEN_COMPLAINT")
    db.session.commit()
    assert "réclamation écrite" in letter_text(case, "rejection", "consumer")
    year = db.session.get(Case, case.id).received_at.year
    ground_1 = compute(year)["table_a"]["all"]["refusals"]["by_ground"][0]
    assert (ground_1["code"], ground_1["numerator"]) == ("NO_PRIOR_WRITTEN_COMPLAINT", 1)
