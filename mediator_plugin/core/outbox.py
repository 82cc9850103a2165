"""The outbox: side effects written in the transaction that causes them, delivered after commit.

Mail to parties and correspondents and the label written back to the helpdesk are rows here;
``mediator jobs`` delivers them. A ``dedupe_key`` makes enqueueing idempotent.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from mediator_plugin.core.db import UTCDateTime, db, utcnow


class OutboxKind(enum.StrEnum):
    MAIL = "mail"
    HELPDESK_LABEL = "helpdesk_label"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    """One side effect waiting for delivery, delivered, or finally failed."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    payload: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default=OutboxStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    next_attempt_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    delivered_at = mapped_column(UTCDateTime)


def enqueue(kind: OutboxKind, dedupe_key: str, payload: dict, *, case_id: int | None = None) -> OutboxMessage:
    """Add a message unless one with the same key exists; returns the (existing or new) message."""
    existing = db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    message = OutboxMessage(kind=kind, dedupe_key=dedupe_key, payload=payload, case_id=case_id,
                            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow(), last_error="")
    db.session.add(message)
    return message
