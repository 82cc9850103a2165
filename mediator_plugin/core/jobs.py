"""One pass of the periodic work (``mediator jobs``): sync, reminders, refusal-deadline alerts, the notice to the
CECMC of changed listing or governance data, the daily anchor of the audit log, outbox delivery, the end of console
sessions that ran out unseen.

Safe on several hosts at once against PostgreSQL: a sync holds its helpdesk's advisory lock, the
reminders scan a transaction-level one, and outbox rows are taken with ``SKIP LOCKED``. Each run is
recorded (admin page) and written to the log as one JSON line.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from connectors.base import HelpdeskError
from mediator_plugin import state
from mediator_plugin.cases.alerts import send_rejection_alerts
from mediator_plugin.cases.reminders import send_due_reminders
from mediator_plugin.core import sessions
from mediator_plugin.core.audit_check import anchor_if_due
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.delivery import deliver_outbox
from mediator_plugin.core.helpdesks import configured_connectors
from mediator_plugin.core.locks import Locked, single_host_run
from mediator_plugin.core.operations import finish_run, start_run
from mediator_plugin.governance.notices import check_in_own_transaction
from mediator_plugin.intake.sync import sync_helpdesk
from mediator_plugin.intake.webhooks import refresh_hinted

log = logging.getLogger("mediator.jobs")


def run_jobs() -> dict:
    """Each step is independent: a helpdesk that is down does not stop the mail. The run is recorded."""
    try:
        with single_host_run():
            return _run()
    except Locked:
        log.info("jobs run skipped: another run holds the lock on this host", extra={"skipped": True})
        return {"skipped": "another run of the jobs is still working on this host", "sync": {}, "refreshed": {},
                "errors": [], "reminders": 0, "alerts": 0, "outbox": {"sent": 0, "retried": 0, "failed": 0},
                "sessions": {"expired": 0, "deleted": 0}}


def _run() -> dict:
    started = time.perf_counter()
    run = start_run()
    result: dict = {"sync": {}, "refreshed": {}, "errors": []}
    try:
        for vendor, connector in configured_connectors().items():
            try:
                result["sync"][vendor] = sync_helpdesk(connector).as_dict()
                result["refreshed"][vendor] = refresh_hinted(vendor, connector)
            except HelpdeskError as exc:
                db.session.rollback()
                result["errors"].append(f"sync {vendor}: {type(exc).__name__}: {exc}"[:500])
        result["reminders"] = send_due_reminders(utcnow())
        result["alerts"] = send_rejection_alerts(utcnow())
        # Before the delivery, so that a notice leaves in this run (R614-3: without delay).
        result["cecmc_notice"] = check_in_own_transaction("jobs", record_baseline=False).status
        try:
            result["audit_anchor"] = anchor_if_due()  # daily; its mail, when set, leaves in this run too
        except OSError as exc:  # the storage folder: the mail still goes out
            db.session.rollback()
            result["audit_anchor"] = f"failed: the anchor file cannot be read or written: {exc}"
        if not result["audit_anchor"].startswith(("written", "not due")):
            result["errors"].append(f"audit anchor {result['audit_anchor']}"[:500])
        delivered = deliver_outbox()
        result["outbox"] = {"sent": delivered.sent, "retried": delivered.retried, "failed": delivered.failed}
        result["sessions"] = sessions.sweep(utcnow(), timedelta(minutes=state().settings["session_idle_minutes"]))
    except Exception:
        log.exception("jobs run failed", extra={"job_run": run.id, "host": run.host})
        raise
    finish_run(run, result)
    level = logging.WARNING if result["errors"] or result["outbox"]["failed"] else logging.INFO
    log.log(level, "jobs run", extra={"job_run": run.id, "host": run.host,
                                      "duration_ms": round((time.perf_counter() - started) * 1000, 1), **result})
    return result
