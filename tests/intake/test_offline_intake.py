"""Requests received by post, e-mail, phone or at the desk, registered by the team (R-PROC-1, issue 14 item 1):
the console form, the intake card and its refusal clock, the file opened from it; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.cases.alerts import send_rejection_alerts
from mediator_plugin.cases.models import Case, Document, ReferenceCounter
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.outbox import OutboxMessage
from mediator_plugin.intake.models import IntakeItem
from tests.support.clock import paris_today
from tests.support.offline import SCAN, csrf_of, page_text, post_registration, registered


def _card(queue: str, reference: str) -> str:
    return next(card for card in queue.split('<section class="card"')[1:] if reference in card)


def _open(client, item: IntakeItem):
    token = csrf_of(client.get("/console/arrivees/"))
    return client.post(f"/console/arrivees/{item.id}/ouvrir", data={"csrf_token": token})


def _nothing_stored(app) -> None:
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(IntakeItem)).scalar() == 0
    assert db.session.execute(sa.select(sa.func.count()).select_from(ReferenceCounter)).scalar() == 0
    assert not db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "offline_request_registered")
                                  ).first()
    storage = app.extensions["mediator"].storage_dir
    assert not storage.exists() or not [p for p in storage.rglob("*") if p.is_file()]


@pytest.mark.requirement("R-PROC-1", "R-DEADLINE-1")
def test_letter_received_ten_days_ago_shows_its_refusal_deadline_eleven_days_ahead(app, client_for):
    """A letter stamped 10 March, registered on 20 March: its card counts the three weeks from the stamp (refusal
    due by 31 March, 11 days ahead); the file opened from it keeps the reference, the channel, the receipt date
    and the scan."""
    with freeze_time("2026-03-20 09:00:00"):
        lisa = client_for("gestionnaire")
        form = page_text(lisa.get("/console/arrivees/enregistrer"))
        assert "Enregistrer une demande reçue par courrier, courriel, téléphone ou à l'accueil" in form
        assert '<option value="desk">accueil (sur place)</option>' in form

        response = post_registration(lisa, received_on="2026-03-10", first_complaint_on="2026-01-02")
        assert response.status_code == 303, page_text(response)[:3000]
        queue = page_text(lisa.get(response.headers["Location"]))
        item = db.session.execute(sa.select(IntakeItem)).scalar_one()
        reference = item.external_id
        assert (item.source, item.requester_email, paris_date(item.asked_at)) == ("offline", None, date(2026, 3, 10))
        assert (f"{reference} : la demande reçue le 10 mars 2026 (courrier postal) est dans les demandes entrantes ; "
                "un éventuel refus doit être notifié au plus tard le 31 mars 2026.") in queue
        card = _card(queue, reference)
        assert "31 mars 2026" in card and "reçue il y a 10 jours" in card and "dans les temps" in card
        assert "<dt>Canal</dt><dd>courrier postal</dd>" in card
        assert "<dt>Date de réception</dt><dd>10 mars 2026</dd>" in card
        assert "lettre-lefevre.pdf" in card and "Pas d'adresse de courriel" in card

        opened = _open(lisa, item)
        assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/console/dossiers/{reference}")
        db.session.expire_all()
        case = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one()
        assert (case.channel, paris_date(case.received_at), case.rejection_due) == (
            "post", date(2026, 3, 10), date(2026, 3, 31))
        assert case.first_written_complaint_on == date(2026, 1, 2)
        consumer = case.party("consumer")
        assert (consumer.name, consumer.email, consumer.phone) == ("Marcel Lefèvre", None, "05 53 00 00 00")
        assert "Bergerac" in consumer.postal_address and consumer.customer_number == "C40917"  # no separators
        scans = db.session.execute(sa.select(Document).where(Document.case_id == case.id)).scalars().all()
        assert [(d.filename, d.content_type, d.uploaded_by) for d in scans] == [
            ("lettre-lefevre.pdf", "application/pdf", "Lisa Bernard")]
        assert lisa.get(f"/console/dossiers/{reference}/documents/{scans[0].id}").data == SCAN

        page = page_text(lisa.get(opened.headers["Location"]))
        assert f"{reference} : dossier ouvert." in page and "le ticket indique" not in page  # there is no ticket
        assert "Demande reçue le 10 mars 2026 (canal : courrier postal), enregistrée par Lisa Bernard." in page
        assert "Note : Lettre manuscrite, tampon d'arrivée lisible." in page
        assert "pas d'adresse de courriel : les courriers sont à envoyer par la poste" in page
        assert db.session.execute(sa.select(IntakeItem.state)).scalar_one() == "opened"


@pytest.mark.requirement("R-PROC-1")
def test_hostile_upload_refuses_the_whole_registration_and_stores_nothing(app, client_for):
    """A scan and an executable named like a PDF: the registration is refused with the file's name and the
    reason, the form keeps what was typed, and nothing is stored — no request, no reference, no blob."""
    lisa = client_for("gestionnaire")
    response = post_registration(lisa, received_on=paris_today().isoformat(), files=[
        ("lettre.pdf", SCAN), ("facture.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")])
    page = page_text(response)
    assert response.status_code == 422
    assert ("facture.pdf : Le nom de ce fichier se termine par « .pdf », mais son contenu est d'un autre type. "
            "Formats acceptés : PDF, image JPEG, image PNG, texte brut (.txt)." in page)
    assert "Marcel Lefèvre" in page  # what was typed is still there
    _nothing_stored(app)


@pytest.mark.requirement("R-PROC-1")
@pytest.mark.parametrize(("changes", "files", "message"), [
    ({"received_on": "2099-01-01"}, [("lettre.pdf", SCAN)],
     "La date de réception ne peut pas être postérieure à aujourd'hui."),
    ({"received_on": "10/03/2026"}, [("lettre.pdf", SCAN)], "Cette date n'est pas valide."),
    ({"received_on": "2026-03-10"}, [], "Joignez la lettre numérisée."),
    ({"received_on": "2026-03-10", "channel": "fax"}, [("lettre.pdf", SCAN)],
     "Indiquez par quel canal la demande est arrivée."),
    ({"received_on": "2026-03-10", "email": "marcel.lefevre@"}, [("lettre.pdf", SCAN)],
     "Cette adresse de courriel semble incomplète"),
    ({"received_on": "2026-03-10", "postal_address": "  "}, [("lettre.pdf", SCAN)],
     "Indiquez l'adresse postale du consommateur"),
])
def test_bad_input_is_refused_in_french_and_stores_nothing(app, client_for, changes, files, message):
    """A receipt date in the future or unreadable, a letter without its scan, an unknown channel, an incomplete
    e-mail address, no postal address: 422 with the reason next to the field, and nothing stored."""
    response = post_registration(client_for("gestionnaire"), files=files, **changes)
    assert response.status_code == 422
    assert message in page_text(response)
    _nothing_stored(app)


@pytest.mark.requirement("R-PROC-1", "R-DEADLINE-1")
def test_call_without_scan_is_registered_and_its_refusal_clock_starts_today(app, client_for):
    """A phone call needs no document; received today, its three weeks start today."""
    with freeze_time("2026-05-04 14:00:00"):
        lisa = client_for("mediatrice")
        response = post_registration(lisa, files=[], channel="phone", received_on="2026-05-04",
                                     email="marcel.lefevre@example.net")
        assert response.status_code == 303
        card = _card(page_text(lisa.get("/console/arrivees/")), "MED-2026-")
        assert "25 mai 2026" in card and "<dt>Canal</dt><dd>téléphone</dd>" in card
        assert "marcel.lefevre@example.net" in card and "Pas d'adresse de courriel" not in card


@pytest.mark.requirement("R-DEADLINE-1", "R-PROC-1")
def test_unopened_letter_alerts_the_team_at_day_fourteen_under_its_reference(app, people):
    """A letter stamped 2 March still in the queue on 16 March: the team's mailbox is alerted, naming the request
    by the reference it was registered under and the day a refusal is due."""
    with freeze_time("2026-03-04 10:00:00"):
        item = registered(people.gestionnaire, received_on=date(2026, 3, 2))
    with freeze_time("2026-03-16 10:00:00"):
        assert send_rejection_alerts(utcnow()) == 1
    alert = db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.dedupe_key.like("rejection-alert:%"))
                               ).scalar_one()
    assert item.external_id in alert.payload["subject"] and "23 mars 2026" in alert.payload["subject"]
    assert "Offline" not in alert.payload["subject"]
