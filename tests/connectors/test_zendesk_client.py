"""The Zendesk connector against the simulator over real HTTP: export, ticket reads, credentials, webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.base import (
    HelpdeskAuthError,
    HelpdeskConnector,
    HelpdeskNotFound,
    TicketSnapshot,
)
from connectors.zendesk import ZendeskConnector
from connectors.zendesk.simulator_data import FIELD_MEDIATION_REQUEST, MEDIATION_TAG

EXPORT = "/api/v2/incremental/tickets/cursor.json"


def eligible_ids(pages) -> list[str]:
    return [snapshot.ticket_id for page in pages for snapshot in page.eligible]


def expected_ids(zendesk, statuses=("closed",)) -> set[str]:
    """Ground truth from the simulator: exportable tickets of those statuses asking for mediation."""
    horizon = zendesk.clock.now - 60
    return {
        str(t["id"])
        for t in zendesk.sim.tickets.values()
        if t["status"] in statuses
        and not t["deleted"]
        and MEDIATION_TAG in t["tags"]
        and t["updated_at"] <= horizon
    }


def export_page_sizes(zendesk) -> list[int]:
    return [
        int(parse_qs(urlsplit(p).query)["per_page"][0])
        for _, p in zendesk.sim.request_log
        if p.startswith(EXPORT)
    ]


def test_connector_fulfils_the_protocol(zendesk):
    """Is ZendeskConnector a HelpdeskConnector with vendor "zendesk"?"""
    connector = zendesk.connector()
    assert isinstance(connector, HelpdeskConnector)
    assert connector.vendor == "zendesk"


def test_full_export_yields_every_eligible_ticket_once(zendesk):
    """Does a full export yield each closed ticket asking for mediation once, paced under the export limit?"""
    pages = list(zendesk.connector(per_page=15).iter_closed_tickets(None))
    ids = eligible_ids(pages)
    assert len(ids) == len(set(ids))
    assert set(ids) == expected_ids(zendesk)
    assert sum(page.seen for page in pages) == len(zendesk.sim.tickets)
    assert [page.end_of_stream for page in pages] == [False] * (len(pages) - 1) + [True]
    deleted = {str(t["id"]) for t in zendesk.sim.tickets.values() if t["deleted"]}
    assert {d for page in pages for d in page.deleted_ids} == deleted
    snapshot = pages[0].eligible[0] if pages[0].eligible else next(s for p in pages for s in p.eligible)
    assert snapshot.status == "closed"
    assert snapshot.mediation_requested
    assert "@example." in snapshot.requester_email
    # 14 pages at 10 exports/min: the pacer spread them over more than a minute instead of collecting 429s.
    assert len(pages) > 10
    assert len(export_page_sizes(zendesk)) == len(pages)
    assert 429 not in zendesk.statuses
    assert sum(zendesk.clock.sleeps) > 60


def test_resume_from_a_checkpoint_has_no_duplicates_or_gaps(zendesk):
    """Does a new connector resuming from a stored checkpoint continue exactly where the first one stopped?"""
    first = []
    for page in zendesk.connector(per_page=30).iter_closed_tickets(None):
        first.append(page)
        if len(first) == 3:
            break
    rest = list(zendesk.connector(per_page=30).iter_closed_tickets(first[-1].checkpoint))
    assert rest
    assert not set(eligible_ids(first)) & set(eligible_ids(rest))
    assert set(eligible_ids(first)) | set(eligible_ids(rest)) == expected_ids(zendesk)
    assert sum(p.seen for p in first + rest) == len(zendesk.sim.tickets)


def test_later_poll_sees_a_new_closure_once_the_minute_has_passed(zendesk):
    """After end_of_stream, is a newly closed ticket picked up from the checkpoint only after one minute?"""
    connector = zendesk.connector()
    checkpoint = list(connector.iter_closed_tickets(None))[-1].checkpoint
    tid = next(t["id"] for t in zendesk.sim.tickets.values() if t["status"] == "open")
    zendesk.change(tid, status="closed", tags=[MEDIATION_TAG])
    too_soon = list(connector.iter_closed_tickets(checkpoint))
    assert [(p.seen, p.eligible, p.end_of_stream) for p in too_soon] == [(0, [], True)]
    zendesk.clock.now += 61
    later = list(connector.iter_closed_tickets(too_soon[-1].checkpoint))
    assert eligible_ids(later) == [str(tid)]


def test_eligibility_by_field_and_by_solved_status(zendesk):
    """Are the mediation field and accept_solved honoured, and untagged or solved tickets else skipped?"""
    old = zendesk.clock.now - 600
    by_field = zendesk.create(
        status="closed", updated_at=old, custom_fields=[{"id": FIELD_MEDIATION_REQUEST, "value": "oui"}]
    )
    solved = zendesk.create(status="solved", updated_at=old, tags=[MEDIATION_TAG])
    zendesk.create(status="closed", updated_at=old, tags=["facturation"])
    field_id, solved_id = str(by_field["ticket"]["id"]), str(solved["ticket"]["id"])

    def ids(**options):
        return set(eligible_ids(zendesk.connector(**options).iter_closed_tickets(None)))

    assert ids() == expected_ids(zendesk)
    assert ids(mediation_field_id=FIELD_MEDIATION_REQUEST, mediation_field_value="oui") == expected_ids(
        zendesk
    ) | {field_id}
    assert ids(accept_solved=True) == expected_ids(zendesk, ("closed", "solved"))
    assert solved_id in ids(accept_solved=True)


def test_504_halves_the_page_size(zendesk):
    """When large export pages time out with a 504, does the connector halve per_page and still drain all?"""
    zendesk.sim.export_page_limit = 300
    pages = list(zendesk.connector(per_page=1000).iter_closed_tickets(None))
    sizes = export_page_sizes(zendesk)
    assert sizes[:3] == [1000, 500, 250]
    assert set(sizes[2:]) == {250}
    assert set(eligible_ids(pages)) == expected_ids(zendesk)


def test_fetch_ticket_maps_the_whole_conversation(zendesk):
    """Does fetch_ticket follow comment pages and map authors, visibility, attachments and requester?"""
    comments = [
        {"body": f"Message {i}", "author": "requester" if i % 3 else "agent", "public": i % 7 != 6}
        for i in range(230)
    ]
    comments[4]["attachments"] = [
        {"file_name": "facture_2025-03.pdf", "content_type": "application/pdf", "size": 48_213}
    ]
    created = zendesk.create(
        subject="Facture contestée",
        status="closed",
        tags=[MEDIATION_TAG],
        comments=comments,
        requester={"name": "Élodie Marchand", "email": "elodie.marchand@example.org"},
        created_at=zendesk.clock.now - 9000,
        updated_at=zendesk.clock.now - 600,
    )
    tid = created["ticket"]["id"]
    snapshot = zendesk.connector().fetch_ticket(str(tid))
    agent = zendesk.sim.users[2]["name"]
    assert (snapshot.ticket_id, snapshot.subject, snapshot.status) == (
        str(tid),
        "Facture contestée",
        "closed",
    )
    assert (snapshot.requester_name, snapshot.requester_email) == (
        "Élodie Marchand",
        "elodie.marchand@example.org",
    )
    assert snapshot.mediation_requested
    assert snapshot.closed_at == snapshot.updated_at
    assert snapshot.updated_at == datetime.fromisoformat(created["ticket"]["updated_at"])
    assert [c.body for c in snapshot.comments] == [c["body"] for c in comments]
    assert [c.author_name for c in snapshot.comments[:3]] == [agent, "Élodie Marchand", "Élodie Marchand"]
    assert [c.author_is_requester for c in snapshot.comments[:3]] == [False, True, True]
    assert [c.public for c in snapshot.comments[5:8]] == [True, False, True]
    assert [(a.name, a.content_type, a.size) for a in snapshot.attachments] == [
        ("facture_2025-03.pdf", "application/pdf", 48_213)
    ]
    assert len([p for _, p in zendesk.sim.request_log if "/comments" in p]) == 3
    assert TicketSnapshot.from_json(snapshot.to_json()) == snapshot


def test_fetch_of_a_deleted_ticket_is_not_found(zendesk):
    """Does reading a deleted ticket raise HelpdeskNotFound?"""
    deleted = next(t["id"] for t in zendesk.sim.tickets.values() if t["deleted"])
    with pytest.raises(HelpdeskNotFound):
        zendesk.connector().fetch_ticket(str(deleted))


def test_bad_credentials_raise_a_typed_error_without_retry(zendesk):
    """Do a wrong token and a non-admin account raise HelpdeskAuthError after a single request?"""
    with pytest.raises(HelpdeskAuthError, match="HTTP 401"):
        zendesk.connector(api_token="revoked").fetch_ticket("1")
    assert len(zendesk.sim.request_log) == 1
    agent = next(u for u in zendesk.sim.users.values() if u["role"] == "agent")
    zendesk.sim.add_api_token(agent["email"], "agent-token")
    with pytest.raises(HelpdeskAuthError, match="403"):
        next(zendesk.connector(email=agent["email"], api_token="agent-token").iter_closed_tickets(None))
    assert len(zendesk.sim.request_log) == 2


def test_oauth_bearer_token(zendesk):
    """Does the connector authenticate with an OAuth bearer token, and reject a wrong one?"""
    assert zendesk.connector(oauth_token="demo-oauth-token").fetch_ticket("1").ticket_id == "1"
    with pytest.raises(HelpdeskAuthError):
        zendesk.connector(oauth_token="expired").fetch_ticket("1")


@pytest.mark.parametrize(
    "credentials",
    [{}, {"email": "a@example.com", "api_token": "t", "oauth_token": "o"}, {"api_token": "t"}],
)
def test_exactly_one_credential_is_required(credentials):
    """Is a connector without credentials, with both kinds, or with a token but no email refused?"""
    with pytest.raises(ValueError, match="token"):
        ZendeskConnector("http://127.0.0.1:1", **credentials)


def signed(secret: str, body: bytes, at: datetime) -> dict[str, str]:
    """Headers as Zendesk signs a webhook delivery (helpdesk-apis.md §1.7)."""
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
    return {
        "X-Zendesk-Webhook-Signature": base64.b64encode(digest).decode(),
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
    }


def test_webhook_signatures(zendesk):
    """Are good signatures accepted and bad, stale, future, missing or unconfigured ones refused?"""
    connector = zendesk.connector(webhook_secret="whsec-demo")
    body = b'{"type":"zen:event-type:ticket.status_changed","detail":{"id":"42"}}'
    now = datetime.now(UTC)
    good = signed("whsec-demo", body, now)
    assert connector.verify_webhook(good, body)
    assert connector.verify_webhook({k.lower(): v for k, v in good.items()}, body)
    assert not connector.verify_webhook(good, body + b" ")
    assert not connector.verify_webhook(signed("other-secret", body, now), body)
    assert not connector.verify_webhook(signed("whsec-demo", body, now - timedelta(minutes=6)), body)
    assert not connector.verify_webhook(signed("whsec-demo", body, now + timedelta(minutes=6)), body)
    assert not connector.verify_webhook(
        {"X-Zendesk-Webhook-Signature": good["X-Zendesk-Webhook-Signature"]}, body
    )
    assert not connector.verify_webhook({"X-Zendesk-Webhook-Signature-Timestamp": now.isoformat()}, body)
    assert not zendesk.connector().verify_webhook(good, body)
