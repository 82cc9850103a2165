"""From an online filing to a file: the reserved reference, the documents, the linked helpdesk ticket."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from mediator_plugin.cases.models import Case, Document, TicketCopy
from mediator_plugin.core.db import db
from mediator_plugin.intake.models import IntakeItem, OnlineFiling
from mediator_plugin.intake.sync import upsert_snapshot
from tests.public.conftest import PDF, csrf_token, file_and_read_ack, helpdesk_request, post_filing
from tests.support.factories import new_case


def _open(app, login, item_id: int):
    team = app.test_client()
    login(team, "gestionnaire")
    token = csrf_token(team, "/console/arrivees/")
    response = team.post(f"/console/arrivees/{item_id}/ouvrir", data={"csrf_token": token})
    body = response.get_data(as_text=True)
    assert response.status_code == 303, body[body.find("<main"):][:1500]
    return team, response.headers["Location"]


def _item(source: str, external_id: str) -> IntakeItem:
    db.session.expire_all()
    return db.session.execute(sa.select(IntakeItem).where(
        IntakeItem.source == source, IntakeItem.external_id == external_id)).scalar_one()


@pytest.mark.requirement("R-WEB-2")
def test_opening_the_filing_keeps_its_reference(app, client, login, people):
    """Does the file opened from an online filing take the reference the consumer was given, with its documents?"""
    reference, _code = file_and_read_ack(client, files=[("facture-mars.pdf", PDF)])
    other = new_case(people.gestionnaire)  # a file opened meanwhile takes the next number, not the reserved one
    assert other.reference != reference

    team, location = _open(app, login, _item("online", reference).id)
    assert location.endswith(f"/console/dossiers/{reference}")
    case = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one()
    assert case.channel == "online" and case.first_written_complaint_on is not None
    consumer = case.party("consumer")
    assert (consumer.email, consumer.phone) == ("jeanne.dupont@example.org", "06 12 34 56 78")
    assert "Bordeaux" in consumer.postal_address
    documents = db.session.execute(sa.select(Document).where(Document.case_id == case.id)).scalars().all()
    assert [d.filename for d in documents] == ["facture-mars.pdf"]
    page = team.get(location).get_data(as_text=True)
    assert "Demande déposée en ligne" in page and "le service client refuse le second remboursement" in page
    assert _item("online", reference).state == "opened"


@pytest.mark.requirement("R-HELPDESK-3")
def test_ticket_linked_when_the_email_matches_and_copied_at_opening(app, client, login):
    """Is the helpdesk ticket linked when its requester has the consumer's e-mail, and copied into the file?"""
    upsert_snapshot(helpdesk_request(ticket_id="123", email="JEANNE.DUPONT@example.org"))
    db.session.commit()
    reference, _code = file_and_read_ack(client, ticket_number="#123")
    filing = db.session.execute(sa.select(OnlineFiling)).scalar_one()
    assert (filing.linked_vendor, filing.linked_ticket_id) == ("zendesk", "123")

    team = app.test_client()
    login(team, "gestionnaire")
    assert "liée au ticket Zendesk n° 123" in team.get("/console/arrivees/").get_data(as_text=True)

    _open(app, login, _item("online", reference).id)
    case = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one()
    copy = db.session.execute(sa.select(TicketCopy).where(TicketCopy.case_id == case.id)).scalar_one()
    assert (copy.vendor, copy.ticket_id) == ("zendesk", "123")
    helpdesk_item = _item("zendesk", "123")
    assert (helpdesk_item.state, helpdesk_item.case_id) == ("opened", case.id)  # no second file from the ticket


@pytest.mark.requirement("R-HELPDESK-3")
def test_ticket_not_linked_when_the_email_differs_and_the_consumer_cannot_tell(app, client):
    """With another requester's ticket, is nothing of it kept, and is the acknowledgement the same as without it?"""
    upsert_snapshot(helpdesk_request(ticket_id="456", email="someone.else@example.org"))
    db.session.commit()

    first_ref, _code = file_and_read_ack(app.test_client(), ticket_number="456")
    assert "456" not in str(_item("online", first_ref).snapshot)
    filing = db.session.execute(sa.select(OnlineFiling).where(OnlineFiling.reference == first_ref)).scalar_one()
    assert filing.linked_vendor is None and filing.linked_ticket_id is None

    pages = []
    for ticket in ("456", "999999"):  # another's ticket, and one that does not exist
        visitor = app.test_client()
        response = post_filing(visitor, ticket_number=ticket)
        page = visitor.get(response.headers["Location"]).get_data(as_text=True)
        pages.append(re.sub(r"MED-\d{4}-\d{5}|[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", "X", page))
    assert pages[0] == pages[1]
    assert _item("zendesk", "456").state == "pending"
