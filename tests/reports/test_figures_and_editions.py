"""The annual report of a known year (tests/reports/known_year.py): every Table A item computed in SQL on
both databases, found in the PDF of each edition, small cells suppressed in public, no personal data."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pypdf import PdfReader

from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import Identity, Role
from mediator_plugin.recommendations import services as register
from mediator_plugin.reports.figures import compute
from mediator_plugin.reports.html import render_html
from mediator_plugin.reports.pdf import render_edition
from mediator_plugin.reports.snapshots import live_report
from tests.reports.conftest import pdf_text

MEDIATOR = Identity(sub="claire", name="Claire Martin", roles=frozenset({Role.MEDIATOR}))
OWNER = "Bernard Lefort"
# Table A over all files: (text in the PDF, as computed by hand in known_year.py).
TABLE_A = [
    "Saisines reçues 40 36",                                   # item 1 (40 = 36 domestic + 4 cross-border)
    "Facturation 75,0 % (30 sur 40)",                          # item 2: the most frequent subject
    "Part des demandes refusées 30,0 % (12 sur 40) 30,6 % (11 sur 36)",  # item 3
    "Part des médiations interrompues 20,0 % (5 sur 25)",      # item 4
    "Durée moyenne 76,0 jours (sur 20 médiations)",            # item 5
    "Durée médiane 72,5 jours (sur 20 médiations)",
    "Achevées en 90 jours au plus 70,0 % (14 sur 20)",
    "Délai prolongé (litige complexe) 15,0 % (3 sur 20)",
    "Solution exécutée 60,0 % (9 sur 15)",                     # item 6
    "Exécution inconnue 20,0 % (3 sur 15)",
    "Saisines transfrontalières 10,0 % (4 sur 40)",            # item 7
    "En faveur du consommateur 40,0 % (8 sur 20)",             # item 8
    "En faveur du professionnel 15,0 % (3 sur 20)",
    "Résolus à l'amiable 75,0 % (15 sur 20) 77,8 % (14 sur 18)",
]


@pytest.fixture
def report(known_year):
    """The known year with one recommendation of 2025 and one of 2024 still being followed up."""
    register.issue(MEDIATOR, title="Clarifier les factures de régularisation", finding="Facturation : 75 %",
                   text="Expliquer chaque régularisation.", addressee="billing", issued_on=date(2025, 3, 10),
                   owner=OWNER, due_on=date(2025, 12, 15))
    earlier = register.issue(MEDIATOR, title="Accuser réception des résiliations", finding="Résiliation",
                             text="Envoyer un accusé de réception.", addressee="billing",
                             issued_on=date(2024, 5, 2), owner=OWNER)
    register.update(earlier, MEDIATOR, status="IN_PROGRESS", public_explanation="Outil en cours de déploiement.")
    from mediator_plugin.core.db import db

    db.session.commit()
    return live_report(compute(2025))


@pytest.mark.requirement("R-REPORT-1", "R-REPORT-2", "R-REPORT-3", "R-STATS-1", "R-STATS-2", "R-STATS-3",
                         "R-STATS-4", "R-STATS-5", "R-RECO-2", "R-SCOPE-2", "R-FLOW-2")
def test_table_a_figures_equal_the_hand_computed_ones(report):
    """Are the eight items of Table A, split domestic / cross-border, what known_year.py computes by hand?"""
    whole, domestic, crossing = (report["figures"]["table_a"][k] for k in ("all", "domestic", "cross_border"))
    assert (whole["saisines"]["value"], domestic["saisines"]["value"], crossing["saisines"]["value"]) == (40, 36, 4)
    assert (whole["refusals"]["share"]["numerator"], whole["refusals"]["share"]["denominator"]) == (12, 40)
    assert [g["numerator"] for g in whole["refusals"]["by_ground"]] == [6, 2, 2, 1, 1]
    assert [c["numerator"] for c in whole["interruptions"]["by_cause"]] == [3, 2, 0, 0, 0, 0]
    durations = whole["durations"]
    assert (durations["mean"]["value"], durations["median"]["value"]) == (76.0, 72.5)
    assert (durations["within_limit"]["numerator"], durations["extended"]["numerator"]) == (14, 3)
    assert [s["numerator"] for s in whole["implementation"]["by_status"]] == [9, 2, 1, 3]
    assert [o["numerator"] for o in whole["results"]["by_outcome"]] == [5, 3, 3, 1, 8]
    assert whole["results"]["amicable"]["numerator"] == 15
    f = report["figures"]
    assert f["funnel"]["non_statutory"]["value"] == 3 and f["funnel"]["under_way"]["numerator"] == 3
    assert f["per_month"] == [9, 14, 2, 2, 2, 2, 1, 1, 1, 1, 4, 1]
    assert {c["code"]: c["numerator"] for c in f["channels"]} == {"online": 30, "helpdesk": 7, "post": 3}
    overall = f["answers"]["overall"]
    assert (overall["company_followed"]["numerator"], overall["company_followed"]["denominator"]) == (11, 12)
    assert f["answers"]["departments"]["contracts"]["company_followed"]["numerator"] == 1
    assert (f["reminders"]["overall"]["numerator"], f["reminders"]["overall"]["denominator"]) == (6, 10)
    assert (f["accesses"]["total"]["value"], f["accesses"]["files"]["value"]) == (4, 3)
    assert [r["reference"] for r in f["recommendations"]["follow_up"]] == ["2024-01"]
    assert f["recommendations"]["follow_up"][0]["status_before"] == "ISSUED"


@pytest.mark.requirement("R-REPORT-1", "R-REPORT-2", "R-RECO-3")
def test_comex_pdf_states_every_table_a_item(report):
    """Does the comex PDF print each Table A figure with its base, the owners and the real small numbers?"""
    text = pdf_text(render_edition(report, "comex"))
    for expected in TABLE_A:
        assert expected in text, expected
    assert ("Absence de tentative préalable de résolution du litige directement auprès du professionnel par une "
            "réclamation écrite 50,0 % (6 sur 12)") in text
    assert "Édition pour le comité exécutif" in text and "Lettre du médiateur" in text
    assert OWNER in text and "15 décembre 2025" in text
    assert "Provisoire" in text and re.search(r"Page 3 sur \d+", text)


@pytest.mark.requirement("R-GDPR-8", "R-STATS-6", "R-CONF-3", "R-RECO-3", "R-GDPR-9")
def test_public_pdf_suppresses_small_cells_and_holds_no_personal_data(report, known_year):
    """Does the public PDF print "non significatif" below 10 files, and none of the files' personal details,
    references, ticket ids, exact dates, nor the owners of recommendations?"""
    text = pdf_text(render_edition(report, "public"))
    for expected in ("Saisines reçues 40 36 non significatif", "Part des médiations interrompues 20,0 % (5 sur 25)",
                     "Durée moyenne 76,0 jours (sur 20 médiations)", "Résolus à l'amiable 75,0 % (15 sur 20)"):
        assert expected in text, expected
    assert ("Absence de tentative préalable de résolution du litige directement auprès du professionnel par une "
            "réclamation écrite non significatif") in text
    assert "Contrats non significatif" in text  # 6 saisines
    assert "6 sur 12" not in text and "Outil en cours de déploiement." in text
    leaks = [*known_year.names, *known_year.emails, *known_year.phones, *known_year.tickets,
             *known_year.references, OWNER, *{fr_date(m.date()) for m in known_year.moments}]
    assert [leak for leak in leaks if leak in text] == []
    assert "@exemple.fr" not in text and not re.search(r"\b0\d( \d\d){4}\b", text)


def test_pdf_has_contents_bookmarks_and_metadata(report):
    """Does each edition carry a table of contents, an outline and its title, author, subject and keywords?"""
    import io

    reader = PdfReader(io.BytesIO(render_edition(report, "public")))
    meta = reader.metadata
    assert meta.title == "Rapport annuel du médiateur — 2025" and meta.author == "Claire Martin"
    assert meta.subject.startswith("Édition publique") and "R614-2" in meta["/Keywords"]
    assert meta.creator == "Médiateur"
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Les éléments légaux (article R614-2 du code de la consommation)" in outline
    assert "Sommaire" in reader.pages[1].extract_text()


def test_html_edition_has_the_same_sections_with_svg_charts(report):
    """Does the HTML edition show the charts as inline SVG next to captioned tables, without JavaScript?"""
    html = render_html(report, "public").replace("\u00a0", " ")
    assert html.count("<svg") >= 6 and "<script" not in html and ' style="' not in html
    assert "<caption>Point 3 — Litiges refusés et motifs de refus</caption>" in html
    assert "30,0 % (12 sur 40)" in html and "non significatif" in html
    assert "Hortense" not in html and OWNER not in html
