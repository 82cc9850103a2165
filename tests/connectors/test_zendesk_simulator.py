"""The Zendesk simulator follows the vendor's documented behaviour (reference/helpdesk-apis.md §1)."""

from __future__ import annotations

import re
from collections import Counter

from connectors.zendesk.simulator import ZendeskSimulator
from connectors.zendesk.simulator_data import MEDIATION_TAG

EXPORT = "/api/v2/incremental/tickets/cursor.json"
CLOSED_BODY = {
    "error": "RecordInvalid",
    "description": "Record validation errors",
    "details": {"status": [{"description": "Status closed prevents ticket update"}]},
}


def closed_ticket_id(zendesk) -> int:
    return next(t["id"] for t in zendesk.sim.tickets.values() if t["status"] == "closed" and not t["deleted"])


def test_seed_is_deterministic_and_realistic():
    """Does a seed always give the same French tickets, mostly closed, a few asking for mediation?"""
    first = ZendeskSimulator.seeded(tickets=600, seed=3, now=1_790_000_000)
    again = ZendeskSimulator.seeded(tickets=600, seed=3, now=1_790_000_000)
    assert first.tickets == again.tickets
    assert first.users == again.users
    assert first.comments_of(first.tickets[42]) == again.comments_of(again.tickets[42])
    assert ZendeskSimulator.seeded(tickets=600, seed=4, now=1_790_000_000).tickets != first.tickets
    tickets = list(first.tickets.values())
    statuses = Counter(t["status"] for t in tickets)
    assert set(statuses) == {"new", "open", "pending", "hold", "solved", "closed"}
    assert statuses["closed"] > len(tickets) / 2
    closed = [t for t in tickets if t["status"] == "closed"]
    assert 0.05 <= sum(MEDIATION_TAG in t["tags"] for t in closed) / len(closed) <= 0.10
    assert any(MEDIATION_TAG in t["tags"] for t in tickets if t["status"] == "solved")
    assert 0 < sum(t["deleted"] for t in tickets) < len(tickets) * 0.05
    ages = [(1_790_000_000 - t["updated_at"]) / 86_400 for t in tickets]
    assert min(ages) > 0
    assert 300 < max(ages) <= 400
    assert all(u["email"].endswith(("@example.org", "@example.com")) for u in first.users.values())
    text = " ".join(c["body"] for t in tickets[:50] for c in first.comments_of(t))
    assert "Bonjour" in text
    assert "médiateur" in text
    assert any(c["attachments"] for t in tickets for c in first.comments_of(t))


def test_export_refuses_start_time_with_cursor(zendesk):
    """Does the export answer 400 when given both start_time and cursor, or neither?"""
    after = zendesk.api("GET", EXPORT, params={"start_time": 0, "per_page": 5}).json()["after_cursor"]
    both = zendesk.api("GET", EXPORT, params={"start_time": 0, "cursor": after})
    neither = zendesk.api("GET", EXPORT)
    assert both.status_code == neither.status_code == 400
    assert "title" in both.json()["error"]
    assert zendesk.api("GET", EXPORT, params={"start_time": 0, "per_page": 1001}).status_code == 400


def test_export_hides_the_last_minute(zendesk):
    """Is a ticket changed less than a minute ago left out of the export until the minute has passed?"""
    fresh = zendesk.create(subject="Coupure", status="closed", tags=[MEDIATION_TAG])["ticket"]["id"]
    first = zendesk.api("GET", EXPORT, params={"start_time": 0}).json()
    assert first["end_of_stream"]
    assert fresh not in [t["id"] for t in first["tickets"]]
    zendesk.clock.now += 61
    later = zendesk.api("GET", EXPORT, params={"cursor": first["after_cursor"]}).json()
    assert [t["id"] for t in later["tickets"]] == [fresh]


def test_export_pages_are_ordered_and_carry_deleted_tickets(zendesk):
    """Are pages ordered by (updated_at, id), chained by after_cursor, deleted tickets as "deleted"?"""
    seen, params = [], {"start_time": 0, "per_page": 40, "include": "users"}
    while True:
        page = zendesk.api("GET", EXPORT, params=params).json()
        seen += page["tickets"]
        assert {t["requester_id"] for t in page["tickets"]} <= {u["id"] for u in page["users"]}
        if page["end_of_stream"]:
            break
        params = {"cursor": page["after_cursor"], "per_page": 40, "include": "users"}
    keys = [(t["generated_timestamp"], t["id"]) for t in seen]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(zendesk.sim.tickets)
    deleted = {t["id"] for t in zendesk.sim.tickets.values() if t["deleted"]}
    assert {t["id"] for t in seen if t["status"] == "deleted"} == deleted
    some_deleted = next(iter(deleted))
    assert zendesk.api("GET", f"/api/v2/tickets/{some_deleted}.json").status_code == 404
    kept = zendesk.api("GET", EXPORT, params={"start_time": 0, "exclude_deleted": "true"}).json()
    assert not deleted & {t["id"] for t in kept["tickets"]}


def test_credentials_and_roles(zendesk):
    """Do bad credentials get Zendesk's 401, and a non-admin agent a 403 on the export?"""
    bad = zendesk.api("GET", EXPORT, params={"start_time": 0}, auth=("x@example.com/token", "no"))
    assert bad.status_code == 401
    assert bad.json() == {"error": "Couldn't authenticate you"}
    assert bad.headers["WWW-Authenticate"] == 'Basic realm="Web Password"'
    agent = next(u for u in zendesk.sim.users.values() if u["role"] == "agent")
    zendesk.sim.add_api_token(agent["email"], "agent-token")
    auth = (f"{agent['email']}/token", "agent-token")
    assert zendesk.api("GET", EXPORT, params={"start_time": 0}, auth=auth).status_code == 403
    assert zendesk.api("GET", "/api/v2/tickets/1.json", auth=auth).status_code == 200
    bearer = {"Authorization": "Bearer demo-oauth-token"}
    assert zendesk.api("GET", "/api/v2/tickets/1.json", auth=None, headers=bearer).status_code == 200


def test_closed_tickets_refuse_single_updates(zendesk):
    """Do PUT /tickets/{id} and the tags endpoints answer 422 "Status closed prevents ticket update"?"""
    tid = closed_ticket_id(zendesk)
    before = zendesk.state(tid)
    put = zendesk.api("PUT", f"/api/v2/tickets/{tid}.json", json={"ticket": {"tags": ["x"]}})
    assert put.status_code == 422
    assert put.json() == CLOSED_BODY
    for method in ("POST", "PUT", "DELETE"):
        assert (
            zendesk.api(method, f"/api/v2/tickets/{tid}/tags.json", json={"tags": ["x"]}).status_code == 422
        )
    assert zendesk.state(tid) == before


def test_safe_update_detects_stale_stamps(zendesk):
    """Does safe_update with an old updated_stamp get a 409 UpdateConflict and change nothing?"""
    tid = zendesk.create(subject="Facture", status="solved", updated_at=zendesk.clock.now - 3600)["ticket"][
        "id"
    ]
    stamp = zendesk.state(tid)["ticket"]["updated_at"]
    zendesk.change(tid, priority="high")  # an agent edits the ticket meanwhile
    stale = {"ticket": {"tags": ["a"], "safe_update": True, "updated_stamp": stamp}}
    answer = zendesk.api("PUT", f"/api/v2/tickets/{tid}.json", json=stale)
    assert answer.status_code == 409
    assert answer.json()["error"] == "UpdateConflict"
    assert zendesk.state(tid)["ticket"]["tags"] == []
    fresh = {
        "ticket": {
            "tags": ["a"],
            "safe_update": True,
            "updated_stamp": zendesk.state(tid)["ticket"]["updated_at"],
        }
    }
    answer = zendesk.api("PUT", f"/api/v2/tickets/{tid}.json", json=fresh)
    assert answer.status_code == 200
    assert answer.json()["ticket"]["tags"] == ["a"]
    assert answer.json()["ticket"]["updated_at"] > fresh["ticket"]["updated_stamp"]


def test_update_many_tags_closed_tickets_through_a_job(zendesk):
    """Does update_many queue a job that adds and removes tags on a closed ticket only once it completes?"""
    tid = closed_ticket_id(zendesk)
    zendesk.change(tid, tags=["facturation", "mediation_en_cours"])
    body = {"ticket": {"additional_tags": ["mediation_terminee"], "remove_tags": ["mediation_en_cours"]}}
    job = zendesk.api("PUT", "/api/v2/tickets/update_many.json", params={"ids": str(tid)}, json=body).json()
    assert job["job_status"]["status"] == "queued"
    statuses = []
    while not statuses or statuses[-1] != "completed":
        status = zendesk.api("GET", f"/api/v2/job_statuses/{job['job_status']['id']}.json").json()[
            "job_status"
        ]
        statuses.append(status["status"])
        if status["status"] == "working":
            assert "mediation_terminee" not in zendesk.state(tid)["ticket"]["tags"]
    assert statuses == ["working", "completed"]
    assert status["results"] == [{"id": tid, "action": "update", "success": True, "status": "Updated"}]
    assert zendesk.state(tid)["ticket"]["tags"] == ["facturation", "mediation_terminee"]
    too_many = ",".join(str(i) for i in range(1, 102))
    assert (
        zendesk.api(
            "PUT", "/api/v2/tickets/update_many.json", params={"ids": too_many}, json=body
        ).status_code
        == 400
    )


def test_comments_cursor_pagination(zendesk):
    """Does following links.next while meta.has_more return every comment once, in order?"""
    comments = [{"body": f"message {i}", "author": "requester" if i % 2 else "agent"} for i in range(7)]
    tid = zendesk.create(subject="Long échange", comments=comments)["ticket"]["id"]
    bodies, url = [], f"/api/v2/tickets/{tid}/comments.json?page[size]=3"
    while url:
        page = zendesk.api("GET", url.removeprefix(zendesk.base_url)).json()
        bodies += [c["body"] for c in page["comments"]]
        url = page["links"]["next"] if page["meta"]["has_more"] else None
    assert bodies == [c["body"] for c in comments]


def test_rate_limits_answer_429_with_retry_after(start_zendesk, clock):
    """Does the account limit answer 429 with Retry-After, headers counting down, and reset after a minute?"""
    zendesk = start_zendesk(rate_limit=3)
    answers = [zendesk.api("GET", "/api/v2/tickets/1.json") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-Rate-Limit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert 1 <= int(answers[3].headers["Retry-After"]) <= 60
    clock.now += 60
    export = zendesk.api("GET", EXPORT, params={"start_time": 0, "per_page": 1})
    assert export.status_code == 200
    assert re.fullmatch(
        r"total=10; remaining=9; resets=\d+", export.headers["zendesk-ratelimit-incremental-exports"]
    )


def test_incremental_exports_are_limited_to_ten_a_minute(zendesk):
    """Is the eleventh export call within a minute refused with a 429, while other endpoints still answer?"""
    codes = [
        zendesk.api("GET", EXPORT, params={"start_time": 0, "per_page": 1}).status_code for _ in range(11)
    ]
    assert codes == [200] * 10 + [429]
    assert zendesk.api("GET", "/api/v2/tickets/1.json").status_code == 200


def test_rate_limit_zero_lifts_every_limit(start_zendesk):
    """With rate_limit=0, do many export calls all succeed without rate-limit headers?"""
    zendesk = start_zendesk(rate_limit=0)
    answers = [zendesk.api("GET", EXPORT, params={"start_time": 0, "per_page": 1}) for _ in range(15)]
    assert {a.status_code for a in answers} == {200}
    assert "X-Rate-Limit-Remaining" not in answers[-1].headers


def test_update_ticket_limits(start_zendesk, clock):
    """Are ticket updates held to 100/min per account (JSON 429) and 30 per 10 min per ticket (plain text)?"""
    zendesk = start_zendesk(rate_limit=700)
    open_ids = [t["id"] for t in zendesk.sim.tickets.values() if t["status"] == "open" and not t["deleted"]][:5]
    assert len(open_ids) == 5

    def update(tid):
        return zendesk.api("PUT", f"/api/v2/tickets/{tid}.json", json={"ticket": {"priority": "high"}})

    codes = [update(open_ids[i % 5]).status_code for i in range(100)]
    assert codes == [200] * 100
    refused = update(open_ids[0])
    assert refused.status_code == 429
    assert refused.json()["error"] == "APIRateLimitExceeded"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert zendesk.api("GET", f"/api/v2/tickets/{open_ids[0]}.json").status_code == 200
    clock.now += 60
    codes = [update(open_ids[0]).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]
    per_ticket = update(open_ids[0])
    assert per_ticket.headers["Content-Type"].startswith("text/plain")
    assert 500 < int(per_ticket.headers["Retry-After"]) <= 540
    assert update(open_ids[1]).status_code == 200


def test_archived_tickets_are_exported_but_not_listed(zendesk):
    """Are closed tickets older than the archive delay missing from GET /tickets yet present in the export?"""
    listed, url = [], "/api/v2/tickets.json?page[size]=100"
    while url:
        page = zendesk.api("GET", url.removeprefix(zendesk.base_url)).json()
        listed += [t["id"] for t in page["tickets"]]
        url = page["links"]["next"] if page["meta"]["has_more"] else None
    exported = [t["id"] for t in zendesk.api("GET", EXPORT, params={"start_time": 0}).json()["tickets"]]
    archived = {t["id"] for t in zendesk.sim.tickets.values() if zendesk.sim.archived(t)}
    live = {t["id"] for t in zendesk.sim.tickets.values() if not t["deleted"]}
    assert archived
    assert set(listed) == live - archived
    assert archived <= set(exported)
    assert len(listed) == len(set(listed))
