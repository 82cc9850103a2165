"""What the periodic work leaves behind for the admin page: job runs and webhook hints."""

from __future__ import annotations

import socket

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from mediator_plugin.core.db import UTCDateTime, db, utcnow


class JobRun(db.Model):
    """One pass of ``mediator jobs`` on one host, with its summary (no file content)."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    started_at = mapped_column(UTCDateTime, nullable=False, index=True)
    finished_at = mapped_column(UTCDateTime)
    summary: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)


class WebhookHint(db.Model):
    """A helpdesk said a ticket changed: a reason to read the stream again, never data in itself."""

    __tablename__ = "webhook_hints"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    ticket_id: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    received_at = mapped_column(UTCDateTime, nullable=False)
    processed_at = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_webhook_hints_pending", "vendor", "processed_at"),)


def start_run() -> JobRun:
    run = JobRun(host=socket.gethostname(), started_at=utcnow(), summary={})
    db.session.add(run)
    db.session.commit()
    return run


def finish_run(run: JobRun, summary: dict) -> None:
    run.finished_at, run.summary = utcnow(), summary
    db.session.commit()
