"""Label write-back of the Freshdesk connector against the simulator: the label and nothing else, once."""

from __future__ import annotations

import pytest
import requests

from connectors.base import HelpdeskNotFound, HelpdeskRejected, MediationLabel
from connectors.freshdesk.simulator_data import FIELD_MEDIATION_LABEL, MEDIATION_TAG
from tests.connectors import freshdesk_fixtures
from tests.connectors.freshdesk_fixtures import CLOSED

# The Freshdesk fixtures, made visible to pytest in this module (freshdesk builds on start_freshdesk).
freshdesk = freshdesk_fixtures.freshdesk
start_freshdesk = freshdesk_fixtures.start_freshdesk

IN_PROGRESS, ENDED = MediationLabel.IN_PROGRESS, MediationLabel.ENDED


def without_label(state: dict) -> dict:
    """A ticket's full state minus what a label write may change (tags, the label field, updated_at)."""
    ticket = {k: v for k, v in state["ticket"].items() if k not in ("tags", "updated_at", "custom_fields")}
    fields = {k: v for k, v in state["ticket"]["custom_fields"].items() if k != FIELD_MEDIATION_LABEL}
    stats = {k: v for k, v in ticket["stats"].items() if k != "status_updated_at"}
    return {**state, "ticket": {**ticket, "custom_fields": fields, "stats": stats}}


@pytest.mark.requirement("R-HELPDESK-2", "R-CONF-4")
def test_label_merges_tags_sets_the_field_and_sends_nothing_else(freshdesk):
    """Does write_label keep the agents' tags, add the label, set cf_mediation, and PUT only tags and fields?"""
    tid = freshdesk.ticket_id(status=CLOSED)
    freshdesk.change(tid, tags=["livraison", "vip", MEDIATION_TAG])
    before = freshdesk.state(tid)
    freshdesk.connector().write_label(str(tid), IN_PROGRESS)
    after = freshdesk.state(tid)
    assert after["ticket"]["tags"] == ["livraison", "vip", MEDIATION_TAG, "mediation_en_cours"]
    assert after["ticket"]["custom_fields"][FIELD_MEDIATION_LABEL] == "En cours"
    assert after["ticket"]["status"] == CLOSED
    assert without_label(after) == without_label(before)
    [(method, path, body)] = freshdesk.writes()  # no note, no reply, no status
    assert (method, path) == ("PUT", f"/api/v2/tickets/{tid}")
    assert body == {
        "tags": ["livraison", "vip", MEDIATION_TAG, "mediation_en_cours"],
        "custom_fields": {FIELD_MEDIATION_LABEL: "En cours"},
    }


def test_ended_replaces_in_progress(freshdesk):
    """Does the ENDED label replace mediation_en_cours by mediation_terminee and the field by "Terminée"?"""
    tid = freshdesk.ticket_id(status=CLOSED)
    before = freshdesk.state(tid)
    connector = freshdesk.connector()
    connector.write_label(str(tid), IN_PROGRESS)
    connector.write_label(str(tid), ENDED)
    after = freshdesk.state(tid)
    assert after["ticket"]["tags"] == [*before["ticket"]["tags"], "mediation_terminee"]
    assert after["ticket"]["custom_fields"][FIELD_MEDIATION_LABEL] == "Terminée"
    assert without_label(after) == without_label(before)
    assert all(set(body) <= {"tags", "custom_fields"} for _, _, body in freshdesk.writes())


def test_labels_are_idempotent(freshdesk):
    """Does a second write_label of the same label make no PUT, and a missing field alone get only the field?"""
    tid = freshdesk.ticket_id(status=CLOSED)
    connector = freshdesk.connector()
    connector.write_label(str(tid), IN_PROGRESS)
    connector.write_label(str(tid), IN_PROGRESS)
    assert len(freshdesk.writes()) == 1
    freshdesk.change(tid, custom_fields={FIELD_MEDIATION_LABEL: None})
    connector.write_label(str(tid), IN_PROGRESS)
    assert freshdesk.writes()[-1][2] == {"custom_fields": {FIELD_MEDIATION_LABEL: "En cours"}}
    connector.write_label(str(tid), IN_PROGRESS)
    assert len(freshdesk.writes()) == 2


def test_tags_only_without_a_label_field(freshdesk):
    """With label_field=None, is the label written as a tag alone, the custom fields untouched?"""
    tid = freshdesk.ticket_id(status=CLOSED)
    before = freshdesk.state(tid)["ticket"]
    freshdesk.connector(label_field=None).write_label(str(tid), ENDED)
    after = freshdesk.state(tid)["ticket"]
    assert after["tags"] == [*before["tags"], "mediation_terminee"]
    assert after["custom_fields"] == before["custom_fields"]
    assert [body for _, _, body in freshdesk.writes()] == [{"tags": after["tags"]}]


def test_an_archived_ticket_refuses_the_label(freshdesk):
    """Is writing on an archived ticket a HelpdeskRejected saying so, with no write attempted?"""
    tid = freshdesk.ticket_id(archived=True)
    with pytest.raises(HelpdeskRejected, match="archived") as raised:
        freshdesk.connector().write_label(str(tid), IN_PROGRESS)
    assert not raised.value.retryable
    assert freshdesk.writes() == []


@pytest.mark.parametrize("flag", ["deleted", "spam"])
def test_deleted_or_spam_tickets_are_not_written(freshdesk, flag):
    """Is a deleted or spam ticket reported as absent (HelpdeskNotFound), with no write attempted?"""
    with pytest.raises(HelpdeskNotFound):
        freshdesk.connector().write_label(str(freshdesk.ticket_id(**{flag: True})), IN_PROGRESS)
    assert freshdesk.writes() == []


def test_a_ticket_deleted_meanwhile_gives_freshdesks_405(freshdesk):
    """If the ticket is deleted between our read and our write, is the 405 a HelpdeskRejected with its words?"""
    tid = freshdesk.ticket_id(status=CLOSED)
    deleted = []

    def deleted_meanwhile(response, *args, **kwargs):
        if response.request.method == "GET" and not deleted:
            deleted.append(freshdesk.change(tid, status="deleted"))

    session = requests.Session()
    session.hooks["response"].append(deleted_meanwhile)
    with pytest.raises(HelpdeskRejected, match=r"HTTP 405"):
        freshdesk.connector(session=session).write_label(str(tid), IN_PROGRESS)
    assert len(freshdesk.writes()) == 1


def test_validation_errors_carry_freshdesks_error_codes(freshdesk):
    """With a label field the account lacks, is the 400 a HelpdeskRejected naming Freshdesk's error codes (the
    field and invalid_field, never the body's words), not retried?"""
    tid = freshdesk.ticket_id(status=CLOSED)
    with pytest.raises(HelpdeskRejected, match="HTTP 400") as raised:
        freshdesk.connector(label_field="cf_inexistant").write_label(str(tid), IN_PROGRESS)
    assert "cf_inexistant" in str(raised.value)
    assert "invalid_field" in str(raised.value)
    assert len(freshdesk.writes()) == 1
