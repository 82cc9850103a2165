"""The mediator's contact block in Freshdesk's closing answers: the two automation rules the connector installs,
run by the simulator over HTTP as Freshdesk runs them (R-HELPDESK-1, L616-1, R616-1)."""

from __future__ import annotations

import pytest

from connectors.freshdesk.notice_rules import email_html
from connectors.freshdesk.simulator_data import FIELD_COMPLAINT_OUTCOME
from connectors.notice import NoticeRule
from tests.connectors import freshdesk_fixtures
from tests.connectors.freshdesk_fixtures import CLOSED, RESOLVED
from tests.connectors.notice_fixtures import IDENTITY, NOTICE

freshdesk = freshdesk_fixtures.freshdesk
start_freshdesk = freshdesk_fixtures.start_freshdesk
pytestmark = pytest.mark.requirement("R-HELPDESK-1")

DAY = 86_400
OPEN = 2


def installed(freshdesk):
    connector = freshdesk.connector(complaint_outcome_field=FIELD_COMPLAINT_OUTCOME,
                                    complaint_outcome_values=["Refusée", "Partielle"])
    return connector, connector.install_notice_rules(NOTICE)


def agent_resolves(freshdesk, outcome: str) -> int:
    """An open complaint, then the agent's update resolving it with ``outcome`` in the outcome field."""
    tid = freshdesk.create(subject="Colis jamais livré", status=OPEN,
                           requester={"name": "Jeanne Dupont", "email": "jeanne.dupont@example.org"})["ticket"]["id"]
    answer = freshdesk.api("PUT", f"/api/v2/tickets/{tid}",
                           json={"status": RESOLVED, "custom_fields": {FIELD_COMPLAINT_OUTCOME: outcome}})
    assert answer.status_code == 200, answer.text
    return tid


def test_installing_twice_keeps_one_rule_of_each_kind(freshdesk):
    """Does a second installation change nothing, and does it put back a rule an administrator altered?"""
    _, first = installed(freshdesk)
    assert [(c.rule, c.change) for c in first] == [(NoticeRule.CLOSURE, "created"), (NoticeRule.UNANSWERED, "created")]
    connector, again = installed(freshdesk)
    assert [c.change for c in again] == ["unchanged", "unchanged"]
    updates = freshdesk.api("GET", "/api/v2/automations/4/rules").json()
    hourly = freshdesk.api("GET", "/api/v2/automations/3/rules").json()
    assert [r["name"] for r in updates] == [NoticeRule.CLOSURE.title]
    assert [r["name"] for r in hourly] == [NoticeRule.UNANSWERED.title]

    freshdesk.api("PUT", f"/api/v2/automations/4/rules/{first[0].rule_id}", json={"active": False})
    assert [c.change for c in connector.install_notice_rules(NOTICE)] == ["updated", "unchanged"]
    [rule] = freshdesk.api("GET", "/api/v2/automations/4/rules").json()
    assert rule["active"] is True and str(rule["id"]) == first[0].rule_id


@pytest.mark.parametrize("outcome", ["Refusée", "Partielle"])
def test_unfavourable_or_partial_closure_mails_the_block(freshdesk, outcome):
    """Does resolving a complaint marked refused (or partial) e-mail the block to the requester, once, kept after
    closure?"""
    installed(freshdesk)
    tid = agent_resolves(freshdesk, outcome)
    state = freshdesk.state(tid)
    [mail] = state["emails_to_requester"]
    assert mail["to"] == "jeanne.dupont@example.org" and mail["subject"] == NOTICE.subject
    assert mail["body"] == email_html(NOTICE.closure)
    assert all(part in mail["body"] for part in IDENTITY)
    assert NoticeRule.CLOSURE.tag in state["ticket"]["tags"]

    assert freshdesk.api("PUT", f"/api/v2/tickets/{tid}", json={"status": CLOSED}).status_code == 200
    after = freshdesk.state(tid)
    assert after["emails_to_requester"] == [mail]  # closing does not send it twice, nor take it back
    assert NoticeRule.CLOSURE.tag in after["ticket"]["tags"]


def test_favourable_closure_sends_nothing(freshdesk):
    """Does a complaint resolved in the customer's favour get no e-mail and no tag?"""
    installed(freshdesk)
    state = freshdesk.state(agent_resolves(freshdesk, "Acceptée"))
    assert state["emails_to_requester"] == [] and NoticeRule.CLOSURE.tag not in state["ticket"]["tags"]


def test_a_complaint_unanswered_for_two_months_gets_the_block(freshdesk):
    """Does the hourly pass mail the block to a complaint open for over two months, once, and to no other?"""
    installed(freshdesk)
    now = int(freshdesk.clock.now)
    old = freshdesk.create(subject="Sans réponse", status=OPEN, created_at=now - 63 * DAY,
                           updated_at=now - 5 * DAY)["ticket"]["id"]
    recent = freshdesk.create(subject="Récente", status=OPEN, created_at=now - 40 * DAY)["ticket"]["id"]
    answered = freshdesk.create(subject="Répondue", status=RESOLVED, created_at=now - 70 * DAY)["ticket"]["id"]
    assert freshdesk.api("POST", "/_sim/automations/run").status_code == 200
    [mail] = freshdesk.state(old)["emails_to_requester"]
    assert mail["body"] == email_html(NOTICE.unanswered)
    assert freshdesk.state(recent)["emails_to_requester"] == []
    assert freshdesk.state(answered)["emails_to_requester"] == []
    freshdesk.api("POST", "/_sim/automations/run")
    assert len(freshdesk.state(old)["emails_to_requester"]) == 1


def test_time_triggers_miss_a_complaint_nobody_touched_for_thirty_days(freshdesk):
    """Freshdesk's documented limit, shown: is a complaint left untouched since it was filed two months ago skipped?"""
    installed(freshdesk)
    now = int(freshdesk.clock.now)
    forgotten = freshdesk.create(subject="Oubliée", status=OPEN, created_at=now - 63 * DAY,
                                 updated_at=now - 63 * DAY)["ticket"]["id"]
    freshdesk.api("POST", "/_sim/automations/run")
    assert freshdesk.state(forgotten)["emails_to_requester"] == []


def test_no_rules_without_the_outcome_field(freshdesk):
    """Is an installation without the complaint-outcome field refused before any call to Freshdesk?"""
    with pytest.raises(ValueError, match="complaint-outcome field"):
        freshdesk.connector().install_notice_rules(NOTICE)
    assert freshdesk.writes() == []
