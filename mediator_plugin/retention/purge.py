"""``mediator purge``: apply the retention rules (R-GDPR-3), respecting legal holds (R-GDPR-4).

Each file or request is purged in a short transaction of its own batch, with its purge-log row and its
audit entry, after checking again — on the locked file row — that no hold was placed since the plan was
read. Blobs are removed from disk after the commit that removed their last reference. A dry run reads the
plan and changes nothing, not even the audit log. Frozen report snapshots are never read nor written
(R-GDPR-5): they hold figures only.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

import sqlalchemy as sa

from mediator_plugin import state
from mediator_plugin.cases.models import Case
from mediator_plugin.core import audit
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.retention import anonymise, rules
from mediator_plugin.retention.models import PurgeAction, PurgeLogEntry

BATCH = 100
_ACTIONS = {
    rules.CASE_ARCHIVE: PurgeAction.CASE_ANONYMISED,
    rules.INADMISSIBLE_REQUEST: PurgeAction.CASE_ANONYMISED,
    rules.ATTACHMENTS: PurgeAction.ATTACHMENTS_DELETED,
    rules.INTAKE_NOT_TAKEN_UP: PurgeAction.INTAKE_ANONYMISED,
    rules.ONLINE_FILING_NOT_OPENED: PurgeAction.INTAKE_ANONYMISED,
}


@dataclass
class PurgeSummary:
    """What a purge did (or, dry, would do): counts per class, no content. ``held``: files a legal hold kept
    out of the plan; ``skipped``: items no longer due when their turn came."""

    dry_run: bool
    run_id: str
    counts: dict[str, int]
    held: int
    skipped: int = 0
    blobs_deleted: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def purge(*, dry_run: bool, actor: str = "cli", now: datetime | None = None) -> PurgeSummary:
    """Plan at ``now`` (default: the clock) and, unless ``dry_run``, apply each class in turn."""
    now = now or utcnow()
    planned = rules.plan(state().settings, now)
    summary = PurgeSummary(dry_run=dry_run, run_id=uuid.uuid4().hex, counts=planned.counts(), held=planned.held)
    db.session.rollback()  # the plan was a read; each batch below is its own transaction
    if dry_run:
        return summary
    done = dict.fromkeys(rules.CLASSES, 0)
    for data_class in rules.CLASSES:
        ids = planned.due[data_class]
        for start in range(0, len(ids), BATCH):
            batch = ids[start:start + BATCH]
            purged, blobs = _apply(data_class, batch, summary.run_id, actor, now)
            summary.skipped += len(batch) - purged
            done[data_class] += purged
            db.session.commit()
            db.session.expire_all()
            summary.blobs_deleted += anonymise.delete_unreferenced_blobs(blobs)
            db.session.rollback()
    summary.counts = done
    audit.record("purge_run", actor=actor, target=f"purge:{summary.run_id}",
                 detail={"counts": done, "held": summary.held, "skipped": summary.skipped,
                         "blobs_deleted": summary.blobs_deleted})
    db.session.commit()
    return summary


def _apply(data_class: str, batch, run_id: str, actor: str, now: datetime) -> tuple[int, set[str]]:
    """Purge a batch of files or requests, leaving out those no longer due (a hold placed, a request opened,
    another host's purge) — checked on the locked rows, which a hold's placement locks too. Returns how many
    were purged and the blobs to delete after commit."""
    intake = data_class in (rules.INTAKE_NOT_TAKEN_UP, rules.ONLINE_FILING_NOT_OPENED)
    model = IntakeItem if intake else Case
    db.session.execute(sa.select(model.id).where(model.id.in_(batch)).with_for_update())
    due = rules.still_due(state().settings, now, data_class, batch)
    if not due:
        return 0, set()
    if intake:
        targets = dict(db.session.execute(sa.select(IntakeItem.id, IntakeItem.source + ":" + sa.cast(
            IntakeItem.id, sa.String)).where(IntakeItem.id.in_(due))).all())
        counts, blobs = anonymise.anonymise_intake(due)
    else:
        targets = dict(db.session.execute(sa.select(Case.id, Case.reference).where(Case.id.in_(due))).all())
        purge_batch = anonymise.delete_attachments if data_class == rules.ATTACHMENTS else anonymise.anonymise_cases
        counts, blobs = purge_batch(due)
    action = _ACTIONS[data_class]
    for target_id in due:
        case_id, item_id = (None, target_id) if intake else (target_id, None)
        db.session.add(PurgeLogEntry(run_id=run_id, at=now, actor=actor, data_class=data_class, action=action,
                                     target=targets[target_id], case_id=case_id, intake_item_id=item_id,
                                     counts=counts[target_id]))
        audit.record("retention_purge", actor=actor, target=targets[target_id], case_id=case_id,
                     detail={"class": data_class, "action": action, "run_id": run_id, "counts": counts[target_id]})
    return len(due), blobs
