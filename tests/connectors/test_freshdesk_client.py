"""The Freshdesk connector against the simulator over real HTTP: listing, checkpoints, the page wall,
ticket reads (archived included), faults, credentials and webhooks."""

from __future__ import annotations

import json
import time

import pytest
import requests

from connectors.base import (
    HelpdeskAuthError,
    HelpdeskConnector,
    HelpdeskNotFound,
    HelpdeskRejected,
    TicketSnapshot,
)
from connectors.freshdesk import FreshdeskConnector
from connectors.freshdesk.simulator import DEMO_API_KEY
from connectors.freshdesk.simulator_data import FIELD_MEDIATION_REQUEST, MEDIATION_TAG
from tests.connectors import freshdesk_fixtures
from tests.connectors.freshdesk_fixtures import CLOSED, RESOLVED, ScriptedFaults, drain, eligible_ids

# The Freshdesk fixtures, made visible to pytest in this module (freshdesk builds on start_freshdesk).
freshdesk, start_freshdesk = freshdesk_fixtures.freshdesk, freshdesk_fixtures.start_freshdesk


def test_connector_fulfils_the_protocol(freshdesk):
    """Is FreshdeskConnector a HelpdeskConnector with vendor "freshdesk"?"""
    connector = freshdesk.connector()
    assert isinstance(connector, HelpdeskConnector)
    assert connector.vendor == "freshdesk"


def test_full_drain_yields_every_eligible_ticket_once(freshdesk):
    """Does a full drain yield each closed ticket asking for mediation once, always asking from a watermark?"""
    pages = drain(freshdesk.connector(per_page=20))
    ids = eligible_ids(pages)
    assert len(ids) == len(set(ids))
    assert set(ids) == freshdesk.eligible()
    assert sum(page.seen for page in pages) == len(freshdesk.listed())
    assert [page.end_of_stream for page in pages] == [False] * (len(pages) - 1) + [True]
    snapshot = next(s for page in pages for s in page.eligible)
    assert (snapshot.vendor, snapshot.status, snapshot.mediation_requested) == ("freshdesk", "closed", True)
    assert snapshot.requester_email.endswith(("@example.org", "@example.com"))
    queries = freshdesk.list_queries()
    assert len(queries) == len(pages)
    # Without updated_since only the last 30 days of creations would come back.
    assert all(q["updated_since"] and q["order_by"] == "updated_at" and q["order_type"] == "asc" for q in queries)
    assert queries[0]["updated_since"] == "1999-12-31T23:59:59Z"
    assert {q["include"] for q in queries} == {"requester"}


def test_resume_from_a_checkpoint_has_no_duplicates_or_gaps(freshdesk):
    """Does a new connector resuming from a stored checkpoint continue exactly where the first one stopped?"""
    first = drain(freshdesk.connector(per_page=30), stop_after=3)
    rest = drain(freshdesk.connector(per_page=30), first[-1].checkpoint)
    assert rest
    assert not set(eligible_ids(first)) & set(eligible_ids(rest))
    assert set(eligible_ids(first)) | set(eligible_ids(rest)) == freshdesk.eligible()
    assert sum(p.seen for p in first + rest) == len(freshdesk.listed())


def test_a_ticket_changed_mid_drain_shifts_no_other_out(start_freshdesk):
    """When a ticket already read changes during the drain, is no other ticket skipped by the shifted offsets?"""
    freshdesk = start_freshdesk(tickets=0)
    ids = freshdesk.bulk(30, [f"2026-03-01T10:00:{s:02d}Z" for s in range(30)], status=CLOSED, tags=[MEDIATION_TAG])
    session = requests.Session()
    changed = []

    def agent_edits_a_read_ticket(response, *args, **kwargs):
        if "/api/v2/tickets?" in response.url and not changed:
            changed.append(freshdesk.change(ids[0], priority=4))

    session.hooks["response"].append(agent_edits_a_read_ticket)
    yielded = eligible_ids(drain(freshdesk.connector(session=session, per_page=10)))
    assert sorted(yielded) == sorted([str(i) for i in ids] + [str(ids[0])])  # ids[0] again: it changed


def test_tickets_sharing_one_second_across_page_boundaries(freshdesk):
    """With 45 tickets updated in one second and 10 per page, stopped mid-run, is each yielded exactly once?"""
    second = int(freshdesk.clock.now) - 3600
    run = freshdesk.bulk(45, second, status=CLOSED, tags=[MEDIATION_TAG])
    freshdesk.bulk(3, second + 1, status=CLOSED, tags=[MEDIATION_TAG])
    connector = freshdesk.connector(per_page=10)
    first = drain(connector)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))
    inside = next(
        p
        for p in first
        if json.loads(p.checkpoint)["updated_since"] == stamp and len(json.loads(p.checkpoint)["seen"]) < 45
    )
    assert first[-1].end_of_stream
    later = drain(connector, inside.checkpoint)
    upto = first[: first.index(inside) + 1]
    ids = eligible_ids(upto) + eligible_ids(later)
    assert len(ids) == len(set(ids))
    assert set(ids) == freshdesk.eligible()
    assert {str(i) for i in run} <= set(ids)
    pages = [int(q.get("page", 1)) for q in freshdesk.list_queries()]
    assert max(pages) >= 4  # the run was paged through with the link header


def test_a_later_poll_sees_each_new_change_once(freshdesk):
    """After end_of_stream, does polling from the checkpoint yield a newly closed ticket once, then nothing?"""
    connector = freshdesk.connector()
    checkpoint = drain(connector)[-1].checkpoint
    tid = freshdesk.ticket_id(status=2)
    freshdesk.clock.now += 5
    freshdesk.change(tid, status=CLOSED, tags=[MEDIATION_TAG])
    later = drain(connector, checkpoint)
    assert eligible_ids(later) == [str(tid)]
    again = drain(connector, later[-1].checkpoint)
    assert [(p.seen, p.eligible, p.end_of_stream) for p in again] == [(0, [], True)]


def test_eligibility_by_field_and_by_resolved_status(freshdesk):
    """Are the mediation field and accept_resolved honoured, and untagged or resolved tickets else skipped?"""
    by_field = freshdesk.create(status=CLOSED, custom_fields={FIELD_MEDIATION_REQUEST: True})["ticket"]["id"]
    resolved = freshdesk.create(status=RESOLVED, tags=[MEDIATION_TAG])["ticket"]["id"]
    freshdesk.create(status=CLOSED, tags=["livraison"])

    def ids(**options):
        return set(eligible_ids(drain(freshdesk.connector(**options))))

    assert ids() == freshdesk.eligible()
    assert ids(mediation_field=FIELD_MEDIATION_REQUEST, mediation_field_value="true") == freshdesk.eligible() | {
        str(by_field)
    }
    assert ids(accept_resolved=True) == freshdesk.eligible((CLOSED, RESOLVED))
    assert str(resolved) in ids(accept_resolved=True)


def test_the_page_wall_is_never_reached(start_freshdesk):
    """With the wall lowered to 2 pages, does a 30-page drain restart from its watermark, without gap or repeat?"""
    freshdesk = start_freshdesk(max_pages=2)
    freshdesk.bulk(8, int(freshdesk.clock.now) - 7200, status=CLOSED, tags=[MEDIATION_TAG])
    pages = drain(freshdesk.connector(per_page=5))
    ids = eligible_ids(pages)
    assert len(ids) == len(set(ids))
    assert set(ids) == freshdesk.eligible()
    assert len(pages) > 30
    assert max(int(q.get("page", 1)) for q in freshdesk.list_queries()) == 2  # never page 3: no 400


def test_a_second_longer_than_the_wall_is_a_clear_error(start_freshdesk):
    """When one second holds more tickets than the wall lets through, is it a clear error instead of a loop?"""
    freshdesk = start_freshdesk(max_pages=2)
    freshdesk.bulk(10, "2026-03-02T09:00:00Z", status=CLOSED, tags=[MEDIATION_TAG])
    with pytest.raises(HelpdeskRejected, match="2026-03-02T09:00:00Z") as raised:
        drain(freshdesk.connector(per_page=3))  # knows only the real wall: meets the vendor's 400
    cause = raised.value.__cause__  # the vendor's words are read by the connector, not quoted in the message
    assert "beyond the 300th page" in cause.body and "error codes: page, invalid_value" in str(cause)
    assert freshdesk.list_queries()[-1]["page"] == "3"
    calls = len(freshdesk.list_queries())
    with pytest.raises(HelpdeskRejected, match="cannot page past them"):
        drain(freshdesk.connector(per_page=3, max_pages=2))  # stops before asking for page 3
    assert all(int(q.get("page", 1)) <= 2 for q in freshdesk.list_queries()[calls:])


def test_fetch_ticket_maps_the_whole_conversation(freshdesk):
    """Does fetch_ticket read the description, every conversation page, authors, notes and attachments?"""
    conversations = [
        {"body": f"Message {i}", "author": "requester" if i % 3 else "agent", "private": i % 7 == 6} for i in range(230)
    ]
    conversations[4]["attachments"] = [{"name": "photo_colis.jpg", "content_type": "image/jpeg", "size": 48_213}]
    created = freshdesk.create(
        subject="Colis endommagé",
        description="Bonjour, mon colis est arrivé abîmé.",
        status=CLOSED,
        tags=[MEDIATION_TAG],
        conversations=conversations,
        attachments=[{"name": "facture.pdf", "content_type": "application/pdf", "size": 1_200}],
        requester={"name": "Élodie Marchand", "email": "elodie.marchand@example.org"},
        created_at=freshdesk.clock.now - 9000,
        updated_at=freshdesk.clock.now - 600,
    )
    tid = created["ticket"]["id"]
    snapshot = freshdesk.connector().fetch_ticket(str(tid))
    agent = freshdesk.sim.agents[created["ticket"]["responder_id"]]["name"]
    assert (snapshot.ticket_id, snapshot.subject, snapshot.status) == (str(tid), "Colis endommagé", "closed")
    assert (snapshot.requester_name, snapshot.requester_email) == ("Élodie Marchand", "elodie.marchand@example.org")
    assert snapshot.mediation_requested
    assert snapshot.closed_at is not None
    assert snapshot.closed_at.isoformat().replace("+00:00", "Z") == created["ticket"]["stats"]["closed_at"]
    assert [c.body for c in snapshot.comments] == ["Bonjour, mon colis est arrivé abîmé."] + [
        c["body"] for c in conversations
    ]
    assert [c.author_name for c in snapshot.comments[:3]] == ["Élodie Marchand", agent, "Élodie Marchand"]
    assert [c.author_is_requester for c in snapshot.comments[:3]] == [True, False, True]
    assert [c.public for c in snapshot.comments[6:9]] == [True, False, True]
    assert [(a.name, a.size) for a in snapshot.attachments] == [("facture.pdf", 1_200), ("photo_colis.jpg", 48_213)]
    assert len(freshdesk.calls(f"/api/v2/tickets/{tid}/conversations")) == 3
    assert len(freshdesk.calls("/api/v2/agents/")) == 1  # names are read once per agent
    assert TicketSnapshot.from_json(snapshot.to_json()) == snapshot


def test_archived_ticket_is_read_through_the_archived_endpoints(freshdesk):
    """Is an archived ticket (404 on the normal endpoint) read with its conversations from /tickets/archived/?"""
    tid = freshdesk.ticket_id(archived=True)
    snapshot = freshdesk.connector().fetch_ticket(str(tid))
    requester = freshdesk.sim.contacts[freshdesk.sim.tickets[tid]["requester_id"]]
    assert (snapshot.status, snapshot.requester_email) == ("closed", requester["email"])
    assert snapshot.closed_at == snapshot.updated_at
    assert len(snapshot.comments) == 1 + len(freshdesk.sim.conversations_of(freshdesk.sim.tickets[tid]))
    assert [p for _, p, _ in freshdesk.calls()][:3] == [
        f"/api/v2/tickets/{tid}?include=requester%2Cstats",
        f"/api/v2/tickets/archived/{tid}",
        f"/api/v2/tickets/archived/{tid}/conversations?per_page=100",
    ]


@pytest.mark.parametrize("flag", ["deleted", "spam", "unknown"])
def test_deleted_spam_or_unknown_tickets_are_not_found(freshdesk, flag):
    """Does reading a deleted, spam or unknown ticket raise HelpdeskNotFound?"""
    tid = 99_999 if flag == "unknown" else freshdesk.ticket_id(**{flag: True})
    with pytest.raises(HelpdeskNotFound):
        freshdesk.connector().fetch_ticket(str(tid))


@pytest.mark.parametrize("kind", ["429", "500", "502", "503", "truncated", "malformed", "drop"])
def test_each_fault_is_retried(freshdesk, kind):
    """Is a 429, a 5xx, a truncated or malformed body, or a dropped connection retried until the read succeeds?"""
    freshdesk.sim.wsgi_app.plan = faults = ScriptedFaults([kind, kind])
    tid = freshdesk.ticket_id(status=CLOSED)
    assert freshdesk.connector().fetch_ticket(str(tid)).ticket_id == str(tid)
    assert faults.played == {kind: 2}
    if kind in ("429", "503"):  # Retry-After: 1, plus jitter; the others back off without it
        assert len([wait for wait in freshdesk.clock.sleeps if 1 <= wait <= 1.5]) == 2


def test_a_slow_answer_beyond_the_timeout_is_retried(start_freshdesk):
    """Is an answer slower than the client timeout abandoned and the call retried, without a long wait?"""
    freshdesk = start_freshdesk(slow_seconds=0.6)
    freshdesk.sim.wsgi_app.plan = ScriptedFaults(["slow"])
    began = time.monotonic()
    pages = drain(freshdesk.connector(timeout=0.2))
    assert set(eligible_ids(pages)) == freshdesk.eligible()
    assert freshdesk.sim.wsgi_app.plan.played == {"slow": 1}
    assert time.monotonic() - began < 3


def test_a_drain_survives_seeded_faults(start_freshdesk):
    """With 25 % of answers spoiled (all fault kinds), do a drain and its ticket reads still succeed, once each?"""
    freshdesk = start_freshdesk(faults=0.25, seed=5, slow_seconds=0.3)
    connector = freshdesk.connector(per_page=10, timeout=0.15)
    ids = eligible_ids(drain(connector))
    assert len(ids) == len(set(ids))
    assert set(ids) == freshdesk.eligible()
    assert [connector.fetch_ticket(tid).ticket_id for tid in ids] == ids
    assert len(freshdesk.sim.fault_plan.played) >= 5


def test_rate_limits_are_waited_out(start_freshdesk):
    """Over the per-minute credits and the Tickets List limit, are the 429s' Retry-After waited and the drain whole?"""
    freshdesk = start_freshdesk(rate_limit=20, list_limit=4)
    answers = []  # (fake time, status, Retry-After)
    session = requests.Session()
    session.hooks["response"].append(
        lambda r, **_: answers.append((freshdesk.clock.now, r.status_code, r.headers.get("Retry-After")))
    )
    ids = eligible_ids(drain(freshdesk.connector(session=session, per_page=20)))
    assert set(ids) == freshdesk.eligible()
    assert len(ids) == len(set(ids))
    throttled = [i for i, (_, status, _) in enumerate(answers) if status == 429]
    assert throttled
    for i in throttled:
        at, _, retry_after = answers[i]
        assert answers[i + 1][0] >= at + int(retry_after)


def test_a_bad_api_key_is_typed_and_not_retried(freshdesk):
    """Does a wrong API key raise HelpdeskAuthError with Freshdesk's words, after a single request?"""
    with pytest.raises(HelpdeskAuthError, match="invalid_credentials"):
        freshdesk.connector(api_key="revoked").fetch_ticket("1")
    assert len(freshdesk.sim.request_log) == 1


def test_constructor_refuses_bad_settings():
    """Are a missing key, a bad page size, a field without cf_, a bad time and a foreign checkpoint refused?"""
    base = "http://127.0.0.1:1"
    for options in ({"api_key": ""}, {"per_page": 101}, {"label_field": "mediation"}, {"updated_since": "hier"}):
        with pytest.raises(ValueError, match=r"key|per_page|cf_|ISO"):
            FreshdeskConnector(base, **{"api_key": "k", **options})
    with pytest.raises(ValueError, match="not a Freshdesk checkpoint"):
        next(FreshdeskConnector(base, api_key="k").iter_closed_tickets('{"cursor": "abc"}'))


def test_webhook_shared_secret(freshdesk):
    """Is the shared-secret header accepted when right (any case), refused when wrong, missing or unconfigured?"""
    connector = freshdesk.connector(webhook_secret="s3cret-demo")
    body = b'{"freshdesk_webhook": {"ticket_id": 42}}'
    assert connector.verify_webhook({"X-Mediateur-Webhook-Secret": "s3cret-demo"}, body)
    assert connector.verify_webhook({"x-mediateur-webhook-secret": "s3cret-demo"}, body)
    assert not connector.verify_webhook({"X-Mediateur-Webhook-Secret": "s3cret-dem"}, body)
    assert not connector.verify_webhook({"X-Mediateur-Webhook-Secret": ""}, body)
    assert not connector.verify_webhook({}, body)
    assert not freshdesk.connector().verify_webhook({"X-Mediateur-Webhook-Secret": "s3cret-demo"}, body)


def test_plan_limits_pace_the_listing(freshdesk):
    """On the Growth plan (20 list calls a minute, in no header), does the connector's 21st listing wait?"""
    from connectors.freshdesk.client import PLAN_LIMITS
    from connectors.http import HttpClient

    waits: list[float] = []
    http = HttpClient(freshdesk.base_url, sleep=waits.append, limits=PLAN_LIMITS["growth"])
    connector = FreshdeskConnector(freshdesk.base_url, http=http, api_key=DEMO_API_KEY, per_page=5)
    pages = sum(1 for _ in connector.iter_closed_tickets(None))
    lists = len(freshdesk.list_queries())
    assert pages > 20 and lists > 20
    assert waits and all(55 <= wait <= 61 for wait in waits)  # only whole windows, once every 20 listings
    assert len(waits) == (lists - 1) // 20
