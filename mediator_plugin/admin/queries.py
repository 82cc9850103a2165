"""Figures of the health page: job runs, the outbox backlog, each helpdesk's health — no file content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from mediator_plugin import state
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.operations import JobRun
from mediator_plugin.core.outbox import OutboxMessage, OutboxStatus
from mediator_plugin.intake.models import SyncCheckpoint

# How far back the helpdesk health looks for a successful sync and for the last error.
RUNS_SCANNED = 300


@dataclass
class Backlog:
    """What waits in the outbox: ``pending`` (of which ``retrying`` after a failure), ``failed`` for good."""

    pending: int
    retrying: int
    failed: int
    oldest_pending_age: timedelta | None


@dataclass
class RunRow:
    run: JobRun
    seconds: float | None
    result: str  # "ok", "errors", "unfinished"


def outbox_backlog() -> Backlog:
    """Counts of the outbox and the age of its oldest pending message (grows while SMTP is down)."""
    pending, retrying, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(OutboxMessage.attempts > 0),
                  sa.func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status == OutboxStatus.PENDING)).one()
    failed = db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)
                                .where(OutboxMessage.status == OutboxStatus.FAILED)).scalar()
    if oldest is not None and oldest.tzinfo is None:  # an aggregate bypasses the column type on SQLite
        oldest = datetime.fromisoformat(str(oldest)).replace(tzinfo=utcnow().tzinfo)
    return Backlog(pending=pending, retrying=retrying, failed=failed,
                   oldest_pending_age=(utcnow() - oldest) if oldest else None)


def last_runs(limit: int = 10) -> list[RunRow]:
    """The latest runs of ``mediator jobs`` on every host, with their duration and result."""
    runs = db.session.execute(sa.select(JobRun).order_by(JobRun.id.desc()).limit(limit)).scalars().all()
    rows = []
    for run in runs:
        if run.finished_at is None:
            rows.append(RunRow(run, None, "unfinished"))
            continue
        errors = run.summary.get("errors") or run.summary.get("outbox", {}).get("failed")
        rows.append(RunRow(run, (run.finished_at - run.started_at).total_seconds(), "errors" if errors else "ok"))
    return rows


def helpdesk_health() -> list[dict]:
    """Per helpdesk: its address, last page stored, last successful sync and last error seen by the jobs."""
    settings = state().settings
    checkpoints = {row.vendor: row for row in db.session.execute(sa.select(SyncCheckpoint)).scalars()}
    runs = db.session.execute(sa.select(JobRun).where(JobRun.finished_at.is_not(None))
                              .order_by(JobRun.id.desc()).limit(RUNS_SCANNED)).scalars().all()
    rows = []
    for vendor in ("zendesk", "freshdesk"):
        url = settings[vendor]["url"]
        last_ok = next((run.finished_at for run in runs if _synced(run, vendor)), None)
        last_error = next(((run.finished_at, error) for run in runs for error in run.summary.get("errors", [])
                           if error.startswith(f"sync {vendor}:")), None)
        rows.append({"vendor": vendor, "host": urlsplit(url).netloc if url else None,
                     "checkpoint": checkpoints.get(vendor), "last_ok": last_ok, "last_error": last_error,
                     # failing: the latest thing the jobs saw of this helpdesk is an error
                     "failing": bool(last_error and (last_ok is None or last_error[0] > last_ok))})
    return rows


def _synced(run: JobRun, vendor: str) -> bool:
    summary = run.summary.get("sync", {}).get(vendor)
    return bool(summary) and not summary.get("skipped_locked")
