"""The outbox delivered after commit: mail with letters over real SMTP, labels to the helpdesk, reminders."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.cases import closure, instruction
from mediator_plugin.cases.reminders import send_due_reminders
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.db import db
from mediator_plugin.core.delivery import MAX_ATTEMPTS, deliver_outbox
from mediator_plugin.core.outbox import OutboxKind, OutboxMessage, enqueue
from tests.support.factories import admitted_case


def _messages(status=None):
    query = sa.select(OutboxMessage)
    if status:
        query = query.where(OutboxMessage.status == status)
    return db.session.execute(query).scalars().all()


def test_letters_reach_the_smtp_server_with_their_pdf(app, people, smtp):
    """Are the seizure notices delivered once each, in French, with the PDF attached?"""
    smtp.inbox.messages.clear()
    admitted_case(people.gestionnaire)
    first, again = deliver_outbox(), deliver_outbox()
    assert (first.sent, first.failed, again.sent) == (2, 0, 0)  # nothing sent twice
    recipients = sorted(m["To"] for m in smtp.inbox.messages)
    assert recipients == ["jeanne.dupont@example.org", "juridique@example.com"]
    mail = next(m for m in smtp.inbox.messages if m["To"] == "jeanne.dupont@example.org")
    assert mail["Subject"].startswith("Notification de la saisine du médiateur")
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf" and attachment.get_content().startswith(b"%PDF")
    assert "Madame, Monsieur" in mail.get_body(("plain",)).get_content()


def test_smtp_down_is_retried_then_failed_visibly(make_app, people):
    """With SMTP unreachable, a mail waits with its error, then is marked failed after the last attempt."""
    app = make_app(smtp_url="smtp://127.0.0.1:9")
    with app.app_context():
        enqueue(OutboxKind.MAIL, "test:1", {"to": ["a@example.org"], "subject": "s", "body": "b", "attachments": []})
        db.session.commit()
        summary = deliver_outbox()
        (message,) = _messages()
        assert summary.retried == 1 and message.status == "pending" and "Connection refused" in message.last_error
        assert message.next_attempt_at > message.created_at
        for _ in range(MAX_ATTEMPTS):
            message.next_attempt_at = message.created_at
            db.session.commit()
            deliver_outbox()
        assert _messages("failed") == [message] and message.attempts == MAX_ATTEMPTS


@pytest.mark.requirement("R-FLOW-2")
def test_reminders_only_in_service_hours_then_escalation(app, people):
    """R-FLOW-2: a reminder on the due day and 7 days later, in service hours only; then escalation."""
    with freeze_time("2026-03-02 10:00:00"):
        case = admitted_case(people.gestionnaire)
        instruction.request_observations(case, people.gestionnaire, department="billing", question="?")
        db.session.commit()
    night = datetime(2026, 3, 30, 23, 0, tzinfo=PARIS)  # due day, but at night
    assert send_due_reminders(night) == 0
    assert send_due_reminders(datetime(2026, 3, 30, 10, 0, tzinfo=PARIS)) == 1
    assert send_due_reminders(datetime(2026, 3, 31, 10, 0, tzinfo=PARIS)) == 0  # not twice the same day
    assert send_due_reminders(datetime(2026, 4, 6, 10, 0, tzinfo=PARIS)) == 0  # Easter Monday, a holiday
    assert send_due_reminders(datetime(2026, 4, 7, 10, 0, tzinfo=PARIS)) == 1
    assert send_due_reminders(datetime(2026, 4, 8, 10, 0, tzinfo=PARIS)) == 1  # escalation to the mediator
    keys = sorted(m.dedupe_key.split(":")[0] for m in _messages() if m.kind == "mail"
                  and m.dedupe_key.split(":")[0] in ("reminder", "escalation"))
    assert keys == ["escalation", "reminder", "reminder"]
    assert [e.kind for e in case.events][-3:] == ["reminder_sent", "reminder_sent", "escalated"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_unconfigured_helpdesk_label_fails_with_reason(app):
    """A label for a helpdesk that is not configured is failed at once, with the reason kept."""
    enqueue(OutboxKind.HELPDESK_LABEL, "label:freshdesk:1:x", {"vendor": "freshdesk", "ticket_id": "1",
                                                               "label": "mediation_en_cours"})
    db.session.commit()
    assert deliver_outbox().failed == 1
    (message,) = _messages("failed")
    assert "not configured" in message.last_error


@pytest.mark.requirement("R-FLOW-2")
def test_no_reminder_for_an_ended_mediation(app, people):
    """A request left unanswered on a file that has since ended is neither chased nor listed as late."""
    from mediator_plugin.cases import queries

    with freeze_time("2026-03-02 10:00:00"):
        case = admitted_case(people.gestionnaire)
        instruction.request_observations(case, people.gestionnaire, department="billing", question="?")
        closure.interrupt(case, people.gestionnaire, cause="WITHDRAWN_BY_CONSUMER")
        db.session.commit()
    assert send_due_reminders(datetime(2026, 3, 30, 10, 0, tzinfo=PARIS)) == 0
    with freeze_time("2026-04-15 10:00:00"):
        assert queries.dashboard(people.gestionnaire.sub)["late_requests"] == []


def test_a_long_french_subject_arrives_word_for_word(app, smtp):
    """A long subject full of accented words reaches the mailbox with every space (CPython's folding would join
    "être" and "notifié" into "êtrenotifié")."""
    subject = ("La demande Freshdesk #308 de la file des demandes entrantes : un éventuel refus doit être notifié au "
               "plus tard le 11 décembre 2026, réclamation écrite déjà adressée à la société")
    smtp.inbox.messages.clear()
    enqueue(OutboxKind.MAIL, "test:subject", {"to": ["a@example.org"], "subject": subject,
                                              "body": "Corps du message.", "attachments": []})
    db.session.commit()
    assert deliver_outbox().sent == 1
    (mail,) = smtp.inbox.messages
    assert mail["Subject"] == subject
