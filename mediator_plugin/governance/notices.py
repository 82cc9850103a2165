"""Telling the CECMC, without delay, that the notified items changed (R-CECMC-4, R614-3).

``mediator init`` (at each release) and ``mediator jobs`` (every few minutes) compare the items of
:func:`~mediator_plugin.governance.register.notified_items` with those of the latest record. The first record is
the baseline: the items as the CECMC holds them from the listing, kept without a mail. After it, any difference
queues ONE mail to the CECMC's address (``cecmc_email`` of governance.toml) naming each changed item with its old
and new value, through the outbox, records the new items and writes the audit entry, in one transaction. Two
hosts finding the same change at once cannot both record it: the records' sequence is unique, and on
PostgreSQL the check also holds a transaction lock.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.core import audit
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.locks import try_transaction_lock
from mediator_plugin.core.outbox import OutboxKind, enqueue
from mediator_plugin.governance.models import CecmcNotice
from mediator_plugin.governance.register import ITEMS, notified_items


@dataclass(frozen=True)
class NoticeCheck:
    """What a check did: ``baseline`` recorded, notice ``queued``, ``unchanged``, ``no_baseline`` (jobs before
    the first ``mediator init``), or ``busy`` (another host was checking)."""

    status: str
    sequence: int | None = None
    changes: list[str] = field(default_factory=list)


def _digest(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def latest_notice() -> CecmcNotice | None:
    return db.session.execute(sa.select(CecmcNotice).order_by(CecmcNotice.sequence.desc()).limit(1)).scalar()


def check_and_notify(recorded_by: str, *, record_baseline: bool) -> NoticeCheck:
    """Compare the notified items with the latest record; record a baseline (when ``record_baseline`` and there is
    none) or queue the notice of what changed. Does not commit: the caller commits, or rolls back on an
    ``IntegrityError`` (another host recorded the same change first)."""
    if not try_transaction_lock("cecmc_notice"):
        return NoticeCheck("busy")
    with force_locale("fr"):  # the items, and the mail, are in French whoever runs the check
        content = notified_items(state().charter, state().settings["base_url"])
        last = latest_notice()
        if last is None:
            if not record_baseline:
                return NoticeCheck("no_baseline")
            _record(1, recorded_by, content, [], None)
            audit.record("cecmc_baseline", actor=recorded_by, target="cecmc-notice:1",
                         detail={"content_sha256": _digest(content)})
            return NoticeCheck("baseline", 1)
        if last.content_sha256 == _digest(content):
            return NoticeCheck("unchanged", last.sequence)
        changes = [key for key, _label in ITEMS if last.content.get(key) != content[key]]
        sequence = last.sequence + 1
        to = state().charter.governance["cecmc_email"]
        message = enqueue(OutboxKind.MAIL, f"cecmc-notice:{sequence}", {
            "to": [to], "subject": _subject(), "body": _body(last.content, content, changes), "attachments": []})
        db.session.flush()
        _record(sequence, recorded_by, content, changes, message.id)
        audit.record("cecmc_notice", actor=recorded_by, target=f"cecmc-notice:{sequence}",
                     detail={"changes": changes, "to": to, "content_sha256": _digest(content)})
        return NoticeCheck("queued", sequence, changes)


def check_in_own_transaction(recorded_by: str, *, record_baseline: bool) -> NoticeCheck:
    """:func:`check_and_notify`, committed; ``busy`` when another host recorded the same change first."""
    try:
        result = check_and_notify(recorded_by, record_baseline=record_baseline)
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return NoticeCheck("busy")
    return result


def _record(sequence: int, recorded_by: str, content: dict, changes: list[str], outbox_id: int | None) -> None:
    db.session.add(CecmcNotice(sequence=sequence, recorded_at=utcnow(), recorded_by=recorded_by, content=content,
                               content_sha256=_digest(content), changes=changes, outbox_id=outbox_id))
    db.session.flush()


def _subject() -> str:
    m = state().charter.mediator
    return _("%(name)s, consumer mediator of %(company)s: change of the information notified to the CECMC",
             name=m["mediator_name"], company=m["company_name"])


def _body(before: dict, after: dict, changes: list[str]) -> str:
    m, labels = state().charter.mediator, dict(ITEMS)
    lines = [_("— %(item)s: “%(old)s” becomes “%(new)s”.", item=_(labels[key]), old=before.get(key) or "—",
               new=after[key] or "—") for key in changes]
    return "\n\n".join([
        _("Dear Sir or Madam,"),
        _("In accordance with article R614-3 of the Consumer Code, %(name)s, %(title)s, informs the Commission "
          "d'évaluation et de contrôle de la médiation de la consommation of the following changes to the "
          "information notified to it:", name=m["mediator_name"], title=m["mediator_title"]),
        "\n".join(lines),
        _("The other information is unchanged."),
        "\n".join([m["mediator_name"], m["mediator_title"], m["postal_address"], m["email"]]),
    ])
