"""The intake queue (closed tickets asking for mediation, online filings, requests the team registered) and sync
checkpoints."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediator_plugin.core.db import UTCDateTime, db

# Where a request came from, besides the helpdesks (whose source is the vendor's name): filed by the consumer on
# /saisir, or received by post, e-mail, phone or at the desk and registered by the team (intake/offline.py).
ONLINE, OFFLINE = "online", "offline"
FILED_SOURCES = (ONLINE, OFFLINE)  # filed with the mediator directly, under a reference reserved at once


class IntakeItem(db.Model):
    """A request for mediation waiting for the team to open a file (or already opened)."""

    __tablename__ = "intake_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # zendesk, freshdesk, online, offline
    external_id: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    requester_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # None for a consumer who wrote or called without giving an e-mail address (migration 0013).
    requester_email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    asked_at = mapped_column(UTCDateTime, nullable=False)
    first_seen_at = mapped_column(UTCDateTime, nullable=False)
    last_seen_at = mapped_column(UTCDateTime, nullable=False)
    snapshot: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    content_sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    state: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="pending", index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    withdrawn: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    __table_args__ = (sa.UniqueConstraint("source", "external_id"),)


class SyncCheckpoint(db.Model):
    """Where the last committed page of a helpdesk's stream ended."""

    __tablename__ = "sync_checkpoints"

    vendor: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    checkpoint: Mapped[str | None] = mapped_column(sa.Text)
    updated_at = mapped_column(UTCDateTime, nullable=False)
    last_summary: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)


class OnlineFiling(db.Model):
    """What the consumer filed on ``/saisir``, beside its item in the intake queue.

    The reference is reserved at filing, so the consumer can quote it at once; the file opened from the
    item takes the same one. Only the SHA-256 of the tracking code is kept: the code itself is shown once.
    """

    __tablename__ = "online_filings"

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_item_id: Mapped[int] = mapped_column(sa.ForeignKey("intake_items.id"), nullable=False, unique=True)
    reference: Mapped[str] = mapped_column(sa.String(16), nullable=False, unique=True)
    code_sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    filed_at = mapped_column(UTCDateTime, nullable=False)
    # Set only when the ticket number given matches a helpdesk request of the same e-mail address.
    linked_vendor: Mapped[str | None] = mapped_column(sa.String(16))
    linked_ticket_id: Mapped[str | None] = mapped_column(sa.String(40))

    intake_item = relationship("IntakeItem")
