"""Pulling definitively closed tickets that ask for mediation into the intake queue.

Each page is stored and its checkpoint moved in one transaction: a crash at any point leaves the
checkpoint at or behind the stored data, and replaying a page changes nothing (idempotent upserts).
Two syncs of the same helpdesk never run at once (advisory lock on PostgreSQL, a file lock on SQLite).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from connectors.base import HelpdeskConnector, HelpdeskNotFound, TicketPage, TicketSnapshot
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.locks import Locked, exclusive
from mediator_plugin.intake.models import IntakeItem, SyncCheckpoint


@dataclass
class SyncSummary:
    """What one sync did; printed as one line by the CLI."""

    vendor: str
    pages: int = 0
    seen: int = 0
    new: int = 0
    updated: int = 0
    withdrawn: int = 0
    skipped_locked: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


# Tickets of a page read at once; the shared pacer keeps the total within the helpdesk's limits.
FETCH_WORKERS = 4


def sync_lock(vendor: str):
    """Exclusive per helpdesk, across processes and hosts sharing the database."""
    return exclusive(f"sync-{vendor}")


def sync_helpdesk(connector: HelpdeskConnector, *, full: bool = False,
                  progress: Callable[[SyncSummary], None] | None = None) -> SyncSummary:
    """Drain the connector's stream from the stored checkpoint (or from the start with ``full``)."""
    summary = SyncSummary(vendor=connector.vendor)
    try:
        with sync_lock(connector.vendor):
            _drain(connector, summary, full=full, progress=progress)
    except Locked:
        summary.skipped_locked = True
    return summary


def _drain(connector, summary: SyncSummary, *, full: bool, progress) -> None:
    row = db.session.get(SyncCheckpoint, connector.vendor)
    start = None if (full or row is None) else row.checkpoint
    with ThreadPoolExecutor(max_workers=FETCH_WORKERS, thread_name_prefix=f"sync-{connector.vendor}") as pool:
        for page in connector.iter_closed_tickets(start):
            # Conversations are read before the transaction starts writing, to keep it short.
            snapshots, vanished = _fetch_page(pool, connector, page)
            upsert_snapshots(snapshots, summary)
            if vanished:
                summary.withdrawn += _withdraw(connector.vendor, vanished)
            row = db.session.get(SyncCheckpoint, connector.vendor) or SyncCheckpoint(vendor=connector.vendor)
            row.checkpoint, row.updated_at = page.checkpoint, utcnow()
            summary.pages += 1
            summary.seen += page.seen
            row.last_summary = summary.as_dict()
            db.session.add(row)
            db.session.commit()  # the page's requests and its checkpoint, together or not at all
            if progress:
                progress(summary)


def _fetch_page(pool: ThreadPoolExecutor, connector, page: TicketPage) -> tuple[list[TicketSnapshot], list[str]]:
    """Read the page's eligible tickets a few at a time (the pacer keeps within the helpdesk's limits)."""
    futures = [(ticket.ticket_id, pool.submit(connector.fetch_ticket, ticket.ticket_id)) for ticket in page.eligible]
    snapshots, vanished = [], list(page.deleted_ids)
    try:
        for ticket_id, future in futures:
            try:
                snapshots.append(future.result())
            except HelpdeskNotFound:
                vanished.append(ticket_id)  # deleted or merged between the listing and the read
    finally:
        for _, future in futures:
            future.cancel()  # after a failure, do not keep reading a page that will be read again
    return snapshots, vanished


def upsert_snapshot(snapshot: TicketSnapshot, summary: SyncSummary | None = None) -> None:
    """Queue a new request, or refresh a pending one with the ticket as read now (idempotent)."""
    upsert_snapshots([snapshot], summary or SyncSummary(vendor=snapshot.vendor))


def upsert_snapshots(snapshots: list[TicketSnapshot], summary: SyncSummary) -> None:
    """The same for a page of tickets of one helpdesk, with one query for those already queued."""
    if not snapshots:
        return
    known = {item.external_id: item for item in db.session.execute(sa.select(IntakeItem).where(
        IntakeItem.source == snapshots[0].vendor,
        IntakeItem.external_id.in_([s.ticket_id for s in snapshots]))).scalars()}
    now = utcnow()
    for snapshot in snapshots:
        digest, item = snapshot.content_sha256(), known.get(snapshot.ticket_id)
        if item is None:
            known[snapshot.ticket_id] = IntakeItem(
                source=snapshot.vendor, external_id=snapshot.ticket_id, subject=snapshot.subject[:500],
                requester_name=snapshot.requester_name, requester_email=snapshot.requester_email,
                asked_at=snapshot.closed_at or snapshot.updated_at, first_seen_at=now, last_seen_at=now,
                snapshot=snapshot.to_json(), content_sha256=digest, state="pending")
            db.session.add(known[snapshot.ticket_id])
            summary.new += 1
            continue
        item.last_seen_at = now
        # Once a file is open it keeps the copy it was opened with; a pending item follows the ticket.
        if item.state == "pending" and item.content_sha256 != digest:
            item.snapshot, item.content_sha256 = snapshot.to_json(), digest
            item.subject = snapshot.subject[:500]
            summary.updated += 1


def _withdraw(vendor: str, ticket_ids: list[str]) -> int:
    result = db.session.execute(
        sa.update(IntakeItem).where(IntakeItem.source == vendor, IntakeItem.external_id.in_(ticket_ids),
                                    IntakeItem.state == "pending").values(withdrawn=True))
    return result.rowcount
