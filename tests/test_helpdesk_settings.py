"""Both helpdesks configured through the settings, Zendesk by OAuth client credentials, feed one queue."""

from __future__ import annotations

import json

import sqlalchemy as sa

from connectors.freshdesk.simulator import DEMO_API_KEY, FreshdeskSimulator
from connectors.freshdesk.simulator import run_in_thread as run_freshdesk
from connectors.zendesk.simulator import ZendeskSimulator
from connectors.zendesk.simulator import run_in_thread as run_zendesk
from connectors.zendesk.simulator_oauth import DEMO_OAUTH_CLIENT_ID, DEMO_OAUTH_CLIENT_SECRET
from mediator_plugin.core.db import db
from mediator_plugin.intake.models import IntakeItem


def test_sync_all_reads_both_helpdesks(make_app):
    """Does `mediator sync` (all) queue requests from Zendesk (OAuth) and Freshdesk (API key)?"""
    with run_zendesk(ZendeskSimulator.seeded(tickets=150, seed=3)) as zendesk, \
            run_freshdesk(FreshdeskSimulator.seeded(tickets=150, seed=4)) as freshdesk:
        app = make_app(
            zendesk={"url": f"http://127.0.0.1:{zendesk.server_port}", "oauth_client_id": DEMO_OAUTH_CLIENT_ID,
                     "oauth_client_secret": DEMO_OAUTH_CLIENT_SECRET},
            freshdesk={"url": f"http://127.0.0.1:{freshdesk.server_port}", "api_key": DEMO_API_KEY})
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["mediator", "sync"])
            assert result.exit_code == 0, result.output
            lines = [json.loads(line) for line in result.stdout.splitlines()]  # logs go to stderr
            assert {line["vendor"] for line in lines} == {"zendesk", "freshdesk"}
            sources = dict(db.session.execute(sa.select(IntakeItem.source, sa.func.count())
                                              .group_by(IntakeItem.source)).all())
    assert sources["zendesk"] >= 1 and sources["freshdesk"] >= 1
    assert sources == {line["vendor"]: line["new"] for line in lines}
