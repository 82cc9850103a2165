"""The sync engine: one sync per helpdesk at a time, and a crash mid-stream loses and duplicates nothing."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from connectors.base import HelpdeskUnavailable
from connectors.freshdesk import FreshdeskConnector
from connectors.freshdesk.simulator import FreshdeskSimulator
from connectors.freshdesk.simulator import run_in_thread as run_freshdesk
from connectors.http import HttpClient
from connectors.zendesk import ZendeskConnector
from connectors.zendesk.simulator import ZendeskSimulator, run_in_thread
from mediator_plugin.core.db import db
from mediator_plugin.intake.models import IntakeItem, SyncCheckpoint
from mediator_plugin.intake.sync import sync_helpdesk, sync_lock


def _queued() -> list[str]:
    return db.session.execute(sa.select(IntakeItem.external_id)).scalars().all()


def _connector(base: str, vendor: str = "zendesk", **options):
    http = HttpClient(base, timeout=2, backoff=0.01, max_attempts=3)
    if vendor == "freshdesk":
        return FreshdeskConnector(base, http=http, api_key="demo-freshdesk-key", **options)
    return ZendeskConnector(base, http=http, email="mediateur@example.com", api_token="demo-token", **options)


HELPDESKS = {"zendesk": (ZendeskSimulator, run_in_thread, 500), "freshdesk": (FreshdeskSimulator, run_freshdesk, 100)}


def test_a_second_sync_at_the_same_time_is_skipped(app):
    """While one sync holds the helpdesk's lock, another sync skips, storing nothing; afterwards it runs."""
    with run_in_thread(ZendeskSimulator.seeded(tickets=300, seed=5, rate_limit=0)) as server:
        connector = _connector(f"http://127.0.0.1:{server.server_port}")
        results = []
        with sync_lock("zendesk"):  # the first sync, as another process or host would hold it
            worker = threading.Thread(target=lambda: results.append(_sync_in_context(app, connector)))
            worker.start()
            worker.join()
        assert results[0].skipped_locked and results[0].pages == 0 and _queued() == []
        summary = sync_helpdesk(connector)
    assert not summary.skipped_locked and summary.new == len(_queued()) > 0


def _sync_in_context(app, connector):
    with app.app_context():
        return sync_helpdesk(connector)


@pytest.mark.parametrize("vendor", sorted(HELPDESKS))
def test_helpdesk_lost_mid_stream_keeps_the_last_committed_page(app, vendor):
    """Helpdesk gone after two pages: the checkpoint is a stored page's; the replay adds the rest, once."""
    simulator_class, serve, per_page = HELPDESKS[vendor]
    simulator = simulator_class.seeded(tickets=2500, seed=6, rate_limit=0)
    with serve(simulator) as server:
        base = f"http://127.0.0.1:{server.server_port}"
        everything = sync_helpdesk(_connector(base, vendor, per_page=per_page), full=True)
        expected = sorted(_queued())
        db.session.execute(sa.delete(IntakeItem))
        db.session.execute(sa.delete(SyncCheckpoint))
        db.session.commit()
        pages_before_outage = []

        def stop_after_two_pages(summary):
            pages_before_outage.append(summary.pages)
            if summary.pages == 2:
                threading.Thread(target=server.shutdown).start()

        with pytest.raises(HelpdeskUnavailable):
            sync_helpdesk(_connector(base, vendor, per_page=per_page), progress=stop_after_two_pages)
    assert everything.pages > 2 and pages_before_outage == [1, 2]
    partial = sorted(_queued())
    assert db.session.get(SyncCheckpoint, vendor).last_summary["pages"] == 2
    assert set(partial) <= set(expected) and len(partial) < len(expected)
    with serve(simulator) as server:  # the helpdesk is back, same data, new port
        sync_helpdesk(_connector(f"http://127.0.0.1:{server.server_port}", vendor, per_page=per_page))
    final = _queued()
    assert sorted(final) == expected and len(final) == len(set(final))
