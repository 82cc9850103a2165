"""Automation rules of the simulated Freshdesk account, stored, listed and run as Freshdesk runs them
(``/api/v2/automations/{type}/rules``; helpdesk-apis.md §2.6).

- Types 1 (ticket creation), 3 (time triggers) and 4 (ticket updates); list (``link`` pages), create, show,
  update, delete. A rule naming a field, operator or action this simulator does not know is refused with
  Freshdesk's 400, so that a connector's mistake shows.
- Ticket-update rules run after every update an agent makes (``PUT /api/v2/tickets/{id}`` with the agent's
  key, and ``PUT /_sim/tickets/{id}``, which stands for the agent's screen): each active rule whose performer,
  one of its events and its conditions match runs once, in position order.
- Time triggers run on the hourly pass that ``POST /_sim/automations/run`` performs at the simulator's clock,
  over the tickets **updated in the last 30 days** only, as Freshdesk documents.
- ``send_email_to_requester`` sends the e-mail: it is kept per ticket and shown by ``GET /_sim/tickets/{id}``
  under ``emails_to_requester`` (Freshdesk lists it in the ticket's activity, not in its conversation); no
  endpoint takes it back.
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from connectors.freshdesk.simulator_data import DAY, new_conversation
from connectors.freshdesk.simulator_state import (
    CUSTOM_FIELDS,
    AccountState,
    ApiError,
    field_error,
    iso,
    json_response,
    one_of,
    payload,
    validation_failed,
)

TICKET_CREATION, TIME_TRIGGERS, TICKET_UPDATES = 1, 3, 4
AGENT, REQUESTER, AGENT_OR_REQUESTER, SYSTEM = 1, 2, 3, 4
RECENT = 30 * DAY  # time triggers only look at tickets updated this recently
_SET_OPERATORS = {"in", "not_in"}
_FIELD_OPERATORS = {"status": _SET_OPERATORS, "priority": _SET_OPERATORS, "tag_names": _SET_OPERATORS,
                    **{name: _SET_OPERATORS | {"is"} for name in CUSTOM_FIELDS}}
_AGE_OPERATORS = {"greater_than", "less_than"}
_ACTIONS = {"send_email_to_requester", "add_tag", "add_note", "status", "priority"}
_EDITABLE = ("name", "description", "active", "performer", "events", "conditions", "operator", "actions")


class AutomationRules(AccountState):
    """Automation rules over the account state; mixed into :class:`FreshdeskSimulator` first."""

    def __init__(self, agents: dict[int, dict], contacts: dict[int, dict], tickets: dict[int, dict], clock):
        super().__init__(agents, contacts, tickets, clock)
        self.rules: dict[int, dict[int, dict]] = {TICKET_CREATION: {}, TIME_TRIGGERS: {}, TICKET_UPDATES: {}}
        self.emails: dict[int, list[dict]] = {}
        self._next_rule_id = 43_300_000_001

    # --- the API ------------------------------------------------------------------------------------------
    def _api_rules(self, request: Request, type_id: int) -> Response:
        """GET (list, paged) or POST (create) /api/v2/automations/{type}/rules."""
        rules = self._rules_of(type_id)
        if request.method == "POST":
            rule_id, now = self._next_rule_id, int(self.clock())
            self._next_rule_id += 1
            rules[rule_id] = {**_checked(type_id, payload(request)), "id": rule_id, "position": len(rules) + 1,
                              "created_at": now, "updated_at": now}
            return json_response(201, _render(rules[rule_id]))
        page, per_page = request.args.get("page", "1"), request.args.get("per_page", "30")
        errors = [field_error(name, "It should be a Positive Integer less than or equal to 100" if name == "per_page"
                              else "It should be a Positive Integer", "invalid_value")
                  for name, raw in (("page", page), ("per_page", per_page))
                  if not raw.isdigit() or int(raw) < 1 or (name == "per_page" and int(raw) > 100)]
        if errors:
            raise validation_failed(*errors)
        page, per_page = int(page), int(per_page)
        rows = sorted(rules.values(), key=lambda r: (r["position"], r["id"]))
        headers = []
        if page * per_page < len(rows):
            url = f"{self.host}{request.path}?per_page={per_page}&page={page + 1}"
            headers.append(("Link", f'<{url}>; rel="next"'))
        return json_response(200, [_render(r) for r in rows[(page - 1) * per_page : page * per_page]], headers)

    def _api_rule(self, request: Request, type_id: int, rule_id: int) -> Response:
        """GET, PUT or DELETE /api/v2/automations/{type}/rules/{id}."""
        rules = self._rules_of(type_id)
        rule = rules.get(rule_id)
        if rule is None:
            raise ApiError(404, None)
        if request.method == "DELETE":
            del rules[rule_id]
            return Response(b"", 204)
        if request.method == "PUT":
            current = {k: rule[k] for k in _EDITABLE if k in rule}
            rule.update(_checked(type_id, {**current, **payload(request)}), updated_at=int(self.clock()))
        return json_response(200, _render(rule))

    def _sim_run_automations(self, request: Request) -> Response:
        """POST /_sim/automations/run: Freshdesk's hourly pass of the time triggers, now."""
        return json_response(200, {"fired": self.run_time_triggers()})

    def _rules_of(self, type_id: int) -> dict[int, dict]:
        if type_id not in self.rules:
            raise ApiError(404, None)
        return self.rules[type_id]

    def _state(self, ticket: dict) -> dict:
        return {**super()._state(ticket), "emails_to_requester": list(self.emails.get(ticket["id"], ()))}

    # --- running the rules --------------------------------------------------------------------------------
    def _apply(self, ticket: dict, changes: dict) -> bool:
        """Every agent's update goes through here: the change, then the ticket-update rules."""
        before = {"status": ticket["status"], "priority": ticket["priority"], **ticket["custom_fields"]}
        changed = super()._apply(ticket, changes)
        if changed:
            for rule in self._active(TICKET_UPDATES):
                if rule["performer"]["type"] in (AGENT, AGENT_OR_REQUESTER) and self._observed(rule, ticket, before):
                    self._perform(rule, ticket)
        return changed

    def run_time_triggers(self) -> int:
        """The hourly pass over the recently updated tickets; returns how many rules fired."""
        fired, now = 0, self.clock()
        for ticket in list(self.tickets.values()):
            if ticket["archived"] or ticket["deleted"] or ticket["spam"] or now - ticket["updated_at"] > RECENT:
                continue
            for rule in self._active(TIME_TRIGGERS):
                if self._meets(rule, ticket):
                    self._perform(rule, ticket)
                    fired += 1
        return fired

    def _active(self, type_id: int) -> list[dict]:
        return sorted((r for r in self.rules[type_id].values() if r["active"]), key=lambda r: (r["position"], r["id"]))

    def _observed(self, rule: dict, ticket: dict, before: dict) -> bool:
        now = {"status": ticket["status"], "priority": ticket["priority"], **ticket["custom_fields"]}
        def happened(event: dict) -> bool:
            field = event["field_name"]
            return now[field] != before[field] and event.get("from", "--") in ("--", before[field]) \
                and event.get("to", "--") in ("--", now[field])

        return any(happened(e) for e in rule["events"]) and self._meets(rule, ticket)

    def _meets(self, rule: dict, ticket: dict) -> bool:
        results = []
        for condition_set in rule["conditions"]:
            tests = [self._holds(p, ticket) for p in condition_set["properties"]]
            results.append(all(tests) if condition_set["match_type"] == "all" else any(tests))
        if not results:
            return True
        return any(results) if str(rule.get("operator", "AND")).upper() == "OR" else all(results)

    def _holds(self, condition: dict, ticket: dict) -> bool:
        field, operator, value = condition["field_name"], condition["operator"], condition["value"]
        if field == "hours_since_created":
            hours = (self.clock() - ticket["created_at"]) / 3600
            return hours > value if operator == "greater_than" else hours < value
        if field == "tag_names":
            found = any(tag in ticket["tags"] for tag in value)
        else:
            current = ticket[field] if field in ("status", "priority") else ticket["custom_fields"].get(field)
            found = current == value if operator == "is" else current in value
        return not found if operator == "not_in" else found

    def _perform(self, rule: dict, ticket: dict) -> None:
        """The rule's actions, as the helpdesk's own change (no other rule runs on it)."""
        changes: dict = {"tags": list(ticket["tags"])}
        for action in rule["actions"]:
            field = action["field_name"]
            if field == "send_email_to_requester":
                self.emails.setdefault(ticket["id"], []).append({
                    "to": self.contacts[ticket["requester_id"]]["email"], "subject": action["email_subject"],
                    "body": action["email_body"], "rule_id": rule["id"], "sent_at": iso(int(self.clock())),
                })
            elif field == "add_tag":
                changes["tags"] += [t for t in action["value"] if t not in changes["tags"]]
            elif field == "add_note":
                notes = self.conversations_of(ticket)
                notes.append(new_conversation(ticket["id"], len(notes), ticket["responder_id"], str(action["value"]),
                                              True, False, int(self.clock()), []))
            else:  # status, priority
                changes[field] = action["value"]
        super()._apply(ticket, changes)


def _render(rule: dict) -> dict:
    body = {k: rule[k] for k in ("id", "name", "position", "active", *_EDITABLE) if k in rule}
    return {**body, "outdated": False, "created_at": iso(rule["created_at"]), "updated_at": iso(rule["updated_at"])}


def _checked(type_id: int, body: dict) -> dict:
    """The rule's editable part, or Freshdesk's 400 listing every mistake."""
    errors = []
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        errors.append(field_error("name", "Mandatory attribute missing", "missing_field"))
    conditions, actions = body.get("conditions", []), body.get("actions")
    if not isinstance(conditions, list) or not all(_condition_set_ok(c, type_id) for c in conditions):
        errors.append(field_error("conditions", "It should be a list of valid condition sets"))
    if not isinstance(actions, list) or not actions or not all(_action_ok(a) for a in actions):
        errors.append(field_error("actions", one_of(sorted(_ACTIONS))))
    if type_id == TICKET_UPDATES:
        performer, events = body.get("performer"), body.get("events")
        if not isinstance(performer, dict) or performer.get("type") not in (AGENT, REQUESTER, AGENT_OR_REQUESTER,
                                                                           SYSTEM):
            errors.append(field_error("performer", one_of((AGENT, REQUESTER, AGENT_OR_REQUESTER, SYSTEM))))
        if not isinstance(events, list) or not events or not all(
                isinstance(e, dict) and e.get("field_name") in ("status", "priority", *CUSTOM_FIELDS) for e in events):
            errors.append(field_error("events", "It should be a list of events on status, priority or cf_ fields"))
    if errors:
        raise validation_failed(*errors)
    return {k: body[k] for k in _EDITABLE if k in body} | {"active": bool(body.get("active", True))}


def _condition_set_ok(condition_set, type_id: int) -> bool:
    if not isinstance(condition_set, dict) or condition_set.get("match_type") not in ("all", "any"):
        return False
    properties = condition_set.get("properties")
    return isinstance(properties, list) and all(_property_ok(p, type_id) for p in properties)


def _property_ok(condition, type_id: int) -> bool:
    if not isinstance(condition, dict) or condition.get("resource_type") != "ticket" or "value" not in condition:
        return False
    field, operator = condition.get("field_name"), condition.get("operator")
    if field == "hours_since_created":
        return type_id == TIME_TRIGGERS and operator in _AGE_OPERATORS and isinstance(condition["value"], int | float)
    if operator in _SET_OPERATORS and not isinstance(condition["value"], list):
        return False
    return operator in _FIELD_OPERATORS.get(field, ())


def _action_ok(action) -> bool:
    if not isinstance(action, dict) or action.get("field_name") not in _ACTIONS:
        return False
    if action["field_name"] == "send_email_to_requester":
        return all(isinstance(action.get(k), str) and action[k] for k in ("email_subject", "email_body"))
    if action["field_name"] == "add_tag":
        return isinstance(action.get("value"), list) and all(isinstance(t, str) for t in action["value"])
    return "value" in action
