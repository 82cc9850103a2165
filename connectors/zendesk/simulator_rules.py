"""Business rules of the simulated Zendesk account: triggers and automations, stored, listed and run as Zendesk
runs them (the Triggers and Automations APIs; helpdesk-apis.md §1.2 for what a closed ticket allows).

- ``/api/v2/triggers`` and ``/api/v2/automations``: list (offset pages, ``next_page``), create, show, update
  (conditions and actions are replaced together, as Zendesk documents), delete; writes are for admins. A rule
  using a condition or action this simulator does not know is refused with Zendesk's 422, so that a
  connector's mistake shows; automations must hold a time condition, a status condition and a nullifying
  action, as Zendesk requires.
- Triggers run inside every ticket update (API, bulk job, ``/_sim``), except on a ticket that was already
  closed: active triggers in position order, each at most once per update, the cycle starting again after each
  firing. Automations run on Zendesk's hourly pass, which ``POST /_sim/automations/run`` performs at the
  simulator's clock; closed tickets are never looked at, and their updates fire triggers in turn.
- A comment a rule adds is authored by the ticket's assignee and carries ``via.channel = "rule"`` with the
  rule's id and title, as Zendesk shows it.
"""

from __future__ import annotations

import re

from werkzeug.wrappers import Request, Response

from connectors.zendesk.simulator_data import new_comment
from connectors.zendesk.simulator_state import (
    NOT_FOUND,
    STATUSES,
    AccountState,
    ApiError,
    int_arg,
    iso,
    json_response,
    payload,
)

SINGULAR = {"triggers": "trigger", "automations": "automation"}
_ORDER = {status: rank for rank, status in enumerate(STATUSES)}
_OPERATORS = {
    "status": {"is", "is_not", "less_than", "greater_than", "changed", "value", "value_previous", "not_changed"},
    "priority": {"is", "is_not"},
    "current_tags": {"includes", "not_includes"},
    "update_type": {"is"},
}
_CUSTOM_FIELD = re.compile(r"^custom_fields_(\d+)$")
_CUSTOM_OPERATORS = {"is", "is_not", "present", "not_present"}
_TIME_FIELDS = {"NEW": "created_at"}  # hours since the ticket was created
_TIME_OPERATORS = {"is", "less_than", "greater_than"}
_ACTIONS = {"status", "priority", "current_tags", "remove_tags", "set_tags", "reply_public", "reply_internal"}
_OWNER_FIELDS = {"status", "type", "group_id", "assignee_id", "requester_id"}
_FORBIDDEN = {"error": "Forbidden", "description": "You do not have access to this page."}


def _invalid(message: str) -> ApiError:
    return ApiError(422, {"error": "RecordInvalid", "description": "Record validation errors",
                          "details": {"base": [{"description": message}]}})


class BusinessRules(AccountState):
    """Triggers and automations over the account state; mixed into :class:`ZendeskSimulator` first."""

    def __init__(self, users: dict[int, dict], tickets: dict[int, dict], clock):
        super().__init__(users, tickets, clock)
        self.rules: dict[str, dict[int, dict]] = {"triggers": {}, "automations": {}}
        self._next_rule_id = 360_200_001

    # --- the API ------------------------------------------------------------------------------------------
    def _api_triggers(self, request: Request, user: dict) -> Response:
        """GET (list) or POST (create) /api/v2/triggers.json."""
        return self._collection(request, user, "triggers")

    def _api_trigger(self, request: Request, user: dict, rule_id: int) -> Response:
        """GET, PUT or DELETE /api/v2/triggers/{id}.json."""
        return self._member(request, user, "triggers", rule_id)

    def _api_automations(self, request: Request, user: dict) -> Response:
        """GET (list) or POST (create) /api/v2/automations.json."""
        return self._collection(request, user, "automations")

    def _api_automation(self, request: Request, user: dict, rule_id: int) -> Response:
        """GET, PUT or DELETE /api/v2/automations/{id}.json."""
        return self._member(request, user, "automations", rule_id)

    def _sim_run_automations(self, request: Request) -> Response:
        """POST /_sim/automations/run: Zendesk's hourly automation pass, now."""
        return json_response(200, {"fired": self.run_automations()})

    def _collection(self, request: Request, user: dict, kind: str) -> Response:
        if request.method == "POST":
            _admin(user)
            rule = self._checked(kind, payload(request, SINGULAR[kind]))
            rule_id, now = self._next_rule_id, int(self.clock())
            self._next_rule_id += 1
            stored = {**rule, "id": rule_id, "position": len(self.rules[kind]) + 1, "created_at": now,
                      "updated_at": now}
            self.rules[kind][rule_id] = stored
            return json_response(201, {SINGULAR[kind]: self._render_rule(kind, stored)})
        rows = sorted(self.rules[kind].values(), key=lambda r: (r["position"], r["id"]))
        per_page, page = int_arg(request, "per_page", 100, 100), int_arg(request, "page", 1, 10_000)
        chunk = rows[(page - 1) * per_page : page * per_page]
        more = page * per_page < len(rows)
        base = f"{self.host}/api/v2/{kind}.json?per_page={per_page}&page="
        return json_response(200, {kind: [self._render_rule(kind, r) for r in chunk], "count": len(rows),
                                   "next_page": f"{base}{page + 1}" if more else None,
                                   "previous_page": f"{base}{page - 1}" if page > 1 else None})

    def _member(self, request: Request, user: dict, kind: str, rule_id: int) -> Response:
        rule = self.rules[kind].get(rule_id)
        if rule is None:
            raise ApiError(404, NOT_FOUND)
        if request.method == "GET":
            return json_response(200, {SINGULAR[kind]: self._render_rule(kind, rule)})
        _admin(user)
        if request.method == "DELETE":
            del self.rules[kind][rule_id]
            return Response(status=204)
        changes = payload(request, SINGULAR[kind])
        if "conditions" in changes or "actions" in changes:  # Zendesk replaces both arrays together
            changes = {"conditions": {"all": [], "any": []}, "actions": [], **changes}
        editable = {k: rule[k] for k in ("title", "description", "active", "conditions", "actions")}
        rule.update(self._checked(kind, {**editable, **changes}), updated_at=int(self.clock()))
        return json_response(200, {SINGULAR[kind]: self._render_rule(kind, rule)})

    def _render_rule(self, kind: str, rule: dict) -> dict:
        return {"url": f"{self.host}/api/v2/{kind}/{rule['id']}.json", "id": rule["id"], "title": rule["title"],
                "raw_title": rule["title"], "description": rule["description"], "active": rule["active"],
                "default": False, "position": rule["position"], "conditions": rule["conditions"],
                "actions": rule["actions"], "created_at": iso(rule["created_at"]),
                "updated_at": iso(rule["updated_at"])}

    def _checked(self, kind: str, body: dict) -> dict:
        """The rule's editable part, or Zendesk's 422 naming what is wrong."""
        title, conditions, actions = body.get("title"), body.get("conditions"), body.get("actions")
        if not isinstance(title, str) or not title.strip():
            raise _invalid("Title: cannot be blank")
        if not isinstance(conditions, dict) or not isinstance(actions, list) or not actions:
            raise _invalid("Rule must have conditions (all, any) and at least one action")
        both = {"all": list(conditions.get("all") or []), "any": list(conditions.get("any") or [])}
        for condition in both["all"] + both["any"]:
            _check_condition(condition, kind)
        for action in actions:
            if not isinstance(action, dict) or action.get("field") not in _ACTIONS:
                raise _invalid(f"Invalid action: {action!r}")
        if kind == "automations":
            _check_automation(both["all"], actions)
        return {"title": title, "description": body.get("description"), "active": bool(body.get("active", True)),
                "conditions": both, "actions": actions}

    # --- running the rules --------------------------------------------------------------------------------
    def _apply(self, ticket: dict, changes: dict, author_id: int) -> bool:
        """Every ticket update goes through here: the change, then the trigger cycle (not on closed tickets)."""
        before = _snapshot(ticket)
        changed = super()._apply(ticket, changes, author_id)
        if changed and before["status"] != "closed":
            self.run_triggers(ticket, before, "Change")
        return changed

    def _sim_create(self, request: Request) -> Response:
        """``POST /_sim/tickets`` creates the ticket, then runs the triggers on its creation."""
        super()._sim_create(request)
        ticket = self.tickets[max(self.tickets)]
        self.run_triggers(ticket, None, "Create")
        return json_response(201, self._state(ticket))

    def run_triggers(self, ticket: dict, before: dict | None, update_type: str) -> None:
        """Zendesk's trigger cycle for one update: fire the first matching trigger, then start again."""
        fired: set[int] = set()
        while True:
            for rule in self._active("triggers"):
                if rule["id"] not in fired and self._matches(rule, ticket, before, update_type):
                    fired.add(rule["id"])
                    self._perform(rule, "trigger", ticket)
                    break
            else:
                return

    def run_automations(self) -> int:
        """The hourly pass: every active automation against every open ticket; returns how many fired."""
        fired = 0
        for ticket in list(self.tickets.values()):
            for rule in self._active("automations"):
                if ticket["deleted"] or ticket["status"] == "closed":
                    break
                before = _snapshot(ticket)
                if self._matches(rule, ticket, before, "Change"):
                    self._perform(rule, "automation", ticket)
                    self.run_triggers(ticket, before, "Change")
                    fired += 1
        return fired

    def _active(self, kind: str) -> list[dict]:
        return sorted((r for r in self.rules[kind].values() if r["active"]), key=lambda r: (r["position"], r["id"]))

    def _matches(self, rule: dict, ticket: dict, before: dict | None, update_type: str) -> bool:
        conditions = rule["conditions"]
        test = [self._holds(c, ticket, before, update_type) for c in conditions["any"]]
        return all(self._holds(c, ticket, before, update_type) for c in conditions["all"]) and (not test or any(test))

    def _holds(self, condition: dict, ticket: dict, before: dict | None, update_type: str) -> bool:
        field, operator, value = condition["field"], condition["operator"], condition.get("value")
        if field in _TIME_FIELDS:
            hours, limit = (self.clock() - ticket[_TIME_FIELDS[field]]) / 3600, float(value)
            return {"is": int(hours) == int(limit), "less_than": hours < limit, "greater_than": hours > limit}[operator]
        if field == "update_type":
            return update_type == value
        if field == "current_tags":
            present = any(tag in ticket["tags"] for tag in str(value).split())
            return present if operator == "includes" else not present
        custom = _CUSTOM_FIELD.match(field)
        if custom:
            current = ticket["custom_fields"].get(int(custom.group(1)))
            return {"is": str(current) == str(value), "is_not": str(current) != str(value),
                    "present": current not in (None, ""), "not_present": current in (None, "")}[operator]
        current, previous = ticket[field], (before or {}).get(field)
        return _compare(operator, current, previous, value, ordered=field == "status")

    def _perform(self, rule: dict, kind: str, ticket: dict) -> None:
        """The rule's actions, on the ticket, in one change authored by its assignee."""
        author = ticket["assignee_id"] or 2
        tags, changes = list(ticket["tags"]), {}
        for action in rule["actions"]:
            field, value = action["field"], action.get("value")
            if field in ("status", "priority"):
                changes[field] = value
            elif field in ("current_tags", "set_tags", "remove_tags"):
                words = str(value).split()
                tags = {"current_tags": tags + [t for t in words if t not in tags], "set_tags": words,
                        "remove_tags": [t for t in tags if t not in words]}[field]
            else:  # reply_public, reply_internal
                comments = self.comments_of(ticket)
                comment = new_comment(ticket["id"], len(comments), author, str(value), field == "reply_public",
                                      int(self.clock()), [])
                via = {"from": {"id": rule["id"], "title": rule["title"], "deleted": False}, "to": {}, "rel": kind}
                comments.append({**comment, "via": {"channel": "rule", "source": via}})
                self._touch(ticket)
        # The base update, not this class's: a rule's own changes are part of the cycle that runs it.
        super()._apply(ticket, {**changes, "tags": tags}, author)


def _admin(user: dict) -> None:
    if user["role"] != "admin":
        raise ApiError(403, _FORBIDDEN)


def _snapshot(ticket: dict) -> dict:
    return {"status": ticket["status"], "priority": ticket["priority"]}


def _compare(operator: str, current, previous, value, *, ordered: bool) -> bool:
    rank = _ORDER.get if ordered else (lambda v: v)
    return {
        "is": current == value, "is_not": current != value,
        "less_than": ordered and rank(current) < rank(value), "greater_than": ordered and rank(current) > rank(value),
        "changed": current != previous, "not_changed": current == previous,
        "value": current == value and previous != current, "value_previous": previous == value and previous != current,
    }[operator]


def _check_condition(condition, kind: str) -> None:
    if not isinstance(condition, dict) or not isinstance(condition.get("field"), str):
        raise _invalid(f"Invalid condition: {condition!r}")
    field, operator = condition["field"], condition.get("operator")
    if field in _TIME_FIELDS:
        allowed = _TIME_OPERATORS if kind == "automations" else set()
    elif _CUSTOM_FIELD.match(field):
        allowed = _CUSTOM_OPERATORS
    else:
        allowed = _OPERATORS.get(field, set())
    if operator not in allowed:
        raise _invalid(f"Invalid condition: {field} {operator}")
    if field == "status" and operator in {"is", "is_not", "less_than", "greater_than"} \
            and condition.get("value") not in STATUSES:
        raise _invalid(f"Invalid condition value: status {condition.get('value')!r}")


def _check_automation(conditions: list[dict], actions: list[dict]) -> None:
    """Zendesk's own rules for automations: a time condition, an owner condition, and a way to stop firing."""
    if not any(c["field"] in _TIME_FIELDS for c in conditions):
        raise _invalid("Automation must have at least one time-based condition")
    if not any(c["field"] in _OWNER_FIELDS for c in conditions):
        raise _invalid("Automation must check status, type, group, assignee or requester")
    added = {t for a in actions if a["field"] == "current_tags" for t in str(a.get("value")).split()}
    nullified = any(c["field"] == "current_tags" and c["operator"] == "not_includes" and str(c.get("value")) in added
                    for c in conditions) or any(a["field"] == "status" for a in actions)
    if not nullified:
        raise _invalid("Automation must have a condition that is true only once or an action that nullifies one")
