"""The Zendesk Support connector: cursor export of closed tickets, ticket reads, label write-back and
webhook verification (helpdesk-apis.md §1 and §4).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime

from connectors.base import (
    HelpdeskAuthError,
    HelpdeskConflict,
    HelpdeskNotFound,
    HelpdeskProtocolError,
    HelpdeskRejected,
    HelpdeskUnavailable,
    MediationLabel,
    TicketPage,
    TicketSnapshot,
)
from connectors.http import HttpClient
from connectors.notice import MediatorNotice, RuleChange
from connectors.zendesk import mapping, notice_rules
from connectors.zendesk.oauth import ZendeskOAuth

log = logging.getLogger(__name__)

EXPORT_PATH = "/api/v2/incremental/tickets/cursor.json"
# Rate-limit buckets (helpdesk-apis.md §1.6): the export's own, announced in its headers, and the
# Update Ticket one, documented at 100/min but announced nowhere; every other call is the account's.
EXPORT_BUCKET = "incremental-exports"
UPDATE_BUCKET = "update-ticket"
UPDATES_PER_MINUTE = 100
WEBHOOK_MAX_SKEW = 300  # seconds; our own choice (helpdesk-apis.md §1.7)
_JOB_DONE = ("completed", "failed", "killed")


class ZendeskConnector:
    """:class:`connectors.base.HelpdeskConnector` for one Zendesk account.

    Authenticate with an API token (``email`` + ``api_token``) or with OAuth, not both. OAuth takes
    an access token (``oauth_token``, plus ``oauth_refresh_token`` if there is one) and/or the
    OAuth client (``oauth_client_id`` + ``oauth_client_secret``): with the client, a token is
    obtained by the client-credentials grant when none is given, renewed before it expires, and
    renewed once after a 401 before the call is retried once. ``http`` lets the caller supply a
    prepared :class:`HttpClient` for ``base_url`` (tests inject one sleeping on a fake clock); the
    connector installs its credentials on it.
    """

    vendor = "zendesk"

    def __init__(
        self,
        base_url: str,
        *,
        email: str | None = None,
        api_token: str | None = None,
        oauth_token: str | None = None,
        oauth_refresh_token: str | None = None,
        oauth_client_id: str | None = None,
        oauth_client_secret: str | None = None,
        mediation_tag: str = "demande_mediation",
        mediation_field_id: int | None = None,
        mediation_field_value=None,
        professional_tag: str | None = None,
        professional_field_id: int | None = None,
        professional_field_value=None,
        accept_solved: bool = False,
        label_field_id: int | None = None,
        label_status_ids: Mapping[MediationLabel, int] | None = None,
        complaint_outcome_field_id: int | None = None,
        complaint_outcome_values: Sequence[str] = (),
        webhook_secret: str | None = None,
        start_time: int = 0,
        per_page: int = 1000,
        http: HttpClient | None = None,
        job_timeout: float = 60.0,
        write_attempts: int = 3,
    ):
        oauth = oauth_token is not None or oauth_client_id is not None
        if (api_token is None) == (not oauth):
            raise ValueError("give exactly one of api_token (with email) or an OAuth token or client")
        if api_token is not None and not email:
            raise ValueError("an API token needs the email of the agent it belongs to")
        if not 1 <= per_page <= 1000:
            raise ValueError("per_page must be between 1 and 1000")
        self.http = http or HttpClient(base_url)
        if self.http.base_url != base_url.rstrip("/"):
            raise ValueError(f"the HttpClient targets {self.http.base_url}, not {base_url}")
        self.oauth: ZendeskOAuth | None = None
        if api_token is not None:
            self.http.auth = (f"{email}/token", api_token)
        else:
            self.oauth = self.http.auth = ZendeskOAuth(
                self.http, client_id=oauth_client_id, client_secret=oauth_client_secret,
                access_token=oauth_token, refresh_token=oauth_refresh_token,
            )
        self.http.pacer.declare(UPDATE_BUCKET, UPDATES_PER_MINUTE)
        self.mediation_tag = mediation_tag
        self.mediation_field_id = mediation_field_id
        self.mediation_field_value = mediation_field_value
        self.professional = (professional_tag, professional_field_id, professional_field_value)
        self.statuses = ("closed", "solved") if accept_solved else ("closed",)
        self.label_field_id = label_field_id
        # Solved-category custom statuses showing the mediation to agents (interfaces.md), where configured.
        self.label_status_ids = dict(label_status_ids or {})
        # The drop-down by which agents record a complaint's outcome, and its unfavourable or partial values.
        self.complaint_outcome = (complaint_outcome_field_id, tuple(complaint_outcome_values))
        self.webhook_secret = webhook_secret
        self.start_time = start_time
        self.per_page = per_page
        self.job_timeout = job_timeout
        self.write_attempts = write_attempts

    def _call(self, method: str, path: str, **options):
        """One API call through :meth:`HttpClient.request`; with OAuth, the token is renewed first when
        it is about to lapse, and once after a 401 (then the call is retried once, never more)."""
        if self.oauth is None:
            return self.http.request(method, path, **options)
        renewed = self.oauth.ensure_fresh()
        try:
            return self.http.request(method, path, **options)
        except HelpdeskAuthError as exc:
            if exc.status != 401 or renewed or not self.oauth.renewable:
                raise
            log.info("%s %s: access token refused, renewing it once", method, path.split("?")[0])
            self.oauth.renew()
            return self.http.request(method, path, **options)

    def iter_closed_tickets(self, checkpoint: str | None) -> Iterator[TicketPage]:
        """Pages of the cursor export from ``checkpoint`` (JSON ``{"cursor"}`` or ``{"start_time"}``)."""
        position = json.loads(checkpoint) if checkpoint else {"start_time": self.start_time}
        if set(position) not in ({"cursor"}, {"start_time"}):
            raise ValueError(f"not a Zendesk checkpoint: {checkpoint!r}")
        per_page = self.per_page
        while True:
            try:
                _, _, body = self._call(
                    "GET",
                    EXPORT_PATH,
                    no_retry={504},
                    bucket=EXPORT_BUCKET,
                    params={**position, "per_page": per_page, "include": "users"},
                )
            except HelpdeskUnavailable as exc:
                # Large export pages time out upstream with a 504: ask for smaller ones (§1.4).
                if exc.status != 504 or per_page == 1:
                    raise
                per_page //= 2
                continue
            page, after = self._page(body, position)
            yield page
            if page.end_of_stream:
                return
            position = after

    def _page(self, body, position: dict) -> tuple[TicketPage, dict]:
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("tickets"), list)
            or "end_of_stream" not in body
        ):
            raise HelpdeskProtocolError(f"export page without tickets or end_of_stream: {str(body)[:200]}")
        tickets = body["tickets"]
        after = {"cursor": body["after_cursor"]} if body.get("after_cursor") else position
        if not tickets and not body["end_of_stream"] and after == position:
            # zenpy#451: a stream that neither advances nor ends would loop for ever.
            raise HelpdeskProtocolError(f"export page neither advances nor ends at {position}")
        users = mapping.users_by_id(body.get("users") or ())
        eligible = [
            mapping.to_snapshot(t, users, mediation_requested=True, requester_professional=self._professional(t))
            for t in tickets
            if t.get("status") in self.statuses and self._asks(t)
        ]
        deleted = [str(t["id"]) for t in tickets if t.get("status") == "deleted"]
        page = TicketPage(
            eligible=eligible,
            seen=len(tickets),
            checkpoint=json.dumps(after),
            end_of_stream=bool(body["end_of_stream"]),
            deleted_ids=deleted,
        )
        return page, after

    def _asks(self, ticket: Mapping) -> bool:
        return mapping.carries(ticket, self.mediation_tag, self.mediation_field_id, self.mediation_field_value)

    def _professional(self, ticket: Mapping) -> bool:
        return mapping.carries(ticket, *self.professional)

    def fetch_ticket(self, ticket_id: str) -> TicketSnapshot:
        """The ticket, its requester and every page of its comments (with attachments' metadata)."""
        ticket, users = self._read(ticket_id)
        comments: list[dict] = []
        url, params = f"/api/v2/tickets/{ticket['id']}/comments.json", {"page[size]": 100, "include": "users"}
        while url:
            _, _, page = self._call("GET", url, params=params)
            if not isinstance(page, dict) or not isinstance(page.get("comments"), list):
                raise HelpdeskProtocolError(f"comments page without comments for ticket {ticket_id}")
            comments += page["comments"]
            users.update(mapping.users_by_id(page.get("users") or ()))
            # links.next already carries page[size] and the cursor.
            url = (page.get("links") or {}).get("next") if (page.get("meta") or {}).get("has_more") else None
            params = None
        return mapping.to_snapshot(ticket, users, mediation_requested=self._asks(ticket), comments=comments,
                                   requester_professional=self._professional(ticket))

    def _read(self, ticket_id: str) -> tuple[dict, dict]:
        if not str(ticket_id).isdigit():
            raise ValueError(f"not a Zendesk ticket id: {ticket_id!r}")
        _, _, body = self._call("GET", f"/api/v2/tickets/{ticket_id}.json", params={"include": "users"})
        if not isinstance(body, dict) or not isinstance(body.get("ticket"), dict):
            raise HelpdeskProtocolError(f"ticket {ticket_id} answer without a ticket")
        return body["ticket"], mapping.users_by_id(body.get("users") or ())

    def write_label(self, ticket_id: str, label: MediationLabel) -> None:
        """Show ``label`` (tag, and the label field where configured) on the ticket, and nothing else.

        Idempotent: nothing is written when the ticket already shows it. Closed tickets only accept
        tags through ``update_many``; others get one ``safe_update`` write, re-read and retried on 409.
        """
        other = MediationLabel.ENDED if label is MediationLabel.IN_PROGRESS else MediationLabel.IN_PROGRESS
        for _ in range(self.write_attempts):
            ticket, _ = self._read(ticket_id)
            if self._shows(ticket, label, other):
                return
            try:
                if ticket["status"] == "closed":
                    self._tag_closed(ticket_id, label, other)
                else:
                    self._update_open(ticket, label, other)
                return
            except HelpdeskConflict:
                continue  # The ticket changed under us: re-read it and take a fresh stamp.
            except HelpdeskRejected as exc:
                if exc.status != 422 or "Status closed prevents ticket update" not in exc.body:
                    raise
                # Closed between our read and our write: the next read takes the closed-ticket path.
        raise HelpdeskConflict(
            f"ticket {ticket_id} kept changing over {self.write_attempts} attempts to label it", status=409
        )

    def _shows(self, ticket: Mapping, label: MediationLabel, other: MediationLabel) -> bool:
        tags = ticket.get("tags") or ()
        if label.value not in tags or other.value in tags:
            return False
        if ticket.get("status") == "closed":  # Fields and statuses are frozen once closed.
            return True
        status_id = self.label_status_ids.get(label)
        if status_id is not None and ticket.get("custom_status_id") != status_id:
            return False
        return self.label_field_id is None or any(
            f.get("id") == self.label_field_id and f.get("value") == label.field_value
            for f in ticket.get("custom_fields") or ()
        )

    def _update_open(self, ticket: Mapping, label: MediationLabel, other: MediationLabel) -> None:
        # PUT /tickets/{id} ignores additional_tags: send the whole list, guarded by the stamp we read.
        tags = [t for t in ticket["tags"] if t not in (label.value, other.value)] + [label.value]
        changes = {"tags": tags, "safe_update": True, "updated_stamp": ticket["updated_at"]}
        if self.label_field_id is not None:
            changes["custom_fields"] = [{"id": self.label_field_id, "value": label.field_value}]
        if label in self.label_status_ids:
            changes["custom_status_id"] = self.label_status_ids[label]
        self._call("PUT", f"/api/v2/tickets/{ticket['id']}.json", json={"ticket": changes}, bucket=UPDATE_BUCKET)

    def _tag_closed(self, ticket_id: str, label: MediationLabel, other: MediationLabel) -> None:
        body = {"ticket": {"additional_tags": [label.value], "remove_tags": [other.value]}}
        _, _, answer = self._call("PUT", "/api/v2/tickets/update_many.json", params={"ids": ticket_id}, json=body)
        job, waited, delay = _job(answer), 0.0, 0.5
        while job["status"] not in _JOB_DONE:
            if waited >= self.job_timeout:
                raise HelpdeskUnavailable(
                    f"job {job['id']} labelling ticket {ticket_id} still {job['status']} after {waited:.0f}s"
                )
            self.http.sleep(delay)
            waited, delay = waited + delay, min(delay * 2, 5.0)
            _, _, answer = self._call("GET", f"/api/v2/job_statuses/{job['id']}.json")
            job = _job(answer)
        failures = [r for r in job.get("results") or () if r.get("success") is False or r.get("errors")]
        if job["status"] != "completed" or failures:
            outcome = failures or job.get("message")
            detail = f"job {job['id']} labelling ticket {ticket_id} {job['status']}: {outcome}"
            if any(r.get("error") == "RecordNotFound" for r in failures):
                raise HelpdeskNotFound(detail, status=404)
            raise HelpdeskRejected(detail)

    def install_notice_rules(self, notice: MediatorNotice) -> list[RuleChange]:
        """Install or update the trigger and the automation that add the mediator's block (R-HELPDESK-1)."""
        field_id, values = self.complaint_outcome
        if field_id is None or not values:
            raise ValueError("the complaint-outcome field and its unfavourable values are needed for the rules")
        return notice_rules.install(self._call, notice, field_id, values)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Check the signature (base64 HMAC-SHA256 of timestamp + raw body) and the timestamp's freshness."""
        if not self.webhook_secret:
            return False
        lowered = {name.lower(): value for name, value in headers.items()}
        signature = lowered.get("x-zendesk-webhook-signature")
        stamp = lowered.get("x-zendesk-webhook-signature-timestamp")
        if not signature or not stamp:
            return False
        try:
            sent_at = datetime.fromisoformat(stamp)
        except ValueError:
            return False
        if sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=UTC)
        if abs((datetime.now(UTC) - sent_at).total_seconds()) > WEBHOOK_MAX_SKEW:
            return False
        digest = hmac.new(self.webhook_secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
        return hmac.compare_digest(base64.b64encode(digest), signature.encode())


def _job(answer) -> dict:
    job = answer.get("job_status") if isinstance(answer, dict) else None
    if not isinstance(job, dict) or "id" not in job or "status" not in job:
        raise HelpdeskProtocolError(f"job answer without job_status: {str(answer)[:200]}")
    return job
