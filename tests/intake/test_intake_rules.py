"""The intake queue and the opening of a file: the refusal clock from the receipt, the party type a helpdesk marks,
and the duplicate check (issue 13, findings 1, 9 and 10), on SQLite and PostgreSQL."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
import sqlalchemy as sa
from freezegun import freeze_time

from connectors.base import Comment, TicketSnapshot
from connectors.zendesk import ZendeskConnector
from mediator_plugin.cases import admissibility, closure, services
from mediator_plugin.cases.models import Case, TimelineEvent
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MissingField
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.intake.services import open_case
from mediator_plugin.intake.sync import upsert_snapshot
from mediator_plugin.reports.figures import compute
from tests.public.conftest import file_and_read_ack
from tests.support.clock import paris_today
from tests.support.factories import new_case
from tests.support.helpdesk import CREDENTIALS, zendesk_with_request


def _request(ticket_id: str, *, asked: datetime, name="Jeanne Dupont", email="jeanne.dupont@example.org",
             professional=False) -> IntakeItem:
    snapshot = TicketSnapshot(
        vendor="zendesk", ticket_id=ticket_id, subject="Frais de résiliation", status="closed",
        requester_name=name, requester_email=email, created_at=asked - timedelta(days=40), updated_at=asked,
        closed_at=asked, tags=("demande_mediation",), mediation_requested=True, requester_professional=professional,
        comments=(Comment(id="1", author_name=name, author_is_requester=True, public=True, body="Je conteste.",
                          created_at=asked - timedelta(days=40)),))
    upsert_snapshot(snapshot)
    db.session.commit()
    return db.session.execute(sa.select(IntakeItem).where(IntakeItem.external_id == ticket_id)).scalar_one()


@pytest.mark.requirement("R-DEADLINE-1")
def test_online_request_filed_thirty_days_ago_shows_its_refusal_deadline_passed(app, client_for):
    """The three weeks run in the intake queue too: filed on 1 March, the card says a refusal was due by 22 March,
    now passed; a request filed yesterday is on track."""
    with freeze_time("2026-03-01 09:00:00"):
        old, _ = file_and_read_ack(app.test_client())
    with freeze_time("2026-03-30 09:00:00"):
        recent, _ = file_and_read_ack(app.test_client())
    with freeze_time("2026-03-31 09:00:00"):
        queue = html.unescape(client_for("gestionnaire").get("/console/arrivees/").get_data(as_text=True))
    cards = {reference: next(c for c in queue.split('<section class="card"') if reference in c)
             for reference in (old, recent)}
    assert "22 mars 2026" in cards[old] and "dépassé" in cards[old] and "reçue il y a 30 jours" in cards[old]
    assert "20 avril 2026" in cards[recent] and "dans les temps" in cards[recent]


@pytest.mark.requirement("R-DEADLINE-1")
def test_file_opened_from_a_ticket_is_received_the_day_the_consumer_asked(app, people):
    """A ticket closed with its request on 2 March and opened a week later: the clock ran from 2 March."""
    item = _request("501", asked=datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    with freeze_time("2026-03-09 10:00:00"):
        case = open_case(item, people.gestionnaire)
        db.session.commit()
    assert case.received_at.date() == date(2026, 3, 2) and case.rejection_due == date(2026, 3, 23)


@pytest.mark.requirement("R-SCOPE-2")
def test_helpdesk_marks_a_professional_and_the_team_corrects_it_with_a_reason(make_app, people):
    """A ticket tagged as a professional's opens a professional file, outside the statutory figures; the team may
    correct the party type at intake, with its reason in the history, and the file then counts."""
    with zendesk_with_request() as helpdesk:
        app = make_app(zendesk={**helpdesk["settings"], "professional_tag": "client_pro"})
        base = helpdesk["base"]
        # Two days ago: the incremental export leaves out the last minute.
        before = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        ids = [requests.post(f"{base}/_sim/tickets", timeout=10, json={
            "subject": "Litige", "status": "closed", "tags": tags, "created_at": before, "updated_at": before,
            "requester": {"name": "SARL Dupont", "email": f"contact{len(tags)}@dupont.example"},
            "comments": [{"author": "requester", "public": True, "body": "Facture contestée."}]}).json()["ticket"]["id"]
            for tags in (["demande_mediation", "client_pro"], ["demande_mediation"])]
        connector = ZendeskConnector(base, **CREDENTIALS, professional_tag="client_pro")
        assert [connector.fetch_ticket(str(i)).requester_professional for i in ids] == [True, False]
        with app.app_context():
            from mediator_plugin.intake.sync import sync_helpdesk

            sync_helpdesk(connector)
            items = db.session.execute(sa.select(IntakeItem).where(
                IntakeItem.requester_email.like("contact%@dupont.example"))).scalars().all()
            pro = next(i for i in items if i.snapshot.get("requester_professional"))
            other = next(i for i in items if not i.snapshot.get("requester_professional"))
            pro_case = open_case(pro, people.gestionnaire)
            db.session.commit()
            assert pro_case.party_type == "professional"
            with pytest.raises(MissingField):
                open_case(other, people.gestionnaire, party_type="professional")
            db.session.rollback()
            corrected = open_case(other, people.gestionnaire, party_type="professional",
                                  party_type_reason="Kbis joint : la demande vient d'une société.")
            db.session.commit()
            assert corrected.party_type == "professional"
            line = db.session.execute(sa.select(TimelineEvent.data).where(
                TimelineEvent.case_id == corrected.id, TimelineEvent.kind == "party_type_set")).scalar_one()
            assert line["why"] == "Kbis joint : la demande vient d'une société." and line["previous"] == "consumer"
            services.classify(pro_case, people.gestionnaire, party_type="consumer",
                              reason="Le demandeur est un particulier : sa société n'existe plus depuis 2024.")
            db.session.commit()
            funnel = compute(pro_case.received_at.year)["funnel"]
            assert (funnel["saisines"]["value"], funnel["non_statutory"]["value"]) == (1, 1)


@pytest.mark.requirement("R-ADM-6")
def test_duplicate_check_matches_name_customer_number_and_ticket_and_reads_the_court_flag(app, people):
    """A second request by "helene durand" (no accent, other e-mail) matches Hélène Durand's file, whose court case
    is flagged; a customer number written with other separators matches too."""
    first = new_case(people.gestionnaire, name="Hélène  Durand", email="h.durand@example.org",
                     customer_number="CL-0042 17")
    closure.interrupt(first, people.gestionnaire, cause="COURT_SEIZED")
    db.session.commit()
    item = _request("777", asked=datetime.now(UTC) - timedelta(days=1), name="helene durand",
                    email="autre.adresse@example.net")
    second = open_case(item, people.gestionnaire)
    db.session.commit()
    flagged = db.session.execute(sa.select(TimelineEvent.data).where(
        TimelineEvent.case_id == second.id, TimelineEvent.kind == "possible_duplicate")).scalar_one()
    assert flagged["references"] == [first.reference] and flagged["court_cases"] == [first.reference]
    assert flagged["matched_on"] == ["name"]
    third = new_case(people.gestionnaire, name="Paul Martin", email="paul@example.org", customer_number="cl 004217")
    from mediator_plugin.cases.duplicates import possible_duplicates

    found = possible_duplicates(email=None, name="Paul Martin", customer_number="CL0042-17",
                                exclude_case_id=third.id)
    assert [(d.reference, d.matched_on) for d in found] == [(first.reference, ("customer_number",))]


@pytest.mark.requirement("R-ADM-6", "R-ADM-1")
def test_file_page_shows_the_duplicate_and_its_court_case_and_suggests_ground_3(app, people, client_for):
    """The file page names the other file of the same consumer (by name, accents aside), says a court case was
    declared there, and the refusal form offers ground 3 first."""
    first = new_case(people.gestionnaire, name="Hélène Durand", email="h.durand@example.org")
    closure.interrupt(first, people.gestionnaire, cause="COURT_SEIZED")
    second = new_case(people.gestionnaire, name="HELENE DURAND", email="autre@example.net")
    db.session.commit()
    page = html.unescape(client_for("gestionnaire").get(f"/console/dossiers/{second.reference}")
                         .get_data(as_text=True))
    assert first.reference in page and f"Une action en justice a été déclarée sur {first.reference}" in page
    assert '<option value="ALREADY_EXAMINED_OR_PENDING_ELSEWHERE" selected>' in page


@pytest.mark.requirement("R-PRESC-1")
def test_date_of_seizure_and_end_change_only_through_their_correction(app, people):
    """The receipt and the end of a mediation are fixed once recorded; the receipt is corrected only by its service,
    with the reason in the history, before the admissibility decision."""
    from mediator_plugin.cases.models import LegalDateChanged

    case = new_case(people.gestionnaire)
    case.received_at = case.received_at - timedelta(days=3)
    with pytest.raises(LegalDateChanged):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(MissingField):
        services.correct_receipt_date(case, people.gestionnaire, received_on=paris_today(), reason=" ")
    db.session.rollback()
    day = paris_today() - timedelta(days=3)
    services.correct_receipt_date(case, people.gestionnaire, received_on=day, reason="Cachet de la poste mal lu")
    db.session.commit()
    assert case.received_at.date() == day and case.rejection_due == day + timedelta(days=21)
    admissibility.declare_inadmissible(case, people.gestionnaire, ground="OUT_OF_SCOPE")
    db.session.commit()
    case.ended_at = case.ended_at + timedelta(days=1)
    with pytest.raises(LegalDateChanged):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Case, case.id).ended_at is not None
    kinds = db.session.execute(sa.select(TimelineEvent.kind).where(TimelineEvent.case_id == case.id)).scalars().all()
    assert "receipt_corrected" in kinds


@pytest.mark.requirement("R-DEADLINE-1", "R-WEB-2")
def test_demo_requests_show_the_clock_at_every_stage(app, client_for):
    """The demo's online requests, a month, two weeks and two days old, show a passed deadline, the J+14 alert
    and a running clock in the intake queue, as a newcomer should see them."""
    from mediator_plugin.seed.requests import REQUESTS, seed_pending_requests

    assert seed_pending_requests() == len(REQUESTS)
    db.session.commit()
    queue = html.unescape(client_for("gestionnaire").get("/console/arrivees/").get_data(as_text=True))
    cards = {name: next(c for c in queue.split('<section class="card"') if name in c)
             for _days, name, *_ in REQUESTS}
    assert "dépassé" in cards["Sylvie Marchand"] and "reçue il y a 30 jours" in cards["Sylvie Marchand"]
    assert "proche" in cards["Karim Benali"]
    assert "dans les temps" in cards["Odile Ferrand"]
    assert "pas indiqué de réclamation écrite préalable" in cards["Odile Ferrand"]
