"""What the jobs leave for people: failed mail for the mediator's team, machine health for the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.operations import JobRun
from mediator_plugin.core.outbox import OutboxKind, OutboxMessage, enqueue
from mediator_plugin.intake.models import SyncCheckpoint
from tests.support.factories import admitted_case

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
REFUSED = "SMTPRecipientsRefused: recipients refused: jeanne.dupont@example.org"


def _fail_the_consumer_letter(case) -> OutboxMessage:
    message = db.session.execute(sa.select(OutboxMessage).where(
        OutboxMessage.case_id == case.id, OutboxMessage.payload["to"][0].as_string() == "jeanne.dupont@example.org"
    )).scalar_one()
    message.status, message.attempts, message.last_error = "failed", 8, REFUSED
    db.session.commit()
    return message


def test_the_team_sees_undelivered_mail_on_the_dashboard_and_the_file(app, people, login):
    """Does the mediator see which file's mail failed, to whom and why — on the dashboard and on the file?"""
    case = admitted_case(people.gestionnaire)
    other = admitted_case(people.gestionnaire, email="paul.martin@example.org")
    message = _fail_the_consumer_letter(case)
    client = app.test_client()
    login(client, "mediatrice")
    dashboard = client.get("/console/").get_data(as_text=True)
    assert "Courriels non remis" in dashboard and f"#{message.id}" in dashboard
    section = dashboard.split("Courriels non remis", 1)[1].split("</section>", 1)[0]
    assert case.reference in section and "jeanne.dupont@example.org" in section and REFUSED in section
    assert other.reference not in section
    page = client.get(f"/console/dossiers/{case.reference}").get_data(as_text=True)
    assert "Un courriel de ce dossier n'a pas pu être remis" in page and REFUSED in page
    assert "page Exploitation" in page  # the mediator may put it back in the queue
    assert "pas pu être remis" not in client.get(f"/console/dossiers/{other.reference}").get_data(as_text=True)


def test_a_case_handler_sees_it_without_the_admin_link(app, people, login):
    """The case handler sees the failure too, but is not sent to a page their role does not open."""
    case = admitted_case(people.gestionnaire)
    _fail_the_consumer_letter(case)
    client = app.test_client()
    login(client, "gestionnaire")
    page = client.get(f"/console/dossiers/{case.reference}").get_data(as_text=True)
    assert REFUSED in page and "page Exploitation" not in page


def test_admin_sees_backlog_runs_and_helpdesk_health(app, login):
    """The admin page shows the outbox backlog, each run's host, duration and result, and a failing helpdesk."""
    now = utcnow()
    for n in range(2):
        enqueue(OutboxKind.MAIL, f"x:{n}", {"to": ["a@example.org"], "subject": "s", "body": "b", "attachments": []})
    db.session.flush()
    db.session.execute(sa.update(OutboxMessage).values(created_at=now - timedelta(hours=3), attempts=1))
    enqueue(OutboxKind.MAIL, "x:failed", {"to": ["a@example.org"], "subject": "s", "body": "b", "attachments": []})
    db.session.flush()
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.dedupe_key == "x:failed")
                       .values(status="failed", last_error="OSError: down"))
    db.session.add_all([
        JobRun(host="jobs-1", started_at=now - timedelta(hours=2), finished_at=now - timedelta(hours=2) + timedelta(
            seconds=2.5), summary={"sync": {"zendesk": {"pages": 1}}, "errors": [], "outbox": {"sent": 4}}),
        JobRun(host="jobs-2", started_at=now - timedelta(hours=1), finished_at=now - timedelta(hours=1),
               summary={"sync": {}, "errors": ["sync zendesk: HelpdeskUnavailable: 503 from the helpdesk"],
                        "outbox": {"sent": 0}}),
        JobRun(host="jobs-1", started_at=now, summary={}),
        SyncCheckpoint(vendor="freshdesk", checkpoint="x", updated_at=now,
                       last_summary={"pages": 1, "seen": 1, "new": 3}),
    ])
    db.session.commit()
    client = app.test_client()
    login(client, "admin-si")
    page = client.get("/console/admin/").get_data(as_text=True)
    waiting = page.split("En attente d'envoi</dt><dd>", 1)[1].split("</dd>", 1)[0]
    assert waiting.startswith("2") and "dont 2 après des essais manqués" in waiting
    oldest = page.split("Le plus ancien attend depuis</dt><dd>", 1)[1].split("</dd>", 1)[0]
    assert oldest.replace("\xa0", " ") == "3 heures"
    assert "Échecs définitifs</dt><dd>1</dd>" in page
    assert "2,5 s" in page and "jobs-2" in page and "avec erreurs" in page and "non terminé" in page
    health = page.split('id="helpdesks-h"', 1)[1].split("</table>", 1)[0]
    assert "en échec" in health and "HelpdeskUnavailable: 503 from the helpdesk" in health
    assert "1 page, 1 ticket lu, 3 nouvelles demandes" in health  # plural forms by count (issue 17)
