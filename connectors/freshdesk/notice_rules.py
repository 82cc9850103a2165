"""The Freshdesk automation rules that send the mediator's contact block to the customer (R-HELPDESK-1, R-ADM-4).

Freshdesk has three kinds of automation rules, each under ``/api/v2/automations/{type}/rules``: 1 on ticket
creation, 3 time triggers (hourly), 4 on ticket updates. Two rules are installed:

- a **ticket-update rule** (4): when an agent resolves or closes the ticket, or records its outcome, and the
  complaint-outcome field holds an unfavourable or partial value;
- a **time trigger** (3): a complaint still unresolved ``unanswered_hours`` after it was created.

Both send the block to the requester (``send_email_to_requester``) and tag the ticket, which their
conditions exclude, so that it goes once. Freshdesk's automation actions have no public note, only a
private one, and a customer must read the block: the e-mail is the public answer here. Once sent, no agent
can take it back; the tag shows agents that it went.

Limits, from Freshdesk's own articles: time triggers only look at tickets **updated in the last 30 days**,
so a complaint nobody touched for two months is not reached by the second rule. UNVERIFIED: the JSON keys of
the e-mail action (``email_subject``, ``email_body``, named after Freshdesk's rule engine), of the tag
condition (``tag_names``) and of the age condition (``hours_since_created``); test them in a sandbox.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from connectors.base import HelpdeskProtocolError
from connectors.http import next_link
from connectors.notice import MediatorNotice, NoticeRule, RuleChange, reconcile

Call = Callable[..., tuple]
TICKET_UPDATES, TIME_TRIGGERS = 4, 3
RESOLVED, CLOSED = 4, 5
AGENT = 1  # performer type: the rule listens to what agents do
_TYPES = {NoticeRule.CLOSURE: TICKET_UPDATES, NoticeRule.UNANSWERED: TIME_TRIGGERS}


def closure_rule(notice: MediatorNotice, field: str, values: Sequence[str]) -> dict:
    """The ticket-update rule: resolved or closed with an unfavourable outcome, not yet told."""
    rule = NoticeRule.CLOSURE
    return {
        "name": rule.title,
        "description": rule.description,
        "active": True,
        "performer": {"type": AGENT},
        "events": [
            {"field_name": "status", "from": "--", "to": RESOLVED},
            {"field_name": "status", "from": "--", "to": CLOSED},
            {"field_name": field, "from": "--", "to": "--"},
        ],
        "conditions": [_conditions(
            _property("status", "in", [RESOLVED, CLOSED]),
            _property(field, "in", list(values)),
            _property("tag_names", "not_in", [rule.tag]),
        )],
        "actions": _actions(notice, rule),
    }


def unanswered_rule(notice: MediatorNotice) -> dict:
    """The time trigger: not resolved ``unanswered_hours`` after creation, not yet told."""
    rule = NoticeRule.UNANSWERED
    return {
        "name": rule.title,
        "description": rule.description,
        "active": True,
        "conditions": [_conditions(
            _property("status", "not_in", [RESOLVED, CLOSED]),
            _property("hours_since_created", "greater_than", notice.unanswered_hours),
            _property("tag_names", "not_in", [rule.tag]),
        )],
        "actions": _actions(notice, rule),
    }


def email_html(text: str) -> str:
    """The block as the HTML body Freshdesk e-mails: escaped, one line per line."""
    return "<br>".join(html.escape(line, quote=False) for line in text.splitlines())


def install(call: Call, notice: MediatorNotice, field: str, values: Sequence[str]) -> list[RuleChange]:
    """Create each rule, or update the one found by its marker when it no longer says what it should."""
    wanted = {NoticeRule.CLOSURE: closure_rule(notice, field, values), NoticeRule.UNANSWERED: unanswered_rule(notice)}
    return [_install_one(call, rule, body) for rule, body in wanted.items()]


def _install_one(call: Call, rule: NoticeRule, body: dict) -> RuleChange:
    path = f"/api/v2/automations/{_TYPES[rule]}/rules"

    def create(wanted: dict):
        _, _, created = call("POST", path, json=wanted)
        if not isinstance(created, dict) or "id" not in created:
            raise HelpdeskProtocolError(f"creating an automation rule answered without it: {str(created)[:200]}")
        return created["id"]

    def update(rule_id, wanted: dict) -> None:
        call("PUT", f"{path}/{rule_id}", json=wanted)

    return reconcile(rule, body, _list(call, path), create=create, update=update)


def _list(call: Call, path: str) -> list[dict]:
    """Every rule of one kind, following the ``link`` header."""
    rules: list[dict] = []
    url, params = path, {"per_page": 100}
    while url:
        _, headers, page = call("GET", url, params=params)
        if not isinstance(page, list):
            raise HelpdeskProtocolError(f"GET {path} answered without a list of rules")
        rules += page
        url, params = next_link(headers), None
    return rules


def _conditions(*properties: dict) -> dict:
    return {"name": "condition_set_1", "match_type": "all", "properties": list(properties)}


def _property(field: str, operator: str, value) -> dict:
    return {"resource_type": "ticket", "field_name": field, "operator": operator, "value": value}


def _actions(notice: MediatorNotice, rule: NoticeRule) -> list[dict]:
    return [
        {"field_name": "send_email_to_requester", "email_subject": notice.subject,
         "email_body": email_html(notice.text(rule))},
        {"field_name": "add_tag", "value": [rule.tag]},
    ]
