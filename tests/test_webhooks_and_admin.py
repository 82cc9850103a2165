"""Webhooks as signed hints, the record of job runs, and the admin's health page (no file content)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
import sqlalchemy as sa

from mediator_plugin.core.db import db
from mediator_plugin.core.operations import JobRun, WebhookHint
from mediator_plugin.core.outbox import OutboxKind, OutboxMessage, enqueue
from mediator_plugin.intake.models import IntakeItem
from tests.support.helpdesk import zendesk_with_request

SECRET = "webhook-signing-secret"


def _signed(body: bytes, *, when: datetime | None = None, secret: str = SECRET) -> dict:
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
    return {"X-Zendesk-Webhook-Signature": base64.b64encode(digest).decode(),
            "X-Zendesk-Webhook-Signature-Timestamp": stamp, "Content-Type": "application/json"}


@pytest.fixture
def helpdesk():
    with zendesk_with_request() as running:
        yield running


@pytest.fixture
def hooked_app(make_app, helpdesk):
    app = make_app(zendesk={**helpdesk["settings"], "webhook_secret": SECRET})
    with app.app_context():
        yield app


def _hints():
    return db.session.execute(sa.select(WebhookHint)).scalars().all()


def test_signed_hint_is_kept_once(hooked_app, helpdesk):
    """A valid delivery is answered 202 and kept as one pending hint, even when delivered twice."""
    client = hooked_app.test_client()
    body = json.dumps({"type": "zen:event-type:ticket.status_changed",
                       "detail": {"id": str(helpdesk["ticket_id"])}}).encode()
    for _ in range(2):
        assert client.post("/webhooks/zendesk", data=body, headers=_signed(body)).status_code == 202
    (hint,) = _hints()
    assert hint.ticket_id == str(helpdesk["ticket_id"]) and hint.processed_at is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bad_deliveries_are_refused_and_store_nothing(hooked_app):
    """Bad signature, stale timestamp, no ticket id, oversized body, unknown helpdesk: 4xx, nothing kept."""
    client = hooked_app.test_client()
    body = json.dumps({"ticket_id": 12}).encode()
    assert client.post("/webhooks/zendesk", data=body, headers=_signed(body, secret="wrong")).status_code == 401
    stale = _signed(body, when=datetime.now(UTC) - timedelta(minutes=30))
    assert client.post("/webhooks/zendesk", data=body, headers=stale).status_code == 401
    garbage = b"{not json"
    assert client.post("/webhooks/zendesk", data=garbage, headers=_signed(garbage)).status_code == 400
    huge = b"{" + b" " * 70_000 + b"}"
    assert client.post("/webhooks/zendesk", data=huge, headers=_signed(huge)).status_code == 413
    assert client.post("/webhooks/freshdesk", data=body, headers=_signed(body)).status_code == 404
    assert _hints() == []


def test_jobs_reread_a_hinted_ticket_and_record_the_run(hooked_app, helpdesk):
    """After a hint, `mediator jobs` refreshes the queued request from the helpdesk and records its run."""
    runner = hooked_app.test_cli_runner()
    assert runner.invoke(args=["mediator", "sync"]).exit_code == 0
    requests.put(f"{helpdesk['base']}/_sim/tickets/{helpdesk['ticket_id']}",
                 json={"subject": "Frais de résiliation facturés deux fois (relance)"}, timeout=10)
    body = json.dumps({"ticket_id": helpdesk["ticket_id"]}).encode()
    assert hooked_app.test_client().post("/webhooks/zendesk", data=body, headers=_signed(body)).status_code == 202
    result = runner.invoke(args=["mediator", "jobs"])
    assert result.exit_code == 0, result.output
    item = db.session.execute(sa.select(IntakeItem).where(
        IntakeItem.external_id == str(helpdesk["ticket_id"]))).scalar_one()
    assert item.subject.endswith("(relance)")
    assert all(hint.processed_at is not None for hint in _hints())
    (run,) = db.session.execute(sa.select(JobRun)).scalars().all()
    assert run.finished_at is not None and run.summary["refreshed"] == {"zendesk": 1}


@pytest.mark.requirement("R-CONF-1")
def test_admin_sees_health_and_retries_without_file_content(hooked_app, login):
    """The admin sees a failed mail by kind only (no recipient, no file), and can put it back in the queue."""
    enqueue(OutboxKind.MAIL, "x:1", {"to": ["jeanne.dupont@example.org"], "subject": "MED-2026-00001 secret",
                                     "body": "contenu du dossier", "attachments": []})
    db.session.commit()
    message = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    message.status, message.last_error = "failed", "PermanentFailure: recipients refused: jeanne.dupont@example.org"
    db.session.commit()
    client = hooked_app.test_client()
    login(client, "admin-si")
    page = client.get("/console/admin/").get_data(as_text=True)
    assert "PermanentFailure" in page
    assert "jeanne.dupont" not in page and "MED-2026-00001" not in page and "contenu du dossier" not in page
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post(f"/console/admin/envois/{message.id}/relancer", data={"csrf_token": token}).status_code == 303
    db.session.refresh(message)
    assert (message.status, message.attempts) == ("pending", 0)
    assert client.get("/console/dossiers").status_code == 403  # still no way into the files
