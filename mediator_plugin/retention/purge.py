"""``mediator purge``: apply the retention rules (R-GDPR-3), respecting legal holds (R-GDPR-4).

Each file or request is purged in a short transaction of its own batch, with its purge-log row and its
audit entry, after checking again — on the locked file row — that no hold was placed since the plan was
read. Blobs are removed from disk after the commit that removed their last reference. A dry run reads the
plan and changes nothing, not even the audit log. Frozen report snapshots are never read nor written
(R-GDPR-5): they hold figures only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
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
        return {"dry_run": self.dry_run, "run_id": self.run_id, "counts": self.counts, "held": self.held,
                "skipped": self.skipped, "blobs_deleted": self.blobs_deleted}


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
            blobs: set[str] = set()
            for target_id in ids[start:start + BATCH]:
                result = _apply(data_class, target_id, summary.run_id, actor, now)
                if result is None:
                    summary.skipped += 1
                    continue
                blobs |= result
                done[data_class] += 1
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


def _apply(data_class: str, target_id: int, run_id: str, actor: str, now: datetime) -> set[str] | None:
    """Purge one file or request; None when it is no longer due (a hold placed, a request opened, another
    host's purge) — checked on the locked row, which a hold's placement locks too."""
    intake = data_class in (rules.INTAKE_NOT_TAKEN_UP, rules.ONLINE_FILING_NOT_OPENED)
    model = IntakeItem if intake else Case
    db.session.execute(sa.select(model.id).where(model.id == target_id).with_for_update())
    if not rules.still_due(state().settings, now, data_class, target_id):
        return None
    if intake:
        item = db.session.get(IntakeItem, target_id)
        target, case_id, item_id = f"{item.source}:{item.id}", None, target_id
        counts, blobs = anonymise.anonymise_intake(target_id)
    else:
        target, case_id, item_id = db.session.get(Case, target_id).reference, target_id, None
        purge_one = anonymise.delete_attachments if data_class == rules.ATTACHMENTS else anonymise.anonymise_case
        counts, blobs = purge_one(target_id)
    action = _ACTIONS[data_class]
    db.session.add(PurgeLogEntry(run_id=run_id, at=now, actor=actor, data_class=data_class, action=action,
                                 target=target, case_id=case_id, intake_item_id=item_id, counts=counts))
    audit.record("retention_purge", actor=actor, target=target, case_id=case_id,
                 detail={"class": data_class, "action": action, "run_id": run_id, "counts": counts})
    return blobs
