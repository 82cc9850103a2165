"""Delivering the outbox after commit: mail over SMTP and the helpdesk label.

Each message is taken under a row lock (``SKIP LOCKED`` on PostgreSQL, so several job hosts share
the work), attempted, and committed on its own; a failure is retried with backoff and, after
:data:`MAX_ATTEMPTS`, left as failed with its last error for the mediator and the admin to see.

Delivery is at least once: if the process dies after the SMTP server accepted a mail but before the
commit, the next run sends it again. Each mail's ``Message-ID`` is derived from its outbox dedupe key,
so the copy carries the same id and a receiving system (or a person sorting by id) can drop it.
"""

from __future__ import annotations

import hashlib
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

import sqlalchemy as sa

from connectors.base import HelpdeskError, MediationLabel
from mediator_plugin import state
from mediator_plugin.cases.documents import read_content
from mediator_plugin.cases.models import Document
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.helpdesks import configured_connectors
from mediator_plugin.core.outbox import OutboxKind, OutboxMessage, OutboxStatus

MAX_ATTEMPTS = 8


@dataclass
class DeliverySummary:
    sent: int = 0
    retried: int = 0
    failed: int = 0


class PermanentFailure(Exception):
    """Retrying will not help (a refused address, a helpdesk that rejects the request)."""


def deliver_outbox(*, limit: int = 500) -> DeliverySummary:
    """Deliver up to ``limit`` due messages, one transaction each."""
    summary = DeliverySummary()
    for _ in range(limit):
        message = db.session.execute(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= utcnow())
            .order_by(OutboxMessage.id).limit(1).with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if message is None:
            break
        _attempt(message, summary)
        db.session.commit()
    return summary


def _attempt(message: OutboxMessage, summary: DeliverySummary) -> None:
    message.attempts += 1
    try:
        if message.kind == OutboxKind.MAIL:
            send_mail(message.payload, message_id=mail_message_id(message.dedupe_key))
        else:
            _write_label(message.payload)
    except (PermanentFailure, HelpdeskError, OSError, smtplib.SMTPException) as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        permanent = isinstance(exc, PermanentFailure) or (isinstance(exc, HelpdeskError) and not exc.retryable)
        if permanent or message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
            summary.failed += 1
        else:
            delay = getattr(exc, "retry_after", None) or min(60 * 2 ** (message.attempts - 1), 6 * 3600)
            message.next_attempt_at = utcnow() + timedelta(seconds=delay)
            summary.retried += 1
        return
    message.status, message.delivered_at, message.last_error = OutboxStatus.SENT, utcnow(), ""
    summary.sent += 1


def _write_label(payload: dict) -> None:
    connector = configured_connectors().get(payload["vendor"])
    if connector is None:
        raise PermanentFailure(f"helpdesk {payload['vendor']} is not configured")
    connector.write_label(payload["ticket_id"], MediationLabel(payload["label"]))


def mail_message_id(dedupe_key: str) -> str:
    """The same ``Message-ID`` for every sending of one outbox message (receivers can de-duplicate)."""
    domain = state().settings["mail_from"].rpartition("@")[2] or "mediateur.invalid"
    return f"<{hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]}@{domain}>"


def send_mail(payload: dict, *, message_id: str | None = None) -> None:
    """Send one mail of the outbox through ``smtp_url`` (smtp://host:port or smtps://…)."""
    settings = state().settings
    if not settings["smtp_url"]:
        raise PermanentFailure("no SMTP server configured (MEDIATOR_SMTP_URL)")
    recipients = list(payload.get("to", []))
    if payload.get("to_department"):
        recipients.append(settings["departments"][payload["to_department"]]["email"])
    mail = EmailMessage()
    mail["From"] = settings["mail_from"]
    mail["To"] = ", ".join(recipients)
    mail["Subject"] = payload["subject"]
    if message_id:
        mail["Message-ID"] = message_id
    mail.set_content(payload["body"])
    for document_id in payload.get("attachments", []):
        document = db.session.get(Document, document_id)
        maintype, subtype = document.content_type.split("/", 1)
        mail.add_attachment(read_content(document), maintype=maintype, subtype=subtype, filename=document.filename)
    # Headers are written unfolded (RFC 5322 allows 998 characters): when CPython folds a long French subject it
    # may put a fold between two encoded words, and the space between "être" and "notifié" is then lost on
    # reading. The parts were encoded above with the default 78-character lines.
    mail.policy = mail.policy.clone(max_line_length=998)
    url = urlsplit(settings["smtp_url"])
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with smtp_class(url.hostname, url.port or (465 if url.scheme == "smtps" else 25), timeout=30) as smtp:
        if url.username:
            smtp.login(url.username, url.password or "")
        try:
            smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(f"recipients refused: {', '.join(exc.recipients)}") from exc
