"""Legal holds (R-GDPR-4) and the purge log (R-GDPR-3).

Neither table holds personal data of the parties: a hold names its reason and who placed it, the log names
the file by its reference and counts what was removed, never what it said.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from mediator_plugin.core.db import UTCDateTime, db


class HoldReason(enum.StrEnum):
    """Why a file must be kept whatever its retention period (R-GDPR-4)."""

    LITIGATION = "litigation"
    CECMC_CONTROL = "cecmc_control"


class LegalHold(db.Model):
    """A hold on a file: while ``lifted_at`` is empty, the purge leaves the file whole."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    reason: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    placed_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    placed_at = mapped_column(UTCDateTime, nullable=False)
    lifted_by: Mapped[str | None] = mapped_column(sa.String(200))
    lifted_at = mapped_column(UTCDateTime)
    lift_note: Mapped[str | None] = mapped_column(sa.Text)


class PurgeAction(enum.StrEnum):
    CASE_ANONYMISED = "case_anonymised"
    ATTACHMENTS_DELETED = "attachments_deleted"
    INTAKE_ANONYMISED = "intake_anonymised"


class PurgeLogEntry(db.Model):
    """What one purge did to one file or intake request: its class, the action and counts, no content."""

    __tablename__ = "purge_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(sa.String(32), nullable=False, index=True)
    at = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    data_class: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    action: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    # The file's reference (MED-YYYY-NNNNN) or the intake request's source and number: no personal data.
    target: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    intake_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("intake_items.id"), index=True)
    counts: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
