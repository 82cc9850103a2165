"""The endpoints of the Freshdesk simulator: the ``/api/v2`` subset (helpdesk-apis.md §2.3–2.8) and the
simulator-only ``/_sim`` control routes used by tests and the demo.

Each handler takes the werkzeug request and returns a response, or raises :class:`ApiError` carrying
the vendor's error body.
"""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from connectors.freshdesk.simulator_data import (
    AGENT_BASE,
    ATTACHMENT_BASE,
    CONTACT_BASE,
    DAY,
    FIELD_COMPLAINT_OUTCOME,
    FIELD_MEDIATION_LABEL,
    FIELD_MEDIATION_REQUEST,
    FIELD_MOTIF,
    email_for,
    make_person,
    new_conversation,
)
from connectors.freshdesk.simulator_state import (
    INVALID_FIELD,
    AccountState,
    ApiError,
    check_update,
    field_error,
    json_response,
    one_of,
    parse_time,
    payload,
    validation_failed,
)

LIST_PARAMS = (
    "updated_since", "order_by", "order_type", "page", "per_page", "include", "filter", "requester_id", "email",
)  # fmt: skip
ORDER_BY = ("created_at", "due_by", "updated_at", "status")
LIST_INCLUDES = ("requester", "stats", "description")
VIEW_INCLUDES = ("conversations", "requester", "company", "stats")
FILTERS = ("new_and_my_open", "watching", "spam", "deleted")
WALL_MESSAGE = "You cannot access tickets beyond the 300th page"
DEFAULT_WINDOW = 30 * DAY  # without updated_since, only tickets created in the last 30 days (§2.3)
_MAX_CONVERSATIONS = 999  # conversation ids are ticket_id * 1000 + index
_SIM_FLAGS = ("archived", "deleted", "spam")


def _positive(request: Request, name: str, default: int, high: int | None, errors: list[dict]) -> int:
    raw = request.args.get(name, str(default))
    if not raw.isdigit() or int(raw) < 1:
        errors.append(field_error(name, "It should be a Positive Integer", "datatype_mismatch"))
        return 1
    if high is not None and int(raw) > high:
        errors.append(field_error(name, f"It should be a Positive Integer less than or equal to {high}"))
    return int(raw)


def _since(raw: str | None, errors: list[dict]) -> int | None:
    if raw is None:
        return None
    try:
        return parse_time(raw, "updated_since")
    except ApiError:
        errors.append(field_error("updated_since", "It should be in the 'valid date time' format"))
        return None


def _includes(request: Request, allowed, errors: list[dict]) -> list[str]:
    names = [n for n in request.args.get("include", "").split(",") if n]
    if any(n not in allowed for n in names):
        errors.append(field_error("include", one_of(allowed)))
    return names


class FreshdeskApi(AccountState):
    """Request handlers over the account state; :class:`FreshdeskSimulator` routes HTTP to them."""

    def _api_list(self, request: Request) -> Response:
        """GET /api/v2/tickets: filters, order, page/per_page (≤ 100), include, the link header and the wall."""
        args, errors = request.args, []
        errors += [field_error(k, INVALID_FIELD, "invalid_field") for k in args if k not in LIST_PARAMS]
        per_page = _positive(request, "per_page", 30, 100, errors)
        page = _positive(request, "page", 1, None, errors)
        order_by, order_type = args.get("order_by", "created_at"), args.get("order_type", "desc")
        if order_by not in ORDER_BY:
            errors.append(field_error("order_by", one_of(ORDER_BY)))
        if order_type not in ("asc", "desc"):
            errors.append(field_error("order_type", one_of(("asc", "desc"))))
        include = _includes(request, LIST_INCLUDES, errors)
        if "filter" in args and args["filter"] not in FILTERS:
            errors.append(field_error("filter", one_of(FILTERS)))
        since = _since(args.get("updated_since"), errors)
        if errors:
            raise validation_failed(*errors)
        if page > self.max_pages:
            raise validation_failed(field_error("page", WALL_MESSAGE))
        rows = [t for t in self.tickets.values() if self._listed(t, args, since)]
        keys = {"due_by": lambda t: t["created_at"] + 3 * DAY}
        key = keys.get(order_by, lambda t: t[order_by])
        rows.sort(key=lambda t: (key(t), t["id"]), reverse=order_type == "desc")
        chunk = rows[(page - 1) * per_page : page * per_page]
        headers = []
        if page * per_page < len(rows):
            query = urlencode({**args.to_dict(), "page": page + 1})
            headers.append(("Link", f'<{self.host}{request.path}?{query}>; rel="next"'))
        return json_response(200, [self.render_ticket(t, include, listing=True) for t in chunk], headers)

    def _listed(self, ticket: dict, args, since: int | None) -> bool:
        """Archived tickets are never listed; deleted and spam ones only through their filter."""
        wanted = args.get("filter")
        if ticket["archived"] or ticket["spam"] != (wanted == "spam"):
            return False
        if ticket["deleted"] != (wanted == "deleted"):
            return False
        if wanted == "watching":
            return False  # the API's agent watches no ticket
        if wanted == "new_and_my_open" and (ticket["status"] != 2 or ticket["responder_id"] is not None):
            return False  # new (unassigned) open tickets: the API's agent has none of its own
        if "requester_id" in args and str(ticket["requester_id"]) != args["requester_id"]:
            return False
        if "email" in args and self.contacts[ticket["requester_id"]]["email"] != args["email"]:
            return False
        if since is None:
            return ticket["created_at"] >= int(self.clock()) - DEFAULT_WINDOW
        # Inclusive: whether Freshdesk's filter is inclusive is UNVERIFIED; the connector copes with either.
        return ticket["updated_at"] >= since

    def _api_ticket(self, request: Request, ticket_id: int) -> Response:
        """GET /api/v2/tickets/{id} (include) or PUT (tags replace, custom_fields merge); 404 once archived."""
        ticket = self._ticket(ticket_id)
        if request.method == "GET":
            errors: list[dict] = []
            include = _includes(request, VIEW_INCLUDES, errors)
            if errors:
                raise validation_failed(*errors)
            body = self.render_ticket(ticket, include)
            if "conversations" in include:
                first = self.conversations_of(ticket)[:10]
                body["conversations"] = [self.render_conversation(c, ticket) for c in first]
            return json_response(200, body)
        if ticket["deleted"] or ticket["spam"]:
            raise ApiError(405, {"message": "PUT method is not allowed on a spam or deleted ticket"})
        changes = payload(request)
        errors = check_update(changes)
        if errors:
            raise validation_failed(*errors)
        self._apply(ticket, changes)
        return json_response(200, self.render_ticket(ticket))

    def _api_conversations(self, request: Request, ticket_id: int) -> Response:
        """GET /api/v2/tickets/{id}/conversations, paged (per_page ≤ 100) with the link header."""
        return self._page_conversations(request, self._ticket(ticket_id))

    def _api_archived(self, request: Request, ticket_id: int) -> Response:
        """GET /api/v2/tickets/archived/{id}: an archived ticket, read-only (``archived: true``)."""
        return json_response(200, self.render_ticket(self._ticket(ticket_id, archived=True)))

    def _api_archived_conversations(self, request: Request, ticket_id: int) -> Response:
        """GET /api/v2/tickets/archived/{id}/conversations."""
        return self._page_conversations(request, self._ticket(ticket_id, archived=True))

    def _page_conversations(self, request: Request, ticket: dict) -> Response:
        errors: list[dict] = []
        per_page = _positive(request, "per_page", 30, 100, errors)
        page = _positive(request, "page", 1, None, errors)
        if errors:
            raise validation_failed(*errors)
        conversations = self.conversations_of(ticket)
        chunk = conversations[(page - 1) * per_page : page * per_page]
        headers = []
        if page * per_page < len(conversations):
            query = urlencode({**request.args.to_dict(), "page": page + 1})
            headers.append(("Link", f'<{self.host}{request.path}?{query}>; rel="next"'))
        return json_response(200, [self.render_conversation(c, ticket) for c in chunk], headers)

    def _api_agent(self, request: Request, user_id: int) -> Response:
        """GET /api/v2/agents/{id}."""
        if user_id not in self.agents:
            raise ApiError(404, None)
        return json_response(200, self.render_agent(self.agents[user_id]))

    def _api_contact(self, request: Request, user_id: int) -> Response:
        """GET /api/v2/contacts/{id}."""
        if user_id not in self.contacts:
            raise ApiError(404, None)
        return json_response(200, self.render_contact(self.contacts[user_id]))

    def _sim_create(self, request: Request) -> Response:
        """POST /_sim/tickets: a ticket with the given fields and conversation (no auth, no limits)."""
        return json_response(201, self._state(self._create(payload(request))))

    def _sim_bulk(self, request: Request) -> Response:
        """POST /_sim/bulk: ``count`` tickets sharing ``updated_at`` (one value, or a list split in equal runs)."""
        data = payload(request)
        count = data.pop("count", 0)
        stamps = data.pop("updated_at", int(self.clock()))
        stamps = stamps if isinstance(stamps, list) and stamps else [stamps]
        if not isinstance(count, int) or not 1 <= count <= 50_000:
            raise validation_failed(field_error("count", "It should be between 1 and 50000"))
        data.setdefault("requester_id", self._contact(data.pop("requester", None) or {}))  # one for the batch
        ids = [self._create({**data, "updated_at": stamps[i * len(stamps) // count]})["id"] for i in range(count)]
        return json_response(201, {"ids": ids})

    def _create(self, data: dict) -> dict:
        now = int(self.clock())
        errors = check_update({k: data[k] for k in ("status", "priority", "tags", "custom_fields") if k in data})
        conversations = data.get("conversations") or []
        if data.get("archived") and data.get("status") != 5:
            errors.append(field_error("status", "Only closed tickets are archived"))
        if "requester_id" in data and data["requester_id"] not in self.contacts:
            errors.append(field_error("requester_id", "There is no contact matching the given requester_id"))
        if len(conversations) > _MAX_CONVERSATIONS:
            errors.append(field_error("conversations", f"At most {_MAX_CONVERSATIONS} in this simulator"))
        if errors:
            raise validation_failed(*errors)
        tid = self.last_id = self.last_id + 1
        requester_id = data.get("requester_id") or self._contact(data.get("requester") or {})
        updated_at = parse_time(data.get("updated_at", now))
        created_at = parse_time(data.get("created_at", min(now, updated_at)), "created_at")
        status = data.get("status", 2)
        fields = {FIELD_MOTIF: None, FIELD_MEDIATION_REQUEST: None, FIELD_MEDIATION_LABEL: None,
                  FIELD_COMPLAINT_OUTCOME: None}
        files = enumerate(data.get("attachments", []))
        attachments = [{"id": ATTACHMENT_BASE + tid * 10_000 + k, **a} for k, a in files]
        ticket = self.tickets[tid] = {
            "id": tid, "subject": data.get("subject", "Réclamation"),
            "description_text": data.get("description", data.get("subject", "Réclamation")),
            "status": status, "priority": data.get("priority", 2), "source": data.get("source", 2),
            "type": data.get("type", "Réclamation"), "requester_id": requester_id,
            "responder_id": data.get("responder_id", AGENT_BASE + 1), "tags": list(dict.fromkeys(data.get("tags", []))),
            "custom_fields": {**fields, **data.get("custom_fields", {})}, "attachments": attachments,
            "created_at": created_at, "updated_at": updated_at, "first_responded_at": None,
            "resolved_at": updated_at if status in (4, 5) else None, "closed_at": updated_at if status == 5 else None,
            **{flag: bool(data.get(flag, False)) for flag in _SIM_FLAGS},
        }  # fmt: skip
        self._conversations[tid] = [
            new_conversation(
                tid, i, requester_id if c.get("author", "requester") == "requester" else ticket["responder_id"],
                c["body"], c.get("private", False), c.get("incoming", c.get("author", "requester") == "requester"),
                created_at + i + 1, c.get("attachments", []),
            )
            for i, c in enumerate(conversations)
        ]  # fmt: skip
        return ticket

    def _sim_ticket(self, request: Request, ticket_id: int) -> Response:
        """GET /_sim/tickets/{id}: full state; PUT: status (or "archived"/"deleted"/"spam"), tags, fields…"""
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise ApiError(404, None)
        if request.method == "PUT":
            data = payload(request)
            flags = {name: bool(data[name]) for name in _SIM_FLAGS if name in data}
            if data.get("status") in _SIM_FLAGS:
                flags[data.pop("status")] = True
            changes = {k: v for k, v in data.items() if k not in ("updated_at", *_SIM_FLAGS)}
            errors = check_update(changes)
            if flags.get("archived") and changes.get("status", ticket["status"]) != 5:
                errors.append(field_error("status", "Only closed tickets are archived"))
            if errors:
                raise validation_failed(*errors)
            self._apply(ticket, changes)
            ticket.update(flags)  # archiving, deleting or flagging as spam is not an activity of the ticket
            if "updated_at" in data:
                ticket["updated_at"] = parse_time(data["updated_at"])
        return json_response(200, self._state(ticket))

    def _state(self, ticket: dict) -> dict:
        return {
            "ticket": self.render_ticket(ticket, ("requester", "stats")),
            **{flag: ticket[flag] for flag in _SIM_FLAGS},
            "conversations": [self.render_conversation(c, ticket) for c in self.conversations_of(ticket)],
        }

    def _contact(self, spec: dict) -> int:
        email = spec.get("email") or email_for("client test", "example.org", len(self.contacts) + 1)
        for uid, person in self.contacts.items():
            if person["email"] == email:
                return uid
        uid = max(self.contacts, default=CONTACT_BASE) + 1
        self.contacts[uid] = make_person(uid, spec.get("name", "Client Test"), email)
        return uid
