"""State of a simulated Zendesk account: tickets, users, comments and jobs, the rules that guard their
changes, and their JSON shapes (helpdesk-apis.md §1.2, §1.5, §1.8, §1.9).
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from werkzeug.wrappers import Request, Response

from connectors.zendesk.simulator_data import CUSTOM_STATUSES, new_comment, seed_conversation

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
_CLOSED = {
    "error": "RecordInvalid",
    "description": "Record validation errors",
    "details": {"status": [{"description": "Status closed prevents ticket update"}]},
}
_CONFLICT = {
    "error": "UpdateConflict",
    "description": "Safe Update prevented the update due to outdated "
    "ticket data. Please fetch the latest ticket data and try again.",
}
NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}


class ApiError(Exception):
    """An error answer, in the vendor's shape."""

    def __init__(self, status: int, body: dict | str, headers: list[tuple[str, str]] | None = None):
        super().__init__(status)
        if isinstance(body, str):  # Proxies and per-object limits answer in plain text.
            self.response = Response(body, status, headers, content_type="text/plain")
        else:
            self.response = json_response(status, body, headers)


def json_response(status: int, body: dict, headers: list[tuple[str, str]] | None = None) -> Response:
    """A JSON answer as Zendesk sends it."""
    return Response(
        json.dumps(body, ensure_ascii=False), status, headers, content_type="application/json; charset=utf-8"
    )


def invalid(message: str) -> ApiError:
    """The 400 Zendesk returns for a bad parameter."""
    return ApiError(400, {"error": {"title": "Invalid attribute", "message": message}})


def iso(timestamp: int) -> str:
    """Unix seconds as Zendesk writes times: ``2024-04-17T17:18:10Z``."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value) -> int:
    """Unix seconds from an ISO 8601 string or a number (400 otherwise)."""
    if isinstance(value, int | float):
        return int(value)
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise invalid(f"invalid time: {value!r}") from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def cursor(*position: int) -> str:
    """An opaque cursor for a position (Zendesk cursors are opaque base64 strings too)."""
    return base64.urlsafe_b64encode("|".join(map(str, position)).encode()).decode()


def uncursor(token: str, size: int) -> tuple[int, ...]:
    """The position a :func:`cursor` encodes (400 when it was not ours)."""
    try:
        position = tuple(int(p) for p in base64.urlsafe_b64decode(token.encode()).decode().split("|"))
    except ValueError:
        raise invalid("invalid cursor") from None
    if len(position) != size:
        raise invalid("invalid cursor")
    return position


def int_arg(request: Request, name: str, default: int, high: int) -> int:
    """An integer query parameter within ``1..high`` (400 otherwise)."""
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        raise invalid(f"{name} must be an integer") from None
    if not 1 <= value <= high:
        raise invalid(f"{name} must be between 1 and {high}")
    return value


def payload(request: Request, wrapper: str | None = None) -> dict:
    """The JSON object of the request body, or the one under ``wrapper`` (``{"ticket": {...}}``)."""
    data = request.get_json(silent=True)
    if wrapper:
        data = data.get(wrapper) if isinstance(data, dict) else None
    if not isinstance(data, dict):
        raise invalid(f"expected a JSON object{' under ' + repr(wrapper) if wrapper else ''}")
    return data


def unique(tags) -> list[str]:
    """A tag list without duplicates, in order (400 when it is not a list of strings)."""
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise invalid("tags must be a list of strings")
    return list(dict.fromkeys(tags))


def field_values(fields) -> dict[int, object]:
    """``[{"id": …, "value": …}]`` as ``{id: value}`` (400 when malformed)."""
    try:
        return {int(field["id"]): field.get("value") for field in fields or ()}
    except (TypeError, KeyError, ValueError, AttributeError):
        raise invalid("custom_fields must be a list of {id, value} objects") from None


class AccountState:
    """One account's data and rules; the handlers (simulator_api) and the HTTP plumbing build on it."""

    host = "http://127.0.0.1"

    def __init__(self, users: dict[int, dict], tickets: dict[int, dict], clock):
        self.users, self.tickets, self.clock = users, tickets, clock
        self.jobs: dict[str, dict] = {}
        # Export pages larger than this time out upstream with a 504, the documented pitfall (§1.4).
        self.export_page_limit: int | None = None
        self._comments: dict[int, list[dict]] = {}

    def comments_of(self, ticket: dict) -> list[dict]:
        """The ticket's comments, generated from its seed on first use."""
        if ticket["id"] not in self._comments:
            self._comments[ticket["id"]] = seed_conversation(ticket, self.users[ticket["requester_id"]])
        return self._comments[ticket["id"]]

    def _live(self, ticket_id: int) -> dict:
        ticket = self.tickets.get(ticket_id)
        if ticket is None or ticket["deleted"]:
            raise ApiError(404, NOT_FOUND)
        return ticket

    def _touch(self, ticket: dict) -> None:
        """Every change moves ``updated_at`` forward, by at least a second so that stamps always differ."""
        ticket["updated_at"] = max(int(self.clock()), ticket["updated_at"] + 1)

    def _guard(self, ticket: dict, body: dict) -> None:
        """Closed tickets refuse single-ticket writes; ``safe_update`` refuses a stale stamp."""
        if ticket["status"] == "closed":
            raise ApiError(422, _CLOSED)
        if body.get("safe_update"):
            if "updated_stamp" not in body:
                raise invalid("updated_stamp is required with safe_update")
            if parse_time(body["updated_stamp"]) != ticket["updated_at"]:
                raise ApiError(409, _CONFLICT)

    def _apply(self, ticket: dict, changes: dict, author_id: int) -> bool:
        """Apply a ticket update (unknown attributes are ignored, as Zendesk does); True if it changed.

        Everything is validated first, so that a 400 leaves the ticket untouched.
        """
        if "status" in changes and changes["status"] not in STATUSES[1:]:  # never back to "new"
            raise invalid(f"invalid status {changes['status']!r}")
        updated = {
            name: changes[name] for name in ("status", "subject", "priority", "type") if name in changes
        }
        if "tags" in changes:
            updated["tags"] = unique(changes["tags"])
        if "custom_status_id" in changes:  # §1.3: the legacy status follows the custom status's category
            if changes["custom_status_id"] not in CUSTOM_STATUSES:
                raise invalid(f"invalid custom_status_id {changes['custom_status_id']!r}")
            updated.update(custom_status_id=changes["custom_status_id"], status="solved")
        fields = {**ticket["custom_fields"], **field_values(changes.get("custom_fields"))}
        comment = changes.get("comment")
        changed = fields != ticket["custom_fields"] or any(ticket[k] != v for k, v in updated.items())
        ticket.update(updated, custom_fields=fields)
        if isinstance(comment, dict) and comment.get("body"):
            comments = self.comments_of(ticket)
            author, public = comment.get("author_id", author_id), comment.get("public", True)
            at = int(self.clock())
            comments.append(new_comment(ticket["id"], len(comments), author, comment["body"], public, at, []))
            changed = True
        if changed:
            self._touch(ticket)
        return changed

    def render_ticket(self, ticket: dict, *, export: bool = False) -> dict:
        """The ticket in Zendesk's JSON shape (§1.9)."""
        fields = [{"id": fid, "value": value} for fid, value in ticket["custom_fields"].items()]
        body = {
            "id": ticket["id"],
            "url": f"{self.host}/api/v2/tickets/{ticket['id']}.json",
            "external_id": None,
            "type": ticket["type"],
            "subject": ticket["subject"],
            "raw_subject": ticket["subject"],
            "description": ticket["description"],
            "priority": ticket["priority"],
            "status": "deleted" if ticket["deleted"] else ticket["status"],
            "custom_status_id": ticket.get("custom_status_id"),
            "recipient": "service.client@example.com",
            "requester_id": ticket["requester_id"],
            "submitter_id": ticket["requester_id"],
            "assignee_id": ticket["assignee_id"],
            "organization_id": None,
            "group_id": 360_000_001 if ticket["assignee_id"] else None,
            "collaborator_ids": [],
            "follower_ids": [],
            "email_cc_ids": [],
            "problem_id": None,
            "has_incidents": False,
            "is_public": True,
            "due_at": None,
            "tags": list(ticket["tags"]),
            "custom_fields": fields,
            "fields": fields,
            "satisfaction_rating": None,
            "sharing_agreement_ids": [],
            "followup_ids": [],
            "via": {"channel": ticket["via"], "source": {"from": {}, "to": {}, "rel": None}},
            "allow_channelback": False,
            "allow_attachments": True,
            "from_messaging_channel": False,
            "created_at": iso(ticket["created_at"]),
            "updated_at": iso(ticket["updated_at"]),
        }
        if export:
            body["generated_timestamp"] = ticket["updated_at"]
        return body

    def render_users(self, ids) -> list[dict]:
        """The ``users`` sideload for the given user ids."""
        return [
            {
                **self.users[uid],
                "url": f"{self.host}/api/v2/users/{uid}.json",
                "active": True,
                "verified": True,
            }
            for uid in sorted({i for i in ids if i in self.users})
        ]

    def render_comment(self, comment: dict) -> dict:
        """A comment in Zendesk's JSON shape, attachments with their download URLs."""
        files = [
            {
                **a,
                "url": f"{self.host}/api/v2/attachments/{a['id']}.json",
                "inline": False,
                "deleted": False,
                "content_url": f"{self.host}/attachments/token/{a['id']}/?name={a['file_name']}",
            }
            for a in comment["attachments"]
        ]
        return {
            "id": comment["id"],
            "type": "Comment",
            "author_id": comment["author_id"],
            "body": comment["body"],
            "html_body": f'<div class="zd-comment"><p>{comment["body"]}</p></div>',
            "plain_body": comment["body"],
            "public": comment["public"],
            "attachments": files,
            "audit_id": comment["id"] + 7,
            "via": comment.get("via") or {"channel": "web", "source": {"from": {}, "to": {}}},
            "metadata": {"system": {}, "custom": {}},
            "created_at": iso(comment["created_at"]),
        }

    def _sideload(self, request: Request, body: dict, ids) -> Response:
        if "users" in request.args.get("include", "").split(","):
            body["users"] = self.render_users(ids)
        return json_response(200, body)
