"""State of a simulated Freshdesk account: tickets, contacts, agents and conversations, the rules that
guard their changes, and their JSON shapes (helpdesk-apis.md §2.2, §2.4, §2.7, §2.8).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from werkzeug.wrappers import Request, Response

from connectors.freshdesk.simulator_data import (
    DAY,
    FIELD_CHOICES,
    FIELD_COMPLAINT_OUTCOME,
    FIELD_MEDIATION_LABEL,
    FIELD_MEDIATION_REQUEST,
    FIELD_MOTIF,
    GROUP_ID,
    STATUSES,
    seed_conversation,
)

CUSTOM_FIELDS = (FIELD_MOTIF, FIELD_MEDIATION_REQUEST, FIELD_MEDIATION_LABEL, FIELD_COMPLAINT_OUTCOME)
SUPPORT_EMAIL = "boutique@example.com"
# Fields a PUT /tickets/{id} may carry in this simulator (a subset of Freshdesk's); others are invalid_field.
UPDATABLE = ("subject", "description", "status", "priority", "type", "tags", "custom_fields", "responder_id")
INVALID_FIELD = "Unexpected/invalid field in request"
ACCOUNT_CREATED = 1_672_531_200  # 2023-01-01, when the simulated contacts and agents were created


class ApiError(Exception):
    """An error answer, in the vendor's shape (``body`` None: an empty body, as for Freshdesk's 404)."""

    def __init__(self, status: int, body: dict | None, headers: list[tuple[str, str]] | None = None):
        super().__init__(status)
        self.response = json_response(status, body, headers) if body is not None else Response(b"", status, headers)


def json_response(status: int, body, headers: list[tuple[str, str]] | None = None) -> Response:
    """A JSON answer as Freshdesk sends it."""
    return Response(
        json.dumps(body, ensure_ascii=False), status, headers, content_type="application/json; charset=utf-8"
    )


def field_error(field: str, message: str, code: str = "invalid_value") -> dict:
    """One entry of the ``errors`` list of a Freshdesk 400."""
    return {"field": field, "message": message, "code": code}


def validation_failed(*errors: dict) -> ApiError:
    """Freshdesk's 400: ``{"description": "Validation failed", "errors": [...]}`` (§2.7)."""
    return ApiError(400, {"description": "Validation failed", "errors": list(errors)})


def one_of(values) -> str:
    """Freshdesk's wording for an enumerated value."""
    return f"It should be one of these values: '{','.join(map(str, values))}'"


def iso(timestamp: int | None) -> str | None:
    """Unix seconds as Freshdesk writes times: ``2026-01-05T10:00:00Z``."""
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value, field: str = "updated_at") -> int:
    """Unix seconds from an ISO 8601 string or a number (a Freshdesk 400 otherwise)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise validation_failed(field_error(field, "It should be in the 'valid date time' format")) from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def payload(request: Request) -> dict:
    """The JSON object of the request body (415 when not JSON, 400 when unreadable)."""
    if request.mimetype != "application/json":
        message = "Content-Type header should have application/json"
        raise ApiError(415, {"code": "invalid_content_type", "message": message})
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise validation_failed(field_error("", "Request body has invalid json format", "invalid_json"))
    return data


def check_update(changes: dict, *, allowed=UPDATABLE) -> list[dict]:
    """Every validation error of a ticket update, as Freshdesk lists them all at once."""
    errors = [field_error(name, INVALID_FIELD, "invalid_field") for name in changes if name not in allowed]
    if "status" in changes and changes["status"] not in STATUSES:
        errors.append(field_error("status", one_of(STATUSES)))
    if "priority" in changes and changes["priority"] not in (1, 2, 3, 4):
        errors.append(field_error("priority", one_of((1, 2, 3, 4))))
    tags = changes.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        errors.append(field_error("tags", "It should be a/an Array", "datatype_mismatch"))
    fields = changes.get("custom_fields", {})
    if not isinstance(fields, dict):
        return [*errors, field_error("custom_fields", "It should be a/an key/value pair", "datatype_mismatch")]
    for name, value in fields.items():
        if name not in CUSTOM_FIELDS:
            errors.append(field_error(name, INVALID_FIELD, "invalid_field"))
        elif name in FIELD_CHOICES and value is not None and value not in FIELD_CHOICES[name]:
            errors.append(field_error(name, one_of(FIELD_CHOICES[name])))
    return errors


class AccountState:
    """One account's data and rules; the handlers (simulator_api) and the HTTP plumbing build on it."""

    host = "http://127.0.0.1"

    def __init__(self, agents: dict[int, dict], contacts: dict[int, dict], tickets: dict[int, dict], clock):
        self.agents, self.contacts, self.tickets, self.clock = agents, contacts, tickets, clock
        self._conversations: dict[int, list[dict]] = {}
        self.last_id = max(tickets, default=0)

    def conversations_of(self, ticket: dict) -> list[dict]:
        """The ticket's replies and notes, generated from its seed on first use."""
        if ticket["id"] not in self._conversations:
            requester = self.contacts[ticket["requester_id"]]
            self._conversations[ticket["id"]] = seed_conversation(ticket, requester)
        return self._conversations[ticket["id"]]

    def _ticket(self, ticket_id: int, *, archived: bool = False) -> dict:
        """A ticket of the normal endpoints, or (``archived``) of the archived ones; 404 otherwise."""
        ticket = self.tickets.get(ticket_id)
        if ticket is None or ticket["archived"] != archived:
            raise ApiError(404, None)
        return ticket

    def _touch(self, ticket: dict) -> None:
        """Every change moves ``updated_at`` forward, by at least a second so that stamps always differ."""
        ticket["updated_at"] = max(int(self.clock()), ticket["updated_at"] + 1)

    def _apply(self, ticket: dict, changes: dict) -> bool:
        """Apply a validated update: ``tags`` replace the list, ``custom_fields`` merge. True if it changed."""
        now = int(self.clock())
        updated = {k: changes[k] for k in ("subject", "priority", "type", "responder_id", "status") if k in changes}
        if "description" in changes:
            updated["description_text"] = changes["description"]
        if "tags" in changes:
            updated["tags"] = list(dict.fromkeys(changes["tags"]))
        fields = {**ticket["custom_fields"], **changes.get("custom_fields", {})}
        changed = fields != ticket["custom_fields"] or any(ticket[k] != v for k, v in updated.items())
        if updated.get("status", ticket["status"]) != ticket["status"]:
            if updated["status"] == 4:
                updated["resolved_at"] = now
            elif updated["status"] == 5:
                updated["closed_at"] = now
        ticket.update(updated, custom_fields=fields)
        if changed:
            self._touch(ticket)
        return changed

    def render_ticket(self, ticket: dict, include=(), *, listing: bool = False) -> dict:
        """The ticket in Freshdesk's JSON shape (§2.8); a listing omits the description unless included."""
        body = {
            "cc_emails": [], "fwd_emails": [], "reply_cc_emails": [], "ticket_cc_emails": [],
            "fr_escalated": False, "spam": ticket["spam"], "email_config_id": None, "group_id": GROUP_ID,
            "priority": ticket["priority"], "requester_id": ticket["requester_id"],
            "responder_id": ticket["responder_id"], "source": ticket["source"], "company_id": None,
            "status": ticket["status"], "subject": ticket["subject"], "association_type": None,
            "to_emails": None, "product_id": None, "id": ticket["id"], "type": ticket["type"],
            "due_by": iso(ticket["created_at"] + 3 * DAY), "fr_due_by": iso(ticket["created_at"] + DAY),
            "is_escalated": False, "custom_fields": dict(ticket["custom_fields"]),
            "created_at": iso(ticket["created_at"]), "updated_at": iso(ticket["updated_at"]),
            "associated_tickets_count": None, "tags": list(ticket["tags"]), "nr_due_by": None,
            "nr_escalated": False, "deleted": ticket["deleted"],
        }  # fmt: skip
        if not listing or "description" in include:
            body["description"] = f"<div>{ticket['description_text']}</div>"
            body["description_text"] = ticket["description_text"]
        if not listing:
            body["attachments"] = [self.render_attachment(a, ticket["created_at"]) for a in ticket["attachments"]]
        if "requester" in include:
            body["requester"] = self.render_person(self.contacts[ticket["requester_id"]])
        if "stats" in include:
            body["stats"] = {
                "agent_responded_at": iso(ticket["first_responded_at"]), "requester_responded_at": None,
                "first_responded_at": iso(ticket["first_responded_at"]), "status_updated_at": iso(ticket["updated_at"]),
                "reopened_at": None, "resolved_at": iso(ticket["resolved_at"]), "closed_at": iso(ticket["closed_at"]),
                "pending_since": iso(ticket["updated_at"]) if ticket["status"] == 3 else None,
            }  # fmt: skip
        if ticket["archived"]:
            body["archived"] = True
        return body

    def render_person(self, person: dict) -> dict:
        """The ``requester`` embed."""
        return {k: person[k] for k in ("id", "name", "email", "mobile", "phone")}

    def render_contact(self, person: dict) -> dict:
        """A contact (``GET /contacts/{id}``), or the ``contact`` part of an agent."""
        return {
            **self.render_person(person), "active": True, "address": None, "company_id": None, "description": None,
            "job_title": None, "language": "fr", "time_zone": "Paris", "twitter_id": None, "other_emails": [],
            "created_at": iso(ACCOUNT_CREATED), "updated_at": iso(ACCOUNT_CREATED),
        }  # fmt: skip

    def render_agent(self, agent: dict) -> dict:
        """An agent (``GET /agents/{id}``): the person is under ``contact``."""
        return {
            "available": True, "occasional": False, "id": agent["id"], "signature": None, "ticket_scope": 1,
            "type": "support_agent", "created_at": iso(ACCOUNT_CREATED), "updated_at": iso(ACCOUNT_CREATED),
            "contact": {k: v for k, v in self.render_contact(agent).items() if k != "id"},
        }  # fmt: skip

    def render_attachment(self, attachment: dict, at: int) -> dict:
        """Attachment metadata; the URL is never fetched by the connector."""
        url = f"https://s3.example.com/fd-attachments/{attachment['id']}/{attachment['name']}"
        return {**attachment, "attachment_url": url, "created_at": iso(at), "updated_at": iso(at)}

    def render_conversation(self, conversation: dict, ticket: dict) -> dict:
        """A reply or note in Freshdesk's JSON shape (§2.8)."""
        requester = self.contacts[ticket["requester_id"]]["email"]
        incoming, private = conversation["incoming"], conversation["private"]
        return {
            "body": f"<div>{conversation['body_text']}</div>", "body_text": conversation["body_text"],
            "id": conversation["id"], "incoming": incoming, "private": private, "user_id": conversation["user_id"],
            "support_email": None if private else SUPPORT_EMAIL, "source": conversation["source"],
            "category": 2, "ticket_id": ticket["id"],
            "to_emails": [] if private else [SUPPORT_EMAIL if incoming else requester],
            "from_email": None if private else (requester if incoming else SUPPORT_EMAIL),
            "cc_emails": [], "bcc_emails": [], "email_failure_count": None, "outgoing_failures": None,
            "created_at": iso(conversation["created_at"]), "updated_at": iso(conversation["created_at"]),
            "attachments": [self.render_attachment(a, conversation["created_at"]) for a in conversation["attachments"]],
            "source_additional_info": None, "last_edited_at": None, "last_edited_user_id": None,
        }  # fmt: skip
