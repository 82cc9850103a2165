"""What was notified to the CECMC: each record holds the listing and governance items as they stood, so the next
check can name what changed since (R-CECMC-4, R614-3)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from mediator_plugin.core.db import UTCDateTime, db


class CecmcNotice(db.Model):
    """One record of the notified items: the first is the baseline (no mail), each later one a notice queued
    to the CECMC naming the items that changed. ``sequence`` is unique, so two hosts that find the same change
    at once cannot both record it (the second one's insert fails and it sends nothing)."""

    __tablename__ = "cecmc_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(sa.Integer, nullable=False, unique=True)
    recorded_at = mapped_column(UTCDateTime, nullable=False)
    recorded_by: Mapped[str] = mapped_column(sa.String(40), nullable=False)  # the command: init, jobs
    content: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    content_sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    changes: Mapped[list] = mapped_column(sa.JSON, nullable=False)  # the keys of the items that changed
    outbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox.id"))  # the mail; None for the baseline
