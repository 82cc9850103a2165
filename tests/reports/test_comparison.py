"""Last year's value and the change beside each figure (issue 13): from the year before's published report when
there is one, otherwise from the data marked "non publié"; frozen at publication; withheld like the year's own
small cells in the public edition. Hand-computed years: tests/reports/known_year.py and year_before.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from mediator_plugin.core.db import db
from mediator_plugin.reports import publication, snapshots
from mediator_plugin.reports.html import render_html
from mediator_plugin.reports.pdf import render_edition
from tests.reports.conftest import pdf_text
from tests.reports.year_before import add_case, build_2024

# Table A over all disputes in 2025, then 2024 and the change (comex edition; the domestic and cross-border
# columns sit between).
ROWS = [
    ("Saisines reçues 40 36 4", "32 +25,0 %"),
    ("Part des demandes refusées 30,0 % (12 sur 40) 30,6 % (11 sur 36) 25,0 % (1 sur 4)", "25,0 % (8 sur 32) +5,0 pts"),
    ("Durée moyenne 76,0 jours (sur 20 médiations) 75,3 jours (sur 18 médiations) 82,5 jours (sur 2 médiations)",
     "60,0 jours (sur 4 médiations) +16,0 jours"),
]
TILES = ["40 saisines reçues 2024 : 32 · +25,0 %", "30,0 % demandes refusées 2024 : 25,0 % · +5,0 pts",
         "76 j durée moyenne 2024 : 60 j · +16,0 jours"]


@pytest.fixture
def two_years(known_year):
    build_2024(first=1)
    return known_year


@pytest.mark.requirement("R-REPORT-1", "R-STATS-5")
def test_each_figure_shows_the_year_before_computed_and_marked_unpublished(app, two_years):
    """With 2024 never published, does each Table A figure of 2025 show 2024's value computed from the data and
    the change (points for shares, per cent for counts, days for durations), under a head saying "non publié",
    in the PDF and the HTML, and do the key figures show them too?"""
    report = publication.current_report(2025)
    assert report["figures"]["previous"]["published"] is None
    text = pdf_text(render_edition(report, "comex"))
    assert "Ensemble des litiges en 2024 (non publié)" in text and "Le rapport de 2024 n'a pas été publié" in text
    for now, before in ROWS:
        assert f"{now} {before}" in text, now
    for tile in TILES:
        assert tile in text, tile
    page = re.sub(r">\s+<", "><", render_html(report, "public").replace("\u00a0", " "))
    assert "Ensemble des litiges en 2024 (non publié)" in page
    assert '<td class="num">25,0 % (8 sur 32)</td><td class="num">+5,0 pts</td>' in page
    assert "2024 : 32 · +25,0 %" in page


@pytest.mark.requirement("R-REPORT-5", "R-STATS-5")
def test_the_year_before_comes_from_its_published_report_and_is_frozen(app, two_years):
    """Once 2024 is published, does 2025's report take 2024's figures from that version (saying so) even after
    2024's data changes, and does 2025's published version keep them when 2024 is corrected later?"""
    first_2024 = publication.publish(2024, published_by="claire")
    db.session.commit()
    # One more refusal in 2024, found after its publication.
    add_case(99, "INADMISSIBLE", datetime(2024, 5, 2, 10, tzinfo=UTC), inadmissibility_ground="OUT_OF_SCOPE",
          ended_at=datetime(2024, 5, 9, 10, tzinfo=UTC), closed_at=datetime(2024, 5, 9, 10, tzinfo=UTC))
    db.session.commit()
    report = publication.current_report(2025)
    assert report["figures"]["previous"]["published"]["version"] == 1
    text = pdf_text(render_edition(report, "public"))
    assert "Ensemble des litiges en 2024" in text and "(non publié)" not in text
    assert "Les chiffres de 2024 sont ceux de son rapport publié (version 1 du" in text
    assert "Saisines reçues 40 36 non significatif 32 +25,0 %" in text

    published_2025 = publication.publish(2025, published_by="claire")
    db.session.commit()
    second_2024 = publication.publish(2024, published_by="claire", reason="Un refus oublié")
    db.session.commit()
    assert (first_2024.version, second_2024.version) == (1, 2)
    assert second_2024.figures["table_a"]["all"]["saisines"]["value"] == 33
    frozen = snapshots.latest(2025)
    assert frozen.data_sha256 == published_2025.data_sha256
    assert frozen.figures["previous"]["table_a"]["saisines"]["value"] == 32
    assert "Saisines reçues 40 36 4 32 +25,0 %" in pdf_text(render_edition(frozen.as_report(), "comex"))
    assert "40 33" not in pdf_text(render_edition(publication.current_report(2025), "comex"))  # frozen, not live


@pytest.mark.requirement("R-GDPR-8", "R-STATS-6")
def test_public_edition_withholds_small_cells_of_the_year_before(app, two_years):
    """In the public edition, is a breakdown cell of 2024 under the threshold withheld, with no change printed
    beside it, while 2024's totals print?"""
    report = publication.current_report(2025)
    text = pdf_text(render_edition(report, "public"))
    # 8 refusals in 2024, all on this ground: withheld, and so is the change.
    assert ("Absence de tentative préalable de résolution du litige directement auprès du professionnel par une "
            "réclamation écrite non significatif non significatif non significatif non significatif —") in text
    assert "Part des demandes refusées 30,0 % (12 sur 40) 30,6 % (11 sur 36) non significatif 25,0 % (8 sur 32) " \
           "+5,0 pts" in text
    assert "8 sur 8" not in text
    assert "8 sur 8" in pdf_text(render_edition(report, "comex"))


@pytest.mark.requirement("R-REPORT-1")
def test_no_comparison_without_a_year_before(app, known_year):
    """Does a year whose year before holds nothing print its tables without a comparison column?"""
    report = publication.current_report(2025)
    assert report["figures"]["previous"] is None
    text = pdf_text(render_edition(report, "comex"))
    assert "Évolution" not in text and "2024 :" not in text and "Saisines reçues 40 36 4 Facturation" not in text


@pytest.mark.requirement("R-REPORT-1", "R-STATS-5")
def test_the_year_before_is_counted_as_its_own_report_counts_it(app, two_years):
    """Does the lighter computation of a year before (figures.headline) give exactly the figures its own report
    gives for Table A over all disputes, the admitted mediations, the categories and the parties' answers?"""
    from mediator_plugin.reports.figures import compute, headline

    for year in (2024, 2025):
        light, whole = headline(year), compute(year)
        assert light["table_a"]["all"] == whole["table_a"]["all"]
        assert light["funnel"]["admitted"] == whole["funnel"]["admitted"]
        assert light["answers"]["overall"] == whole["answers"]["overall"]
        assert [{k: c[k] for k in ("code", "value", "numerator", "denominator")} for c in light["categories"]] == \
            [{k: c[k] for k in ("code", "value", "numerator", "denominator")} for c in whole["categories"]]
