"""The file page's notebook, letter previews before an admissibility decision, and the list's orders."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from mediator_plugin.cases import admissibility
from mediator_plugin.cases.models import Case, Document, TimelineEvent
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.calendar import add_calendar_days, paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.pdf import fr_date
from tests.support.factories import new_case

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def in_review(app, people):
    case = new_case(people.gestionnaire)
    admissibility.mark_complete(case, people.gestionnaire)
    db.session.commit()
    return case.reference


def _client(app, login, who, reference):
    client = app.test_client()
    login(client, who)
    token = _CSRF.search(client.get(f"/console/dossiers/{reference}").get_data(as_text=True)).group(1)
    return client, token


def test_a_note_goes_on_the_history_and_the_audit_log(app, login, in_review):
    """Does a note written on the file page show in its history, with its author, and in the audit log?"""
    client, token = _client(app, login, "gestionnaire", in_review)
    note = "Appel de Mme Dupont : facture envoyée par courrier."
    response = client.post(f"/console/dossiers/{in_review}/actions/add_note",
                           data={"csrf_token": token, "note_text": note})
    assert response.status_code == 303
    page = client.get(f"/console/dossiers/{in_review}").get_data(as_text=True)
    assert "Note : Appel de Mme Dupont : facture envoyée par courrier." in page
    kinds = db.session.execute(sa.select(AuditEntry.action).where(AuditEntry.target == in_review)).scalars().all()
    assert "note" in kinds


def test_an_empty_note_is_refused_and_nothing_is_written(app, login, in_review):
    """Is an empty note a 422 with the reason, leaving the history unchanged?"""
    client, token = _client(app, login, "gestionnaire", in_review)
    count = sa.select(sa.func.count()).select_from(TimelineEvent)
    before = db.session.execute(count).scalar()
    response = client.post(f"/console/dossiers/{in_review}/actions/add_note", data={"csrf_token": token,
                                                                                     "note_text": "   "})
    assert response.status_code == 422
    assert "Écrivez la note avant de l&#39;enregistrer." in response.get_data(as_text=True)
    assert db.session.execute(count).scalar() == before


def test_a_closed_file_still_takes_notes(app, people, login, in_review):
    """After a refusal has ended the file, can the team still write a follow-up note?"""
    case = db.session.execute(sa.select(Case).where(Case.reference == in_review)).scalar_one()
    admissibility.declare_inadmissible(case, people.gestionnaire, ground="NO_PRIOR_WRITTEN_COMPLAINT")
    db.session.commit()
    client, token = _client(app, login, "mediatrice", in_review)
    response = client.post(f"/console/dossiers/{in_review}/actions/add_note",
                           data={"csrf_token": token, "note_text": "Le consommateur a rappelé, réorienté vers le SAV."})
    assert response.status_code == 303


@pytest.mark.requirement("R-DEADLINE-3")
def test_seizure_preview_is_the_letter_of_today_and_stores_nothing(app, login, in_review):
    """Does the preview show the notice's mandatory mentions and today's 90-day date, without storing a letter?"""
    client, _ = _client(app, login, "gestionnaire", in_review)
    documents = sa.select(sa.func.count()).select_from(Document)
    before = db.session.execute(documents).scalar()
    response = client.get(f"/console/dossiers/{in_review}/apercu/seizure.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    # Saved under a French name, the letter's title: no internal code reaches the person who downloads it.
    assert f"{in_review}-notification-de-la-saisine-du-mediateur-apercu.pdf" in response.headers["Content-Disposition"]
    text = _text(response.data)
    today = paris_date(utcnow())
    assert "Notification de la saisine du médiateur" in text
    assert in_review in text
    assert fr_date(add_calendar_days(today, 90)) in text  # R-DEADLINE-3: 90 days from the notification
    assert db.session.execute(documents).scalar() == before
    actions = db.session.execute(sa.select(AuditEntry.action).where(AuditEntry.target == in_review)).scalars().all()
    assert "preview_letter" in actions


def test_rejection_preview_names_the_ground_and_needs_one(app, login, in_review):
    """Does the refusal preview carry the chosen legal ground, and is one required (422)?"""
    client, _ = _client(app, login, "gestionnaire", in_review)
    missing = client.get(f"/console/dossiers/{in_review}/apercu/rejection.pdf?ground=")
    assert missing.status_code == 422
    assert "Choisissez l&#39;un des cinq motifs légaux" in missing.get_data(as_text=True)
    response = client.get(f"/console/dossiers/{in_review}/apercu/rejection.pdf?ground=NO_PRIOR_WRITTEN_COMPLAINT")
    assert response.status_code == 200
    label = app.extensions["mediator"].charter.ground("NO_PRIOR_WRITTEN_COMPLAINT")["label"]
    assert label in _text(response.data)


def test_preview_is_refused_once_the_decision_is_taken(app, people, login, in_review):
    """After admission, is a seizure preview a 409 (the decision is behind us)?"""
    case = db.session.execute(sa.select(Case).where(Case.reference == in_review)).scalar_one()
    from mediator_plugin.cases import instruction
    instruction.declare_interests(case, people.gestionnaire, has_conflict=False)
    admissibility.declare_admissible(case, people.gestionnaire)
    db.session.commit()
    client, _ = _client(app, login, "gestionnaire", in_review)
    assert client.get(f"/console/dossiers/{in_review}/apercu/seizure.pdf").status_code == 409
    assert client.get(f"/console/dossiers/{in_review}/apercu/closure.pdf").status_code == 404


def test_file_list_orders(app, people, login):
    """Do the list's orders put the right file first (newest, oldest, reference)?"""
    references = []
    for days in (30, 10, 20):
        case = new_case(people.gestionnaire)
        case.received_at = utcnow() - timedelta(days=days)
        references.append(case.reference)
    db.session.commit()
    client = app.test_client()
    login(client, "gestionnaire")

    def first(sort):
        page = client.get(f"/console/dossiers?sort={sort}").get_data(as_text=True)
        return re.search(r"MED-\d{4}-\d{5}", page.split("<tbody>")[1]).group(0)

    assert first("newest") == references[1]
    assert first("oldest") == references[0]
    assert first("reference") == min(references)
    assert first("unknown-order") == references[1]
