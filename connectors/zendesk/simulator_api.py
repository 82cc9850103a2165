"""The endpoints of the Zendesk simulator: the ``/api/v2`` subset (helpdesk-apis.md §1.4–1.9) and the
simulator-only ``/_sim`` control routes used by tests and the demo.

Each handler takes the werkzeug request (plus the authenticated user for ``/api/v2``) and returns a
response, or raises :class:`ApiError` carrying the vendor's error body.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from connectors.zendesk.simulator_data import (
    FIELD_COMPLAINT_OUTCOME,
    FIELD_MEDIATION_LABEL,
    FIELD_MEDIATION_REQUEST,
    FIELD_MOTIF,
    make_user,
    new_comment,
)
from connectors.zendesk.simulator_state import (
    NOT_FOUND,
    STATUSES,
    AccountState,
    ApiError,
    cursor,
    field_values,
    int_arg,
    invalid,
    iso,
    json_response,
    parse_time,
    payload,
    uncursor,
    unique,
)

_FORBIDDEN = {
    "error": "Forbidden",
    "description": "You do not have access to this page. Please contact the "
    "account owner of this help desk for further help.",
}
_BULK_TAGS = ("additional_tags", "remove_tags")


class ZendeskApi(AccountState):
    """Request handlers over the account state; :class:`ZendeskSimulator` routes HTTP to them."""

    def _api_export(self, request: Request, user: dict) -> Response:
        """GET /api/v2/incremental/tickets/cursor.json — admins only, ordered by (updated_at, id)."""
        if user["role"] != "admin":
            raise ApiError(403, _FORBIDDEN)
        args = request.args
        if ("start_time" in args) == ("cursor" in args):
            raise invalid("send start_time on the first request and cursor afterwards, never both")
        per_page = int_arg(request, "per_page", 1000, 1000)
        if self.export_page_limit and per_page > self.export_page_limit:
            raise ApiError(504, "upstream request timeout")
        horizon = int(self.clock()) - 60  # Since 2024-10-28, changes of the last minute are not exported.
        if "cursor" in args:
            position = uncursor(args["cursor"], 2)
        else:
            try:
                start = int(args["start_time"])
            except ValueError:
                raise invalid("start_time must be a Unix timestamp") from None
            if not 0 <= start <= horizon:
                raise invalid("start_time must be more than one minute in the past")
            position = (start, 0)  # (start, 0) < (updated_at, id) ⇔ updated_at ≥ start: ids start at 1.
        skip_deleted = args.get("exclude_deleted") == "true"
        rows = sorted(
            (
                t
                for t in self.tickets.values()
                if position < (t["updated_at"], t["id"])
                and t["updated_at"] <= horizon
                and not (skip_deleted and t["deleted"])
            ),
            key=lambda t: (t["updated_at"], t["id"]),
        )
        page = rows[:per_page]
        after = (page[-1]["updated_at"], page[-1]["id"]) if page else position
        extra = {k: args[k] for k in ("include", "exclude_deleted") if k in args}

        def url(at):
            query = urlencode({"cursor": cursor(*at), "per_page": per_page, **extra})
            return f"{self.host}{request.path}?{query}"

        body = {
            "tickets": [self.render_ticket(t, export=True) for t in page],
            "after_cursor": cursor(*after),
            "after_url": url(after),
            "before_cursor": cursor(*position),
            "before_url": url(position),
            "end_of_stream": len(rows) <= per_page,
        }
        return self._sideload(
            request, body, [uid for t in page for uid in (t["requester_id"], t["assignee_id"])]
        )

    def _api_ticket(self, request: Request, user: dict, ticket_id: int) -> Response:
        """GET or PUT /api/v2/tickets/{id}.json (PUT: tags replace, custom_fields merge, safe_update)."""
        ticket = self._live(ticket_id)
        if request.method == "GET":
            body = {"ticket": self.render_ticket(ticket)}
            return self._sideload(request, body, [ticket["requester_id"], ticket["assignee_id"]])
        changes = payload(request, "ticket")
        self._guard(ticket, changes)
        self._apply(ticket, changes, user["id"])
        audit = {
            "id": uuid.uuid4().int >> 80,
            "ticket_id": ticket_id,
            "author_id": user["id"],
            "created_at": iso(ticket["updated_at"]),
            "events": [],
        }
        return json_response(200, {"ticket": self.render_ticket(ticket), "audit": audit})

    def _api_comments(self, request: Request, user: dict, ticket_id: int) -> Response:
        """GET /api/v2/tickets/{id}/comments.json with cursor pagination (``page[size]`` ≤ 100)."""
        comments = list(self.comments_of(self._live(ticket_id)))
        if request.args.get("sort") == "-created_at":
            comments.reverse()
        size = int_arg(request, "page[size]", 100, 100)
        start = uncursor(request.args["page[after]"], 1)[0] if "page[after]" in request.args else 0
        chunk = comments[start : start + size]
        end = start + len(chunk)
        has_more = end < len(comments)
        query = {
            "page[size]": size,
            "page[after]": cursor(end),
            **{k: v for k, v in request.args.items() if k in ("include", "sort")},
        }
        body = {
            "comments": [self.render_comment(c) for c in chunk],
            "meta": {
                "has_more": has_more,
                "after_cursor": cursor(end) if chunk else None,
                "before_cursor": cursor(start) if chunk else None,
            },
            "links": {
                "prev": None,
                "next": f"{self.host}{request.path}?{urlencode(query)}" if has_more else None,
            },
        }
        return self._sideload(request, body, [c["author_id"] for c in chunk])

    def _api_tags(self, request: Request, user: dict, ticket_id: int) -> Response:
        """/api/v2/tickets/{id}/tags.json: GET, POST (set), PUT (add), DELETE (remove); not when closed."""
        ticket = self._live(ticket_id)
        if request.method != "GET":
            body = payload(request)
            self._guard(ticket, body)
            tags = unique(body.get("tags"))
            new = {
                "POST": tags,
                "PUT": ticket["tags"] + tags,
                "DELETE": [t for t in ticket["tags"] if t not in tags],
            }[request.method]
            self._apply(ticket, {"tags": new}, user["id"])
        return json_response(201 if request.method == "POST" else 200, {"tags": ticket["tags"]})

    def _api_update_many(self, request: Request, user: dict) -> Response:
        """PUT /api/v2/tickets/update_many.json?ids=…: a queued job, the only way to tag closed tickets."""
        try:
            ids = [int(i) for i in request.args.get("ids", "").split(",") if i]
        except ValueError:
            raise invalid("ids must be a comma-separated list of ticket ids") from None
        if not 1 <= len(ids) <= 100:
            raise invalid("ids must list between 1 and 100 tickets")
        job = {
            "id": uuid.uuid4().hex,
            "job_type": "Bulk Update",
            "status": "queued",
            "total": len(ids),
            "progress": 0,
            "message": None,
            "results": None,
        }
        self.jobs[job["id"]] = {
            **job,
            "ids": ids,
            "changes": payload(request, "ticket"),
            "author_id": user["id"],
        }
        return json_response(200, {"job_status": self._render_job(job["id"])})

    def _api_job_status(self, request: Request, user: dict, job_id: str) -> Response:
        """GET /api/v2/job_statuses/{id}.json; the job runs between two polls: queued, working, completed."""
        job = self.jobs.get(job_id)
        if job is None:
            raise ApiError(404, NOT_FOUND)
        if job["status"] == "queued":
            job["status"] = "working"
        elif job["status"] == "working":
            job["results"] = [self._bulk_update(tid, job["changes"], job["author_id"]) for tid in job["ids"]]
            job.update(
                status="completed", progress=job["total"], message=f"Completed at {iso(int(self.clock()))}"
            )
        return json_response(200, {"job_status": self._render_job(job_id)})

    def _render_job(self, job_id: str) -> dict:
        job = self.jobs[job_id]
        keys = ("id", "job_type", "status", "total", "progress", "message", "results")
        return {**{k: job[k] for k in keys}, "url": f"{self.host}/api/v2/job_statuses/{job_id}.json"}

    def _bulk_update(self, ticket_id: int, changes: dict, author_id: int) -> dict:
        ticket = self.tickets.get(ticket_id)
        if ticket is None or ticket["deleted"]:
            return _failed(ticket_id, "RecordNotFound", "Not found")
        rest = {k: v for k, v in changes.items() if k not in _BULK_TAGS}
        if ticket["status"] == "closed" and rest:
            return _failed(ticket_id, "RecordInvalid", "Status closed prevents ticket update")
        removed = set(changes.get("remove_tags") or ())
        tags = [t for t in ticket["tags"] if t not in removed] + list(changes.get("additional_tags") or ())
        try:
            self._apply(ticket, {**rest, "tags": tags}, author_id)
        except ApiError:
            return _failed(ticket_id, "RecordInvalid", "Invalid attributes")
        return {"id": ticket_id, "action": "update", "success": True, "status": "Updated"}

    def _sim_create(self, request: Request) -> Response:
        """POST /_sim/tickets: a ticket with the given fields and conversation (no auth, no limits)."""
        data = payload(request)
        now = int(self.clock())
        if data.get("status", "open") not in STATUSES:
            raise invalid(f"invalid status {data['status']!r}")
        requester_id = data.get("requester_id") or self._end_user(data.get("requester") or {})
        comments = data.get("comments") or [{"body": data.get("description") or data.get("subject", "")}]
        tid = max(self.tickets, default=0) + 1
        fields = {FIELD_MOTIF: None, FIELD_MEDIATION_REQUEST: None, FIELD_MEDIATION_LABEL: None,
                  FIELD_COMPLAINT_OUTCOME: None}
        fields.update(field_values(data.get("custom_fields")))
        ticket = self.tickets[tid] = {
            "id": tid,
            "subject": data.get("subject", "Réclamation"),
            "description": comments[0]["body"],
            "status": data.get("status", "open"),
            "priority": data.get("priority", "normal"),
            "type": "question",
            "requester_id": requester_id,
            "assignee_id": data.get("assignee_id", 2),
            "tags": unique(data.get("tags", [])),
            "custom_fields": fields,
            "via": "api",
            "created_at": parse_time(data.get("created_at", now)),
            "updated_at": parse_time(data.get("updated_at", now)),
            "deleted": False,
            "conversation_seed": 0,
        }
        self._comments[tid] = []
        for i, c in enumerate(comments):
            author = (
                requester_id if c.get("author", "requester") == "requester" else ticket["assignee_id"] or 2
            )
            at = ticket["created_at"] + i
            self._comments[tid].append(
                new_comment(tid, i, author, c["body"], c.get("public", True), at, c.get("attachments", []))
            )
        return json_response(201, self._state(ticket))

    def _sim_ticket(self, request: Request, ticket_id: int) -> Response:
        """GET /_sim/tickets/{id}: full state (deleted too); PUT: change status/tags/fields/updated_at."""
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise ApiError(404, NOT_FOUND)
        if request.method == "PUT":
            data = payload(request)
            if data.get("status") == "deleted":
                ticket["deleted"] = True
                self._touch(ticket)
            keys = ("status", "tags", "custom_fields", "subject", "priority")
            self._apply(ticket, {k: data[k] for k in keys if k in data and data[k] != "deleted"}, 1)
            if "updated_at" in data:
                ticket["updated_at"] = parse_time(data["updated_at"])
        return json_response(200, self._state(ticket))

    def _state(self, ticket: dict) -> dict:
        rendered = {**self.render_ticket(ticket), "status": ticket["status"]}
        return {
            "ticket": rendered,
            "deleted": ticket["deleted"],
            "comments": [self.render_comment(c) for c in self.comments_of(ticket)],
        }

    def _end_user(self, spec: dict) -> int:
        email = spec.get("email") or f"client{len(self.users) + 1}@example.org"
        for uid, user in self.users.items():
            if user["email"] == email:
                return uid
        uid = max(self.users) + 1
        self.users[uid] = make_user(uid, spec.get("name", "Client Test"), email, "end-user")
        return uid


def _failed(ticket_id: int, error: str, details: str) -> dict:
    return {"id": ticket_id, "success": False, "error": error, "details": details}
