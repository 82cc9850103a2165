"""The Freshdesk simulator follows the vendor's documented behaviour (reference/helpdesk-apis.md §2)."""

from __future__ import annotations

from collections import Counter

import requests

from connectors.freshdesk.simulator import FreshdeskSimulator
from connectors.freshdesk.simulator_data import ARCHIVE_AFTER, DAY, FIELD_MEDIATION_LABEL, MEDIATION_TAG
from tests.connectors import freshdesk_fixtures
from tests.connectors.freshdesk_fixtures import CLOSED, ScriptedFaults

# The Freshdesk fixtures, made visible to pytest in this module (freshdesk builds on start_freshdesk).
freshdesk, start_freshdesk = freshdesk_fixtures.freshdesk, freshdesk_fixtures.start_freshdesk

LIST = "/api/v2/tickets"
SINCE = {"updated_since": "2000-01-01T00:00:00Z"}
WALL = {
    "description": "Validation failed",
    "errors": [
        {"field": "page", "message": "You cannot access tickets beyond the 300th page", "code": "invalid_value"}
    ],
}


def test_seed_is_deterministic_and_realistic():
    """Does a seed always give the same French tickets: mostly closed, a few asking mediation, some archived?"""
    now = 1_790_000_000
    first = FreshdeskSimulator.seeded(tickets=600, seed=3, now=now)
    again = FreshdeskSimulator.seeded(tickets=600, seed=3, now=now)
    assert first.tickets == again.tickets
    assert first.contacts == again.contacts
    assert first.conversations_of(first.tickets[42]) == again.conversations_of(again.tickets[42])
    assert FreshdeskSimulator.seeded(tickets=600, seed=4, now=now).tickets != first.tickets
    tickets = list(first.tickets.values())
    statuses = Counter(t["status"] for t in tickets)
    assert set(statuses) == {2, 3, 4, 5, 6}
    assert statuses[CLOSED] > len(tickets) / 2
    closed = [t for t in tickets if t["status"] == CLOSED]
    assert 0.05 <= sum(MEDIATION_TAG in t["tags"] for t in closed) / len(closed) <= 0.10
    archived = [t for t in tickets if t["archived"]]
    assert 0 < len(archived) < len(tickets) / 3
    assert all(t["status"] == CLOSED and now - t["updated_at"] > ARCHIVE_AFTER for t in archived)
    assert 0 < sum(t["deleted"] for t in tickets) < len(tickets) * 0.05
    people = [*first.contacts.values(), *first.agents.values()]
    assert all(p["email"].endswith(("@example.org", "@example.com")) for p in people)
    text = " ".join(c["body_text"] for t in tickets[:60] for c in first.conversations_of(t))
    assert "Bonjour" in text
    assert "médiateur" in text
    assert any(t["attachments"] for t in tickets)


def test_list_without_updated_since_covers_30_days_of_creations(freshdesk):
    """Without updated_since, does the list return only tickets created in the last 30 days?"""
    recent = {t["id"] for t in freshdesk.sim.tickets.values() if t["created_at"] >= freshdesk.clock.now - 30 * DAY}
    shown = [t["id"] for t in freshdesk.api("GET", LIST, params={"per_page": 100}).json()]
    assert set(shown) == recent & freshdesk.listed()
    everything = freshdesk.api("GET", LIST, params={**SINCE, "per_page": 100}).json()
    assert len(everything) == 100 > len(shown)


def test_list_order_link_header_and_includes(freshdesk):
    """Is the list desc by default, asc on request, chained by the link header, with includes only when asked?"""
    default = freshdesk.api("GET", LIST, params={**SINCE, "order_by": "updated_at"}).json()
    stamps = [t["updated_at"] for t in default]
    assert stamps == sorted(stamps, reverse=True)
    assert len(default) == 30  # the default page size
    assert "requester" not in default[0]
    assert "description" not in default[0]
    seen, url = [], f"{LIST}?updated_since=2000-01-01T00:00:00Z&order_by=updated_at&order_type=asc&per_page=100"
    url += "&include=requester,description"
    while url:
        answer = freshdesk.api("GET", url.removeprefix(freshdesk.base_url))
        page = answer.json()
        seen += page
        assert all(t["requester"]["id"] == t["requester_id"] and t["description_text"] for t in page)
        url = answer.links.get("next", {}).get("url")
    keys = [(t["updated_at"], t["id"]) for t in seen]
    assert keys == sorted(keys)
    assert {t["id"] for t in seen} == freshdesk.listed()


def test_bad_list_parameters_are_refused(freshdesk):
    """Do per_page above 100, an unknown parameter and a bad date get Freshdesk's 400 listing each error?"""
    answer = freshdesk.api("GET", LIST, params={"per_page": 101, "sort": "x", "updated_since": "hier"})
    assert answer.status_code == 400
    assert answer.json()["description"] == "Validation failed"
    assert {(e["field"], e["code"]) for e in answer.json()["errors"]} == {
        ("per_page", "invalid_value"),
        ("sort", "invalid_field"),
        ("updated_since", "invalid_value"),
    }
    assert freshdesk.api("GET", LIST, params={"per_page": 100}).status_code == 200


def test_the_300th_page_wall(freshdesk):
    """Is page 301 refused with Freshdesk's exact 400 body, while page 300 still answers?"""
    assert freshdesk.api("GET", LIST, params={**SINCE, "page": 300}).json() == []
    beyond = freshdesk.api("GET", LIST, params={**SINCE, "page": 301})
    assert beyond.status_code == 400
    assert beyond.json() == WALL


def test_archived_tickets_only_through_their_endpoints(freshdesk):
    """Is an archived ticket absent from the list, 404 on /tickets/{id}, readable and read-only under archived/?"""
    tid = freshdesk.ticket_id(archived=True)
    assert tid not in freshdesk.listed()  # the whole list equals listed(): test_list_order_link_header_and_includes
    assert freshdesk.api("GET", f"{LIST}/{tid}").status_code == 404
    assert freshdesk.api("PUT", f"{LIST}/{tid}", json={"tags": ["x"]}).status_code == 404
    archived = freshdesk.api("GET", f"{LIST}/archived/{tid}").json()
    assert (archived["id"], archived["archived"], archived["status"]) == (tid, True, CLOSED)
    conversations = freshdesk.api("GET", f"{LIST}/archived/{tid}/conversations").json()
    assert [c["id"] for c in conversations] == [c["id"] for c in freshdesk.state(tid)["conversations"]]
    assert freshdesk.api("PUT", f"{LIST}/archived/{tid}", json={"tags": ["x"]}).status_code == 405
    live = freshdesk.ticket_id(status=CLOSED)
    assert freshdesk.api("GET", f"{LIST}/archived/{live}").status_code == 404


def test_update_replaces_tags_and_validates_fields(freshdesk):
    """Does PUT replace tags, merge valid cf_ fields, list every invalid one, and refuse spam, deleted, non-JSON?"""
    tid = freshdesk.ticket_id(status=CLOSED)
    ok = freshdesk.api(
        "PUT", f"{LIST}/{tid}", json={"tags": ["a"], "custom_fields": {FIELD_MEDIATION_LABEL: "En cours"}}
    )
    assert ok.status_code == 200
    assert ok.json()["tags"] == ["a"]
    assert ok.json()["custom_fields"][FIELD_MEDIATION_LABEL] == "En cours"
    assert ok.json()["status"] == CLOSED  # documented nowhere as reopening: the simulator keeps it closed
    bad = freshdesk.api(
        "PUT", f"{LIST}/{tid}", json={"custom_fields": {"cf_inconnu": 1, FIELD_MEDIATION_LABEL: "Oui"}, "status": 9}
    )
    assert bad.status_code == 400
    assert {(e["field"], e["code"]) for e in bad.json()["errors"]} == {
        ("cf_inconnu", "invalid_field"),
        (FIELD_MEDIATION_LABEL, "invalid_value"),
        ("status", "invalid_value"),
    }
    assert freshdesk.state(tid)["ticket"]["tags"] == ["a"]
    assert freshdesk.api("PUT", f"{LIST}/{tid}", json={"status": 2}).json()["status"] == 2
    assert freshdesk.api("PUT", f"{LIST}/{tid}", data="tags=a").status_code == 415
    for flag in ("spam", "deleted"):
        other = freshdesk.ticket_id(**{flag: True})
        assert freshdesk.api("PUT", f"{LIST}/{other}", json={"tags": []}).status_code == 405


def test_conversations_are_paged_with_the_link_header(freshdesk):
    """Does following the link header return every conversation once, in order?"""
    bodies = [{"body": f"message {i}", "author": "agent" if i % 2 else "requester"} for i in range(7)]
    tid = freshdesk.create(subject="Long échange", conversations=bodies)["ticket"]["id"]
    seen, url = [], f"{LIST}/{tid}/conversations?per_page=3"
    while url:
        answer = freshdesk.api("GET", url.removeprefix(freshdesk.base_url))
        seen += [c["body_text"] for c in answer.json()]
        url = answer.links.get("next", {}).get("url")
    assert seen == [b["body"] for b in bodies]


def test_rate_limit_headers_and_429(start_freshdesk, clock):
    """Are credits counted on every answer (includes cost more, errors count), and 429 sent with Retry-After?"""
    freshdesk = start_freshdesk(rate_limit=10, list_limit=2)
    answers = [
        freshdesk.api("GET", LIST, params={**SINCE, "include": "requester"}),
        freshdesk.api("GET", f"{LIST}/1", auth=("wrong", "X")),
        freshdesk.api("GET", LIST, params={"per_page": 500}),
        freshdesk.api("GET", LIST, params=SINCE),
    ]
    assert [a.status_code for a in answers] == [200, 401, 400, 429]
    assert answers[1].json() == {
        "code": "invalid_credentials",
        "message": "You have to be logged in to perform this action.",
    }
    assert [a.headers["X-RateLimit-Used-CurrentRequest"] for a in answers] == ["3", "1", "1", "0"]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["7", "6", "5", "5"]
    assert {a.headers["X-RateLimit-Total"] for a in answers} == {"10"}
    assert "Retry-After" not in answers[0].headers
    assert 1 <= int(answers[3].headers["Retry-After"]) <= 60  # the Tickets List sub-limit (2 calls)
    for _ in range(5):
        assert freshdesk.api("GET", f"{LIST}/1").status_code == 200
    assert freshdesk.api("GET", f"{LIST}/1").status_code == 429  # the account's 10 credits
    clock.now += 60
    assert freshdesk.api("GET", LIST, params=SINCE).headers["X-RateLimit-Remaining"] == "9"


def test_rate_limit_zero_lifts_every_limit(start_freshdesk):
    """With rate_limit=0, do calls far beyond the Tickets List limit all succeed, without rate-limit headers?"""
    freshdesk = start_freshdesk(rate_limit=0, list_limit=5)
    answers = [freshdesk.api("GET", LIST, params=SINCE) for _ in range(30)]
    assert {a.status_code for a in answers} == {200}
    assert "X-RateLimit-Remaining" not in answers[-1].headers


def test_faults_are_seeded_and_look_like_freshdesk(start_freshdesk):
    """Does faults=0.3 spoil about 30 % of answers the same way for a seed, sparing the control routes?"""
    runs = []
    for _ in range(2):
        freshdesk = start_freshdesk(rate_limit=0, faults=0.3, seed=11, fault_kinds=("429", "500", "502", "503"))
        runs.append([freshdesk.api("GET", f"{LIST}/1").status_code for _ in range(60)])
        assert all(freshdesk.state(1)["ticket"]["id"] == 1 for _ in range(10))
    assert runs[0] == runs[1]
    assert 8 <= sum(code != 200 for code in runs[0]) <= 30
    assert set(runs[0]) == {200, 429, 500, 502, 503}
    freshdesk.sim.wsgi_app.plan = ScriptedFaults(["429"])
    throttled = freshdesk.api("GET", f"{LIST}/1")
    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "1")
    assert "exceeded" in throttled.json()["message"]


def test_control_routes(freshdesk):
    """Do the /_sim routes create tickets in bulk at chosen seconds, archive closed ones only, and show state?"""
    ids = freshdesk.bulk(6, ["2026-02-01T10:00:00Z", "2026-02-01T10:00:01Z"], status=CLOSED, tags=["x"])
    stamps = [freshdesk.state(i)["ticket"]["updated_at"] for i in ids]
    assert stamps == ["2026-02-01T10:00:00Z"] * 3 + ["2026-02-01T10:00:01Z"] * 3
    state = freshdesk.change(ids[0], status="archived")
    assert (state["archived"], state["ticket"]["archived"]) == (True, True)
    assert state["ticket"]["updated_at"] == "2026-02-01T10:00:00Z"  # archiving is not an activity
    open_one = freshdesk.create(status=2)["ticket"]["id"]
    refused = requests.put(f"{freshdesk.base_url}/_sim/tickets/{open_one}", json={"status": "archived"}, timeout=5)
    assert refused.status_code == 400
    assert freshdesk.state(open_one)["archived"] is False
