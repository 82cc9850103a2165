"""Label write-back of the Zendesk connector against the simulator: the label and nothing else, once."""

from __future__ import annotations

import pytest
import requests

from connectors.base import MediationLabel
from connectors.zendesk.simulator_data import FIELD_MEDIATION_LABEL, MEDIATION_TAG

IN_PROGRESS, ENDED = MediationLabel.IN_PROGRESS, MediationLabel.ENDED


def closed_ticket(zendesk) -> int:
    return next(t["id"] for t in zendesk.sim.tickets.values() if t["status"] == "closed" and not t["deleted"])


def without_change_marks(state: dict) -> dict:
    """A ticket's state minus what a label write may change (tags, updated_at, the label field)."""
    ticket = {
        k: v for k, v in state["ticket"].items() if k not in ("tags", "updated_at", "custom_fields", "fields")
    }
    fields = [f for f in state["ticket"]["custom_fields"] if f["id"] != FIELD_MEDIATION_LABEL]
    return {**state, "ticket": {**ticket, "custom_fields": fields}}


def test_label_on_a_closed_ticket_goes_through_update_many(zendesk):
    """On a closed ticket, does write_label use update_many and its job, changing only the label tags?"""
    tid = closed_ticket(zendesk)
    before = zendesk.state(tid)
    connector = zendesk.connector()
    connector.write_label(str(tid), IN_PROGRESS)
    after = zendesk.state(tid)
    assert after["ticket"]["tags"] == [*before["ticket"]["tags"], "mediation_en_cours"]
    assert after["ticket"]["custom_fields"] == before["ticket"]["custom_fields"]
    assert without_change_marks(after) == without_change_marks(before)
    assert after["ticket"]["updated_at"] > before["ticket"]["updated_at"]
    assert zendesk.writes() == [("PUT", f"/api/v2/tickets/update_many.json?ids={tid}")]
    assert any(p.startswith("/api/v2/job_statuses/") for _, p in zendesk.sim.request_log)

    connector.write_label(str(tid), ENDED)
    ended = zendesk.state(tid)
    assert ended["ticket"]["tags"] == [*before["ticket"]["tags"], "mediation_terminee"]
    assert without_change_marks(ended) == without_change_marks(before)


def test_labels_are_idempotent(zendesk):
    """Does a second write_label of the same label, on closed and solved tickets, make no write request?"""
    closed = closed_ticket(zendesk)
    solved = zendesk.create(status="solved", tags=[MEDIATION_TAG], updated_at=zendesk.clock.now - 600)[
        "ticket"
    ]["id"]
    connector = zendesk.connector(label_field_id=FIELD_MEDIATION_LABEL)
    for tid in (closed, solved):
        connector.write_label(str(tid), IN_PROGRESS)
        writes = len(zendesk.writes())
        connector.write_label(str(tid), IN_PROGRESS)
        assert len(zendesk.writes()) == writes


def test_label_on_a_solved_ticket_survives_a_concurrent_edit(zendesk):
    """On a solved ticket edited between our read and write, is the 409 handled and both changes kept?"""
    tid = zendesk.create(
        subject="Résiliation",
        status="solved",
        tags=["resiliation", MEDIATION_TAG],
        updated_at=zendesk.clock.now - 600,
    )["ticket"]["id"]
    edited = []

    def agent_edits_meanwhile(response, *args, **kwargs):
        if response.request.method == "GET" and f"/tickets/{tid}.json" in response.url and not edited:
            edited.append(zendesk.change(tid, priority="urgent"))

    session = requests.Session()
    session.hooks["response"].append(agent_edits_meanwhile)
    before = zendesk.state(tid)
    zendesk.connector(session=session, label_field_id=FIELD_MEDIATION_LABEL).write_label(
        str(tid), IN_PROGRESS
    )
    after = zendesk.state(tid)
    assert after["ticket"]["tags"] == ["resiliation", MEDIATION_TAG, "mediation_en_cours"]
    assert after["ticket"]["priority"] == "urgent"
    assert after["ticket"]["status"] == "solved"
    assert {"id": FIELD_MEDIATION_LABEL, "value": "En cours"} in after["ticket"]["custom_fields"]
    assert after["comments"] == before["comments"]
    assert zendesk.writes() == [("PUT", f"/api/v2/tickets/{tid}.json")] * 2  # refused with 409, then accepted

    zendesk.connector(label_field_id=FIELD_MEDIATION_LABEL).write_label(str(tid), ENDED)
    ended = zendesk.state(tid)["ticket"]
    assert ended["tags"] == ["resiliation", MEDIATION_TAG, "mediation_terminee"]
    assert {"id": FIELD_MEDIATION_LABEL, "value": "Terminée"} in ended["custom_fields"]


def test_label_when_the_ticket_closes_meanwhile(zendesk):
    """If the ticket closes between our read and our write, does the 422 lead to the update_many path?"""
    tid = zendesk.create(status="solved", tags=[MEDIATION_TAG], updated_at=zendesk.clock.now - 600)["ticket"][
        "id"
    ]
    closed = []

    def closes_meanwhile(response, *args, **kwargs):
        if response.request.method == "GET" and f"/tickets/{tid}.json" in response.url and not closed:
            closed.append(zendesk.change(tid, status="closed"))

    session = requests.Session()
    session.hooks["response"].append(closes_meanwhile)
    zendesk.connector(session=session).write_label(str(tid), IN_PROGRESS)
    assert zendesk.state(tid)["ticket"]["tags"] == [MEDIATION_TAG, "mediation_en_cours"]
    assert [p for _, p in zendesk.writes()] == [
        f"/api/v2/tickets/{tid}.json",
        f"/api/v2/tickets/update_many.json?ids={tid}",
    ]


@pytest.mark.requirement("R-HELPDESK-2")
def test_solved_ticket_shows_the_mediation_custom_status_field_and_tag(zendesk):
    """On a solved ticket, with the custom statuses and field configured, do agents see all three, and only them?"""
    from connectors.zendesk.simulator_data import STATUS_MEDIATION_ENDED, STATUS_MEDIATION_IN_PROGRESS

    tid = zendesk.create(status="solved", tags=[MEDIATION_TAG], updated_at=zendesk.clock.now - 600)["ticket"]["id"]
    before = zendesk.state(tid)
    connector = zendesk.connector(label_field_id=FIELD_MEDIATION_LABEL, label_status_ids={
        IN_PROGRESS: STATUS_MEDIATION_IN_PROGRESS, ENDED: STATUS_MEDIATION_ENDED})
    connector.write_label(str(tid), IN_PROGRESS)
    during = zendesk.state(tid)["ticket"]
    assert during["custom_status_id"] == STATUS_MEDIATION_IN_PROGRESS and during["status"] == "solved"
    assert {"id": FIELD_MEDIATION_LABEL, "value": "En cours"} in during["custom_fields"]
    assert during["tags"] == [*before["ticket"]["tags"], "mediation_en_cours"]
    connector.write_label(str(tid), ENDED)
    after = zendesk.state(tid)
    assert after["ticket"]["custom_status_id"] == STATUS_MEDIATION_ENDED
    assert {"id": FIELD_MEDIATION_LABEL, "value": "Terminée"} in after["ticket"]["custom_fields"]
    assert _without_status(after) == _without_status(before)


def _without_status(state: dict) -> dict:
    marked = without_change_marks(state)
    return {**marked, "ticket": {k: v for k, v in marked["ticket"].items() if k not in ("custom_status_id", "status")}}
