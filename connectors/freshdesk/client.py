"""The Freshdesk connector: resumable listing of closed tickets, ticket reads (archived ones included),
label write-back and webhook authentication (helpdesk-apis.md §2 and §4).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from connectors.base import (
    HelpdeskAuthError,
    HelpdeskNotFound,
    HelpdeskProtocolError,
    HelpdeskRejected,
    MediationLabel,
    TicketPage,
    TicketSnapshot,
)
from connectors.freshdesk import mapping, notice_rules
from connectors.http import HttpClient, next_link
from connectors.notice import MediatorNotice, RuleChange

LIST_PATH = "/api/v2/tickets"
# Sub-limits Freshdesk documents per plan but announces in no header (helpdesk-apis.md §2.5).
LIST_BUCKET, UPDATE_BUCKET = "tickets-list", "ticket-update"
PLAN_LIMITS = {"growth": {LIST_BUCKET: 20, UPDATE_BUCKET: 80}, "pro": {LIST_BUCKET: 100, UPDATE_BUCKET: 160},
               "enterprise": {LIST_BUCKET: 200, UPDATE_BUCKET: 280}}
SECRET_HEADER = "X-Mediateur-Webhook-Secret"  # noqa: S105 (a header name)
_WALL = "beyond the 300th page"
# Freshdesk limits are per minute: a Retry-After may ask for up to 60 s, which the default 30 s cap refuses.
_MAX_BACKOFF = 60.0


class FreshdeskConnector:
    """:class:`connectors.base.HelpdeskConnector` for one Freshdesk account, with an agent's API key.

    ``http`` lets the caller supply a prepared :class:`HttpClient` for ``base_url`` (tests inject one
    with a recording ``sleep``); the connector installs its credentials on it. ``max_pages`` is the
    Tickets List wall (300 pages).
    """

    vendor = "freshdesk"

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str,
        mediation_tag: str = "demande_mediation",
        mediation_field: str | None = None,
        mediation_field_value=None,
        professional_tag: str | None = None,
        professional_field: str | None = None,
        professional_field_value=None,
        accept_resolved: bool = False,
        label_field: str | None = "cf_mediation",
        complaint_outcome_field: str | None = None,
        complaint_outcome_values: Sequence[str] = (),
        updated_since: str = "2000-01-01T00:00:00Z",
        per_page: int = 100,
        webhook_secret: str | None = None,
        http: HttpClient | None = None,
        max_pages: int = 300,
    ):
        if not api_key:
            raise ValueError("a Freshdesk API key is required")
        if not 1 <= per_page <= 100:
            raise ValueError("per_page must be between 1 and 100")
        for name in (mediation_field, label_field, professional_field, complaint_outcome_field):
            if name is not None and not name.startswith("cf_"):
                raise ValueError(f"Freshdesk custom field names start with cf_, not {name!r}")
        try:
            self.updated_since = mapping.parse_time(updated_since)
        except HelpdeskProtocolError:
            raise ValueError(f"updated_since is not an ISO 8601 time: {updated_since!r}") from None
        self.http = http or HttpClient(base_url, max_backoff=_MAX_BACKOFF)
        if self.http.base_url != base_url.rstrip("/"):
            raise ValueError(f"the HttpClient targets {self.http.base_url}, not {base_url}")
        self.http.auth = (api_key, "X")  # the key is the user name; any password will do (§2.1)
        self.mediation_tag = mediation_tag
        self.mediation_field = mediation_field
        self.mediation_field_value = mediation_field_value
        self.professional = (professional_tag, professional_field, professional_field_value)
        self.statuses = (mapping.CLOSED, mapping.RESOLVED) if accept_resolved else (mapping.CLOSED,)
        self.label_field = label_field
        # The field by which agents record a complaint's outcome, and its unfavourable or partial values.
        self.complaint_outcome = (complaint_outcome_field, tuple(complaint_outcome_values))
        self.per_page = per_page
        self.webhook_secret = webhook_secret
        self.max_pages = max_pages
        self._people: dict[tuple[int, bool], dict] = {}

    def iter_closed_tickets(self, checkpoint: str | None) -> Iterator[TicketPage]:
        """One page per Tickets List page, oldest change first, from ``checkpoint`` (None: ``updated_since``).

        The checkpoint holds the watermark (largest ``updated_at`` handed over) and the ids already
        handed over at that second. After every page that moves the watermark the listing restarts
        from it: offset pages shift when an already-read ticket changes meanwhile, which would skip a
        ticket, and restarts also keep clear of the 300-page wall. The ``link`` header is followed only
        through a run of tickets sharing one second.
        """
        position = _Position.load(checkpoint, self.updated_since)
        start, url, params, page_number = position.watermark, LIST_PATH, self._query(position), 1
        while True:
            try:
                _, headers, body = self.http.request("GET", url, params=params, bucket=LIST_BUCKET)
            except HelpdeskRejected as exc:
                if exc.status != 400 or _WALL not in exc.body:
                    raise
                raise self._wall(position) from exc
            if not isinstance(body, list):
                raise HelpdeskProtocolError(f"Tickets List answered without a list: {str(body)[:200]}")
            fresh = position.advance(body)
            next_url = next_link(headers)
            yield TicketPage(
                eligible=[
                    mapping.to_snapshot(t, t.get("requester") or {}, mediation_requested=True,
                                        requester_professional=self._professional(t))
                    for t in fresh
                    if t.get("status") in self.statuses and self._asks(t)
                ],
                seen=len(fresh),
                checkpoint=position.dump(),
                end_of_stream=next_url is None,
            )
            if next_url is None:
                return
            if position.watermark > start:
                start, url, params, page_number = position.watermark, LIST_PATH, self._query(position), 1
            else:
                page_number = _page_of(next_url, page_number + 1)
                if page_number > self.max_pages:
                    raise self._wall(position)
                url, params = next_url, None  # the link carries every parameter

    def _query(self, position: _Position) -> dict:
        # Always send updated_since: without it only tickets created in the last 30 days come back.
        # Whether the filter is inclusive is UNVERIFIED: asking from one second earlier is right either
        # way, and what was already handed over is skipped by the position.
        since = position.watermark - timedelta(seconds=1)
        return {
            "updated_since": mapping.format_time(since),
            "order_by": "updated_at",
            "order_type": "asc",  # the default is desc
            "per_page": self.per_page,
            "include": "requester",
        }

    def _wall(self, position: _Position) -> HelpdeskRejected:
        return HelpdeskRejected(
            f"more than {self.max_pages} pages of Freshdesk tickets share updated_at "
            f"{mapping.format_time(position.watermark)}: the Tickets List cannot page past them",
            status=400,
        )

    def _asks(self, ticket: Mapping) -> bool:
        return mapping.carries(ticket, self.mediation_tag, self.mediation_field, self.mediation_field_value)

    def _professional(self, ticket: Mapping) -> bool:
        return mapping.carries(ticket, *self.professional)

    def fetch_ticket(self, ticket_id: str) -> TicketSnapshot:
        """The ticket (live or archived), its requester, description, every reply and note, attachments."""
        ticket, path = self._read(ticket_id, include="requester,stats")
        if ticket.get("deleted") or ticket.get("spam"):
            raise HelpdeskNotFound(f"Freshdesk ticket {ticket_id} is deleted or spam", status=404)
        conversations: list[dict] = []
        url, params = f"{path}/conversations", {"per_page": 100}
        while url:
            _, headers, page = self.http.request("GET", url, params=params)
            if not isinstance(page, list):
                raise HelpdeskProtocolError(f"conversations of ticket {ticket_id} answered without a list")
            conversations += page
            url, params = next_link(headers), None
        requester_id = ticket.get("requester_id")
        requester = ticket.get("requester") or self._person(requester_id, agent=False)
        authors = {c.get("user_id") for c in conversations} - {None, requester_id}
        names = {uid: self._person(uid, agent=True).get("name", "") for uid in authors}
        return mapping.to_snapshot(
            ticket, requester, mediation_requested=self._asks(ticket), conversations=conversations, names=names,
            requester_professional=self._professional(ticket),
        )

    def _read(self, ticket_id: str, include: str | None = None) -> tuple[dict, str]:
        """The ticket and the path it lives under: archived tickets only answer on their own endpoints."""
        if not str(ticket_id).isdigit():
            raise ValueError(f"not a Freshdesk ticket id: {ticket_id!r}")
        path = f"/api/v2/tickets/{ticket_id}"
        try:
            _, _, body = self.http.request("GET", path, params={"include": include} if include else None)
        except HelpdeskNotFound:
            path = f"/api/v2/tickets/archived/{ticket_id}"
            try:
                _, _, body = self.http.request("GET", path)
            except HelpdeskNotFound as exc:
                message = f"Freshdesk ticket {ticket_id} is neither live nor archived: {exc}"
                raise HelpdeskNotFound(message, status=404) from exc
        if not isinstance(body, dict) or "id" not in body:
            raise HelpdeskProtocolError(f"ticket {ticket_id} answered without a ticket: {str(body)[:200]}")
        if body.get("archived"):
            path = f"/api/v2/tickets/archived/{ticket_id}"
        return body, path

    def _person(self, user_id, *, agent: bool) -> dict:
        """Name and email of an agent or a contact, read once per connector; {} when unknown."""
        if user_id is None:
            return {}
        if (user_id, agent) not in self._people:
            found = {}
            for kind in ("agents", "contacts") if agent else ("contacts",):
                try:
                    _, _, body = self.http.request("GET", f"/api/v2/{kind}/{user_id}")
                except (HelpdeskNotFound, HelpdeskAuthError):
                    continue  # names are a courtesy: a missing user or right must not stop the read
                if not isinstance(body, dict):
                    raise HelpdeskProtocolError(f"{kind} {user_id} answered without an object")
                person = (body.get("contact") or {}) if kind == "agents" else body
                found = {"name": person.get("name") or "", "email": person.get("email") or ""}
                break
            self._people[(user_id, agent)] = found
        return self._people[(user_id, agent)]

    def write_label(self, ticket_id: str, label: MediationLabel) -> None:
        """Show ``label`` (tag, and ``label_field`` where configured) on the ticket, and nothing else.

        Freshdesk has no conditional update and ``tags`` replaces the whole list, so the ticket is read
        immediately before the write and the agents' tags are kept. Only ``tags`` and ``custom_fields``
        are sent, never a status, a note or a reply. Idempotent: nothing is written when the label is
        already shown. Archived tickets are read-only and raise :class:`HelpdeskRejected`.
        """
        other = MediationLabel.ENDED if label is MediationLabel.IN_PROGRESS else MediationLabel.IN_PROGRESS
        ticket, path = self._read(ticket_id)
        if ticket.get("archived"):
            raise HelpdeskRejected(
                f"Freshdesk ticket {ticket_id} is archived (closed and inactive for 120 days): archived "
                f"tickets are read-only, so the label {label.value} cannot be written"
            )
        if ticket.get("deleted") or ticket.get("spam"):
            raise HelpdeskNotFound(f"Freshdesk ticket {ticket_id} is deleted or spam", status=404)
        tags = list(ticket.get("tags") or ())
        wanted = [t for t in tags if t != other.value] + ([] if label.value in tags else [label.value])
        changes: dict = {"tags": wanted} if wanted != tags else {}
        fields = ticket.get("custom_fields") or {}
        if self.label_field is not None and fields.get(self.label_field) != label.field_value:
            changes["custom_fields"] = {self.label_field: label.field_value}
        if changes:
            # Updating a closed ticket without a status is undocumented either way (UNVERIFIED, §2.2);
            # sending only these two keys is the least that can show the label.
            self.http.request("PUT", path, json=changes, bucket=UPDATE_BUCKET)

    def install_notice_rules(self, notice: MediatorNotice) -> list[RuleChange]:
        """Install or update the two automation rules that send the mediator's block (R-HELPDESK-1)."""
        field, values = self.complaint_outcome
        if field is None or not values:
            raise ValueError("the complaint-outcome field and its unfavourable values are needed for the rules")
        return notice_rules.install(self.http.request, notice, field, values)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Freshdesk signs nothing: compare the shared secret of the ``X-Mediateur-Webhook-Secret`` header."""
        if not self.webhook_secret:
            return False
        given = next((v for k, v in headers.items() if k.lower() == SECRET_HEADER.lower()), None)
        if not given:
            return False
        return hmac.compare_digest(given.encode(), self.webhook_secret.encode())


class _Position:
    """Where the listing stands: the watermark and the ids handed over at that very second."""

    def __init__(self, watermark: datetime, seen: set[int]):
        self.watermark, self.seen = watermark, seen

    @classmethod
    def load(cls, checkpoint: str | None, default: datetime) -> _Position:
        if not checkpoint:
            return cls(default, set())
        try:
            data = json.loads(checkpoint)
            return cls(mapping.parse_time(data["updated_since"]), {int(i) for i in data["seen"]})
        except (ValueError, TypeError, KeyError, HelpdeskProtocolError):
            raise ValueError(f"not a Freshdesk checkpoint: {checkpoint!r}") from None

    def advance(self, tickets: list) -> list[dict]:
        """The tickets not handed over yet, in order; the position moves past them."""
        fresh = []
        for ticket in tickets:
            try:
                ticket_id, at = ticket["id"], mapping.parse_time(ticket["updated_at"])
            except (KeyError, TypeError) as exc:
                raise HelpdeskProtocolError(f"listed ticket without id or updated_at: {str(ticket)[:200]}") from exc
            if at < self.watermark or (at == self.watermark and ticket_id in self.seen):
                continue
            if at > self.watermark:
                self.watermark, self.seen = at, set()
            self.seen.add(ticket_id)
            fresh.append(ticket)
        return fresh

    def dump(self) -> str:
        return json.dumps({"updated_since": mapping.format_time(self.watermark), "seen": sorted(self.seen)})


def _page_of(url: str, default: int) -> int:
    pages = parse_qs(urlsplit(url).query).get("page")
    return int(pages[0]) if pages and pages[0].isdigit() else default
