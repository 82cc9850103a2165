"""`mediator helpdesk install-rules`: the charter's contact block, with the website, put into the helpdesks' own rules
and sent by them when a complaint is closed unfavourably or partially (R-HELPDESK-1), on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import json

import pytest
import requests
import sqlalchemy as sa

from connectors.freshdesk.simulator import DEMO_API_KEY, FreshdeskSimulator
from connectors.freshdesk.simulator import run_in_thread as run_freshdesk
from connectors.freshdesk.simulator_data import FIELD_COMPLAINT_OUTCOME as FRESHDESK_OUTCOME
from connectors.zendesk.simulator import DEMO_API_TOKEN, DEMO_EMAIL, ZendeskSimulator, run_in_thread
from connectors.zendesk.simulator_data import FIELD_COMPLAINT_OUTCOME as ZENDESK_OUTCOME
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db

pytestmark = pytest.mark.requirement("R-HELPDESK-1")

# What the charter (charter/mediator.toml) and the base_url setting of the test app say.
NAME, ADDRESS, WEBSITE = "Claire Martin", "Médiation Exemple, 10 rue de la Paix, 75002 Paris", "http://localhost"


@contextlib.contextmanager
def helpdesks():
    """A Zendesk and a Freshdesk simulator on loopback; yields their base URLs."""
    with run_in_thread(ZendeskSimulator.seeded(tickets=10, seed=3)) as zendesk, \
            run_freshdesk(FreshdeskSimulator.seeded(tickets=10, seed=3)) as freshdesk:
        yield f"http://127.0.0.1:{zendesk.server_port}", f"http://127.0.0.1:{freshdesk.server_port}"


def settings(zendesk: str, freshdesk: str, *, outcome_fields: bool = True) -> dict:
    return {
        "zendesk": {"url": zendesk, "email": DEMO_EMAIL, "api_token": DEMO_API_TOKEN,
                    "complaint_outcome_field_id": ZENDESK_OUTCOME if outcome_fields else 0},
        "freshdesk": {"url": freshdesk, "api_key": DEMO_API_KEY,
                      "complaint_outcome_field": FRESHDESK_OUTCOME if outcome_fields else ""},
    }


def install(app, *options):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["mediator", "helpdesk", "install-rules", *options])


def summaries(output: str) -> dict[str, list]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return {line["helpdesk"]: [(r["rule"], r["change"]) for r in line["rules"]] for line in lines}


def test_install_rules_puts_the_charter_block_into_both_helpdesks(make_app):
    """Does the command install the rules once, with the charter's name, address and the website, audited?"""
    with helpdesks() as (zendesk, freshdesk):
        app = make_app(**settings(zendesk, freshdesk))
        first = install(app)
        assert first.exit_code == 0, first.output
        assert summaries(first.output) == {"zendesk": [("closure", "created"), ("unanswered", "created")],
                                           "freshdesk": [("closure", "created"), ("unanswered", "created")]}
        again = install(app, "--helpdesk", "zendesk")
        assert summaries(again.output) == {"zendesk": [("closure", "unchanged"), ("unanswered", "unchanged")]}

        [trigger] = requests.get(f"{zendesk}/api/v2/triggers.json", auth=(f"{DEMO_EMAIL}/token", DEMO_API_TOKEN),
                                 timeout=5).json()["triggers"]
        [automation] = requests.get(f"{zendesk}/api/v2/automations.json",
                                    auth=(f"{DEMO_EMAIL}/token", DEMO_API_TOKEN), timeout=5).json()["automations"]
        closure, unanswered = trigger["actions"][0]["value"], automation["actions"][0]["value"]
        for text in (closure, unanswered):
            assert NAME in text and ADDRESS in text and WEBSITE in text
        assert closure.startswith("Si cette réponse ne vous satisfait pas, vous pouvez saisir gratuitement")
        assert "depuis 2 mois" in unanswered  # unanswered_complaint_months of the charter
        assert {"field": "NEW", "operator": "greater_than", "value": "1488"} in automation["conditions"]["all"]
    with app.app_context():
        details = db.session.execute(sa.select(AuditEntry.target, AuditEntry.detail)
                                     .where(AuditEntry.action == "helpdesk_rules")).all()
    assert sorted(target for target, _ in details) == ["freshdesk", "zendesk", "zendesk"]


def test_closing_a_refused_complaint_sends_the_block(make_app):
    """After the command, does solving a Zendesk ticket marked refused show the block publicly, and resolving a
    Freshdesk one mail it, while an accepted one gets nothing?"""
    with helpdesks() as (zendesk, freshdesk):
        app = make_app(**settings(zendesk, freshdesk))
        assert install(app).exit_code == 0
        refused = requests.post(f"{zendesk}/_sim/tickets", json={"status": "open"}, timeout=5).json()["ticket"]["id"]
        state = requests.put(f"{zendesk}/_sim/tickets/{refused}", timeout=5, json={
            "status": "solved", "custom_fields": [{"id": ZENDESK_OUTCOME, "value": "refusee"}]}).json()
        block = state["comments"][-1]
        assert block["public"] is True and block["via"]["channel"] == "rule"
        assert NAME in block["body"] and ADDRESS in block["body"] and WEBSITE in block["body"]

        mails = {}
        for outcome in ("Refusée", "Acceptée"):
            ticket = requests.post(f"{freshdesk}/_sim/tickets", json={"status": 2}, timeout=5).json()["ticket"]["id"]
            mails[outcome] = requests.put(f"{freshdesk}/_sim/tickets/{ticket}", timeout=5, json={
                "status": 4, "custom_fields": {FRESHDESK_OUTCOME: outcome}}).json()["emails_to_requester"]
        [mail] = mails["Refusée"]
        assert NAME in mail["body"] and ADDRESS in mail["body"] and WEBSITE in mail["body"]
        assert mails["Acceptée"] == []


def test_without_the_outcome_field_nothing_is_installed(make_app):
    """Is the command refused with exit 1, naming the setting to fill, before anything is written anywhere?"""
    with helpdesks() as (zendesk, freshdesk):
        partial = settings(zendesk, freshdesk)
        partial["freshdesk"]["complaint_outcome_field"] = ""
        app = make_app(**partial)
        result = install(app)
        assert result.exit_code == 1
        assert "MEDIATOR_FRESHDESK_COMPLAINT_OUTCOME_FIELD" in result.output
        auth = (f"{DEMO_EMAIL}/token", DEMO_API_TOKEN)
        assert requests.get(f"{zendesk}/api/v2/triggers.json", auth=auth, timeout=5).json()["triggers"] == []


def test_a_refusing_helpdesk_exits_1_and_says_what_to_do(make_app):
    """Does a revoked token give exit 1 with the helpdesk's answer and what to do, and no audit entry?"""
    with helpdesks() as (zendesk, freshdesk):
        broken = settings(zendesk, freshdesk)
        broken["zendesk"]["api_token"] = "revoked-token"
        app = make_app(**broken)
        result = install(app, "--helpdesk", "zendesk")
    assert result.exit_code == 1 and "401" in result.output and "run the command again" in result.output
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == "helpdesk_rules")).scalar() == 0


def test_unconfigured_helpdesk_is_named(make_app):
    """Does the command with no helpdesk configured exit 1 naming the URL setting?"""
    result = install(make_app())
    assert result.exit_code == 1 and "MEDIATOR_ZENDESK_URL" in result.output
