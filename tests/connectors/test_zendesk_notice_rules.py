"""The mediator's contact block in Zendesk's closing answers: the trigger and the automation the connector installs,
run by the simulator over HTTP as Zendesk runs them (R-HELPDESK-1, L616-1, R616-1)."""

from __future__ import annotations

import pytest

from connectors.notice import NoticeRule
from connectors.zendesk.simulator_data import FIELD_COMPLAINT_OUTCOME
from tests.connectors.notice_fixtures import IDENTITY, NOTICE

pytestmark = pytest.mark.requirement("R-HELPDESK-1")

DAY = 86_400


def installed(zendesk):
    connector = zendesk.connector(complaint_outcome_field_id=FIELD_COMPLAINT_OUTCOME,
                                  complaint_outcome_values=["refusee", "partielle"])
    return connector, connector.install_notice_rules(NOTICE)


def agent_closes(zendesk, outcome: str, **extra) -> int:
    """An open complaint, then the agent's update solving it with ``outcome`` in the outcome drop-down."""
    tid = zendesk.create(subject="Frais de résiliation", status="open", assignee_id=3,
                         requester={"name": "Jeanne Dupont", "email": "jeanne.dupont@example.org"},
                         **extra)["ticket"]["id"]
    answer = zendesk.api("PUT", f"/api/v2/tickets/{tid}.json", json={"ticket": {
        "status": "solved", "comment": {"body": "Nous maintenons notre position.", "public": True},
        "custom_fields": [{"id": FIELD_COMPLAINT_OUTCOME, "value": outcome}]}})
    assert answer.status_code == 200, answer.text
    return tid


def blocks(state: dict) -> list[dict]:
    """The comments a rule added to the ticket."""
    return [c for c in state["comments"] if c["via"]["channel"] == "rule"]


def test_installing_twice_keeps_one_trigger_and_one_automation(zendesk):
    """Does a second installation change nothing, and does it put back a rule an administrator altered?"""
    _, first = installed(zendesk)
    assert [(c.rule, c.change) for c in first] == [(NoticeRule.CLOSURE, "created"), (NoticeRule.UNANSWERED, "created")]
    connector, again = installed(zendesk)
    assert [c.change for c in again] == ["unchanged", "unchanged"]
    assert [c.rule_id for c in again] == [c.rule_id for c in first]
    triggers = zendesk.api("GET", "/api/v2/triggers.json").json()["triggers"]
    automations = zendesk.api("GET", "/api/v2/automations.json").json()["automations"]
    assert [t["title"] for t in triggers] == [NoticeRule.CLOSURE.title]
    assert [a["title"] for a in automations] == [NoticeRule.UNANSWERED.title]
    assert triggers[0]["actions"][0] == {"field": "reply_public", "value": NOTICE.closure}

    altered = zendesk.api("PUT", f"/api/v2/triggers/{first[0].rule_id}.json", json={"trigger": {
        "active": False, "actions": [{"field": "reply_public", "value": "Fin de la discussion."}],
        "conditions": triggers[0]["conditions"]}})
    assert altered.status_code == 200
    repaired = connector.install_notice_rules(NOTICE)
    assert [c.change for c in repaired] == ["updated", "unchanged"]
    trigger = zendesk.api("GET", f"/api/v2/triggers/{first[0].rule_id}.json").json()["trigger"]
    assert trigger["active"] is True and trigger["actions"][0]["value"] == NOTICE.closure
    assert len(zendesk.api("GET", "/api/v2/triggers.json").json()["triggers"]) == 1


@pytest.mark.parametrize("outcome", ["refusee", "partielle"])
def test_unfavourable_or_partial_closure_gets_the_public_block(zendesk, outcome):
    """Does solving a complaint marked refused (or partial) add the block as a public reply, kept after closure?"""
    installed(zendesk)
    tid = agent_closes(zendesk, outcome)
    state = zendesk.state(tid)
    [block] = blocks(state)
    assert block["public"] is True and block["body"] == NOTICE.closure
    assert all(part in block["body"] for part in IDENTITY)
    assert block["author_id"] == 3  # in the agent's name, through the rule: not a comment of the mediator
    assert block["via"]["source"]["rel"] == "trigger"
    assert NoticeRule.CLOSURE.tag in state["ticket"]["tags"]
    assert state["comments"].index(block) == len(state["comments"]) - 1  # right after the agent's final answer

    zendesk.change(tid, status="closed")
    refused = zendesk.api("PUT", f"/api/v2/tickets/{tid}.json", json={"ticket": {"tags": []}})
    assert refused.status_code == 422  # a closed ticket changes no more: the block stays as sent
    [kept] = blocks(zendesk.state(tid))
    assert kept == block


def test_favourable_closure_gets_no_block(zendesk):
    """Does a complaint solved in the customer's favour get no block and no tag?"""
    installed(zendesk)
    state = zendesk.state(agent_closes(zendesk, "acceptee"))
    assert blocks(state) == [] and NoticeRule.CLOSURE.tag not in state["ticket"]["tags"]


def test_the_block_goes_once(zendesk):
    """Does reopening and solving again a refused complaint leave a single block?"""
    installed(zendesk)
    tid = agent_closes(zendesk, "refusee")
    for status in ("open", "solved"):
        assert zendesk.api("PUT", f"/api/v2/tickets/{tid}.json", json={"ticket": {"status": status}}).status_code == 200
    assert len(blocks(zendesk.state(tid))) == 1


def test_a_complaint_unanswered_for_two_months_gets_the_block(zendesk):
    """Does the hourly pass add the block to a complaint open for over two months, once, and to no other?"""
    installed(zendesk)
    now = int(zendesk.clock.now)
    old = zendesk.create(subject="Sans réponse", status="open", created_at=now - 63 * DAY)["ticket"]["id"]
    recent = zendesk.create(subject="Récente", status="open", created_at=now - 40 * DAY)["ticket"]["id"]
    answered = zendesk.create(subject="Répondue", status="solved", created_at=now - 70 * DAY)["ticket"]["id"]
    assert zendesk.api("POST", "/_sim/automations/run").status_code == 200
    [block] = blocks(zendesk.state(old))
    assert block["public"] is True and block["body"] == NOTICE.unanswered
    assert block["via"]["source"]["rel"] == "automation"
    assert blocks(zendesk.state(recent)) == [] and blocks(zendesk.state(answered)) == []

    zendesk.clock.now += 25 * DAY  # the recent one passes two months in turn; the old one is not told twice
    zendesk.api("POST", "/_sim/automations/run")
    assert len(blocks(zendesk.state(old))) == 1 and len(blocks(zendesk.state(recent))) == 1


def test_no_rules_without_the_outcome_field(zendesk):
    """Is an installation without the complaint-outcome field refused before any call to Zendesk?"""
    connector = zendesk.connector()
    with pytest.raises(ValueError, match="complaint-outcome field"):
        connector.install_notice_rules(NOTICE)
    assert zendesk.writes() == []


def test_a_copy_made_by_an_administrator_is_named_and_left_alone(zendesk):
    """When an administrator cloned the trigger, is the original the one kept current and the copy only reported?"""
    _, first = installed(zendesk)
    original = zendesk.api("GET", f"/api/v2/triggers/{first[0].rule_id}.json").json()["trigger"]
    copy = {k: original[k] for k in ("description", "conditions", "actions")} | {"title": "Copie", "active": False}
    copy_id = zendesk.api("POST", "/api/v2/triggers.json", json={"trigger": copy}).json()["trigger"]["id"]
    _, again = installed(zendesk)
    assert (again[0].change, again[0].rule_id, again[0].duplicates) == ("unchanged", first[0].rule_id, (str(copy_id),))
    assert zendesk.api("GET", f"/api/v2/triggers/{copy_id}.json").json()["trigger"]["title"] == "Copie"
