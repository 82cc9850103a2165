"""Where the saisines come from and what the requests are about: the consumer's region (R-STATS-2) and the dispute
domain (R-SCOPE-2), recorded at intake and at classification, counted in SQL and printed in both editions, on
SQLite and PostgreSQL."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.cases import parties, services
from mediator_plugin.cases.models import Case, TimelineEvent
from mediator_plugin.core.db import db
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.reports.figures import compute
from mediator_plugin.reports.html import render_html
from mediator_plugin.reports.pdf import render_edition
from mediator_plugin.reports.snapshots import live_report
from mediator_plugin.reports.suppression import public_view
from tests.public.conftest import CSRF, file_and_read_ack
from tests.reports.conftest import pdf_text
from tests.support.factories import new_case

NOW = "2026-03-10 10:00:00"


def _consumer(email: str, address: str) -> dict:
    """A consumer known by the postal address alone (no postcode field), as the online form gives it."""
    return {"email": email, "postal_address": address, "postcode": None}


@pytest.fixture
def origins(app, people):
    """Eight consumers' saisines of 2026 and two requests outside the statutory figures, built by the services:
    Nouvelle-Aquitaine 3, outside France or unknown 2 (Brussels, and a Bordeaux address on a cross-border file),
    Auvergne-Rhône-Alpes 1 (moved from Bordeaux to Lyon), Corse 1, La Réunion 1."""
    handler = people.gestionnaire
    with freeze_time(NOW):
        bordeaux = [new_case(handler, email=f"bordeaux{n}@example.org") for n in range(3)]
        new_case(handler, **_consumer("ajaccio@example.org", "2 cours Napoléon\n20000 Ajaccio"))
        new_case(handler, **_consumer("reunion@example.org", "5 rue de Paris\n97400 Saint-Denis"))
        new_case(handler, **_consumer("bruxelles@example.org", "Rue Neuve 5\n1000 Bruxelles\nBelgique"))
        moved, crossing = new_case(handler, email="lyon@example.org"), new_case(handler, email="x@example.org")
        parties.update_contact(moved, handler, party="consumer", email="lyon@example.org",
                               postal_address="1 place Bellecour\n69002 Lyon")
        services.classify(crossing, handler, cross_border=True)
        services.classify(bordeaux[0], handler, dispute_domain="excluded_service")
        for party_type, domain in (("professional", "other"), ("non_professional", None)):
            case = services.create_case(actor=handler, channel="post", subject="Litige", received_at=moved.received_at,
                                        party_type=party_type,
                                        consumer={"name": "SARL Martin", "postal_address": "8 rue Royale\n75008 Paris"})
            if domain:
                services.classify(case, handler, dispute_domain=domain)
        db.session.commit()
    return {"bordeaux": bordeaux, "moved": moved, "crossing": crossing}


@pytest.mark.requirement("R-STATS-2")
def test_the_region_follows_the_postcode_the_address_and_the_cross_border_flag(origins):
    """Is each file's region the one of its consumer's postcode, or of the postcode in the address, and does it
    follow a corrected address and a file marked cross-border?"""
    regions = dict(db.session.execute(sa.select(Case.reference, Case.region)).all())
    assert regions[origins["bordeaux"][1].reference] == "75"
    assert regions[origins["moved"].reference] == "84" and origins["moved"].party("consumer").postcode == "69002"
    assert regions[origins["crossing"].reference] == "99"
    assert sorted(regions.values()) == sorted(["75", "75", "75", "94", "04", "99", "84", "99", "11", "11"])


@pytest.mark.requirement("R-STATS-2", "R-SCOPE-2")
def test_figures_count_saisines_by_region_and_every_request_by_domain(origins):
    """Are the saisines counted by region (consumers only, most first, ties in the table's order) and every request
    by domain and party type, while the statutory count keeps to the consumers?"""
    figures = compute(2026)
    assert figures["table_a"]["all"]["saisines"]["value"] == 8
    found = [(r["code"], r["numerator"], r["denominator"]) for r in figures["regions"] if r["numerator"]]
    assert found == [("75", 3, 8), ("99", 2, 8), ("84", 1, 8), ("94", 1, 8), ("04", 1, 8)]
    assert len(figures["regions"]) == 20
    table = figures["domains"]
    assert table["party_types"] == ["consumer", "non_professional", "professional"]
    assert table["statutory"] == ["consumer"]
    assert {r["code"]: [c["value"] for c in r["cells"]] for r in table["rows"]} == {
        "consumer_contract": [7, 1, 0], "excluded_service": [1, 0, 0], "other": [0, 0, 1]}


@pytest.mark.requirement("R-STATS-2", "R-SCOPE-2", "R-GDPR-8")
def test_both_editions_print_the_tables_and_the_public_one_hides_small_cells(origins):
    """Does the comex edition print each region and domain count, and the public one (minimum cell 3 here) keep the
    cell of 3 and print "non significatif" for the cells of 1 and 2?"""
    figures = {**compute(2026), "min_cell": 3}
    comex = pdf_text(render_edition(live_report(figures), "comex"))
    public = pdf_text(render_edition(live_report(figures), "public"))
    assert "Où vivent les consommateurs" in comex and "Demandes par domaine du litige" in public
    assert "Nouvelle-Aquitaine 3 37,5 %" in comex and "Corse 1 12,5 %" in comex
    assert "Hors France ou inconnue 2 25,0 %" in comex
    assert "Nouvelle-Aquitaine 3 37,5 %" in public and "Corse non significatif non significatif" in public
    assert "Hors France ou inconnue non significatif" in public
    assert "Contrat de consommation 7 1 0" in comex and "Autre litige 0 0 1" in comex
    assert "Contrat de consommation 7 non significatif 0" in public
    assert public_view(figures)["domains"]["rows"][2]["cells"][2]["numerator"] is None
    page = html.unescape(render_html(live_report(figures), "comex"))
    assert "Demandes de l'année par domaine du litige et type de partie" in page
    assert "Service exclu par l'article L611-4" in page


@pytest.mark.requirement("R-SCOPE-2")
def test_an_online_request_is_opened_with_its_domain_and_reclassified_with_a_logged_change(app, client_for):
    """Opened from the intake queue with a domain, is the online request's domain recorded and its region read
    from the address it gave; does a reclassification on the file page name both domains in the history, and is
    an unknown domain refused with a French message, storing nothing?"""
    with freeze_time(NOW):
        reference, _code = file_and_read_ack(app.test_client(), postal_address="2 cours Napoléon\n20000 Ajaccio")
        lisa = client_for("gestionnaire")
        queue = lisa.get("/console/arrivees/").get_data(as_text=True)
        item = db.session.execute(sa.select(IntakeItem.id).where(IntakeItem.external_id == reference)).scalar_one()
        opened = lisa.post(f"/console/arrivees/{item}/ouvrir", data={
            "csrf_token": CSRF.search(queue).group(1), "dispute_domain": "other"})
        assert opened.status_code == 303
        case = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one()
        assert (case.dispute_domain, case.region) == ("other", "94")
        page = lisa.get(f"/console/dossiers/{reference}").get_data(as_text=True)
        token = CSRF.search(page).group(1)
        refused = lisa.post(f"/console/dossiers/{reference}/actions/classify",
                            data={"csrf_token": token, "dispute_domain": "lottery"})
        assert refused.status_code == 422 and "Domaine du litige inconnu." in html.unescape(refused.get_data(True))
        changed = lisa.post(f"/console/dossiers/{reference}/actions/classify",
                            data={"csrf_token": token, "dispute_domain": "consumer_contract"})
        assert changed.status_code == 303
        page = html.unescape(lisa.get(f"/console/dossiers/{reference}").get_data(as_text=True))
    assert "Domaine du litige : « Autre litige » devient « Contrat de consommation »." in page
    assert "<dt>Région du consommateur</dt><dd>Corse</dd>" in page
    lines = db.session.execute(sa.select(TimelineEvent.data).where(TimelineEvent.kind == "classified")).scalars()
    assert [line["changes"]["dispute_domain"] for line in lines] == [["consumer_contract", "other"],
                                                                      ["other", "consumer_contract"]]


@pytest.mark.requirement("R-REPORT-5")
def test_a_snapshot_published_before_regions_and_domains_still_prints(origins):
    """Does a report frozen before regions and domains were computed print both editions, without those tables?"""
    figures = compute(2026)
    for key in ("regions", "domains"):
        del figures[key]
    for key in ("region", "dispute_domain", "party_type"):
        del figures["labels"][key]
    for edition in ("public", "comex"):
        text = pdf_text(render_edition(live_report(figures), edition))
        assert "Saisines reçues" in text and "Où vivent les consommateurs" not in text
        assert "Demandes par domaine du litige" not in render_html(live_report(figures), edition)
