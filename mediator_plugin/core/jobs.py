"""One pass of the periodic work (``mediator jobs``): sync, reminders, outbox delivery."""

from __future__ import annotations

from connectors.base import HelpdeskError
from mediator_plugin.cases.reminders import send_due_reminders
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.delivery import deliver_outbox
from mediator_plugin.core.helpdesks import configured_connectors
from mediator_plugin.core.operations import finish_run, start_run
from mediator_plugin.intake.sync import sync_helpdesk
from mediator_plugin.intake.webhooks import refresh_hinted


def run_jobs() -> dict:
    """Each step is independent: a helpdesk that is down does not stop the mail. The run is recorded."""
    run = start_run()
    result: dict = {"sync": {}, "refreshed": {}, "errors": []}
    for vendor, connector in configured_connectors().items():
        try:
            result["sync"][vendor] = sync_helpdesk(connector).as_dict()
            result["refreshed"][vendor] = refresh_hinted(vendor, connector)
        except HelpdeskError as exc:
            db.session.rollback()
            result["errors"].append(f"sync {vendor}: {type(exc).__name__}: {exc}"[:500])
    result["reminders"] = send_due_reminders(utcnow())
    delivered = deliver_outbox()
    result["outbox"] = {"sent": delivered.sent, "retried": delivered.retried, "failed": delivered.failed}
    finish_run(run, result)
    return result
