"""``GET /api/v2/tickets`` of the Zendesk simulator, and the archive it leaves out (helpdesk-apis.md §1.2, §1.4).

Zendesk archives closed tickets some time after they close (about 120 days, UNVERIFIED): archived
tickets are missing from the tickets listing but still present in the incremental export, which is
why the connector pulls from the export only. The listing uses cursor pagination (``page[size]`` ≤
100, ``page[after]``) and may be sorted by ``updated_at`` either way; deleted tickets are gone.
"""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from connectors.zendesk.simulator_state import AccountState, cursor, int_arg, invalid, uncursor

ARCHIVE_AFTER = 120 * 86_400  # seconds after closing (§1.2)
_SORTS = {"id": (lambda t: t["id"], False), "updated_at": (lambda t: (t["updated_at"], t["id"]), False),
          "-updated_at": (lambda t: (t["updated_at"], t["id"]), True)}


class TicketListing(AccountState):
    """The tickets listing over the account state."""

    def archived(self, ticket: dict) -> bool:
        """Whether Zendesk has moved this ticket to its archive."""
        return ticket["status"] == "closed" and self.clock() - ticket["updated_at"] > ARCHIVE_AFTER

    def _api_tickets(self, request: Request, user: dict) -> Response:
        """GET /api/v2/tickets.json: live, unarchived tickets, a page at a time."""
        sort = request.args.get("sort", "id")
        if sort not in _SORTS:
            raise invalid(f"sort must be one of {', '.join(_SORTS)}")
        key, descending = _SORTS[sort]
        rows = sorted(
            (t for t in self.tickets.values() if not t["deleted"] and not self.archived(t)),
            key=key,
            reverse=descending,
        )
        size = int_arg(request, "page[size]", 100, 100)
        start = uncursor(request.args["page[after]"], 1)[0] if "page[after]" in request.args else 0
        chunk = rows[start : start + size]
        end = start + len(chunk)
        has_more = end < len(rows)
        query = {"page[size]": size, "page[after]": cursor(end), "sort": sort}
        body = {
            "tickets": [self.render_ticket(t) for t in chunk],
            "meta": {"has_more": has_more, "after_cursor": cursor(end) if chunk else None,
                     "before_cursor": cursor(start) if chunk else None},
            "links": {"prev": None, "next": f"{self.host}{request.path}?{urlencode(query)}" if has_more else None},
        }
        return self._sideload(request, body, [uid for t in chunk for uid in (t["requester_id"], t["assignee_id"])])
