"""Every item of article R614-2 prints its total in the public edition; only breakdown cells under
``report_min_cell`` are withheld (issue 13). The hand-computed year is tests/reports/known_year.py."""

from __future__ import annotations

import re

import pytest

from mediator_plugin.reports import publication
from mediator_plugin.reports.html import render_html
from mediator_plugin.reports.pdf import render_edition
from tests.reports.conftest import pdf_text
from tests.reports.known_year import build

# The key figures: one tile per item of R614-2 (item 8 has two), its figure over all disputes.
ITEM_TILES = [
    "40 saisines reçues",                                   # 1
    "75,0 % Facturation : objet le plus fréquent",          # 2
    "30,0 % demandes refusées",                             # 3
    "20,0 % médiations interrompues",                       # 4
    "76 j durée moyenne",                                   # 5
    "60,0 % solutions exécutées (si connu)",                # 6
    "10,0 % saisines transfrontalières",                    # 7
    "40,0 % en faveur du consommateur",                     # 8
    "75,0 % résolues à l'amiable",                          # 8
]
# Table A over all disputes, item by item.
ITEM_TOTALS = [
    "Saisines reçues 40", "Facturation 75,0 % (30 sur 40)", "Part des demandes refusées 30,0 % (12 sur 40)",
    "Part des médiations interrompues 20,0 % (5 sur 25)", "Durée moyenne 76,0 jours (sur 20 médiations)",
    "Solution exécutée 60,0 % (9 sur 15)", "Saisines transfrontalières 10,0 % (4 sur 40)",
    "En faveur du consommateur 40,0 % (8 sur 20)", "Résolus à l'amiable 75,0 % (15 sur 20)",
]


def _key_figures(text: str) -> str:
    return text.split("Chiffres clés")[-1].split("Les éléments légaux")[0]


@pytest.mark.requirement("R-REPORT-1", "R-REPORT-2", "R-GDPR-8", "R-STATS-6")
def test_public_edition_prints_the_total_of_every_item(app, known_year):
    """Does the public PDF and HTML give, on the key figures page and in Table A, the figure of each of the
    eight items over all disputes (item 4's share interrupted included), while the causes of interruption,
    under 10 files each, read "non significatif"?"""
    report = publication.current_report(2025)
    text = pdf_text(render_edition(report, "public"))
    key_figures = _key_figures(text)
    for tile in ITEM_TILES:
        assert tile in key_figures, tile
    for total in ITEM_TOTALS:
        assert total in text, total
    assert "Retrait du consommateur non significatif" in text  # 3 withdrawals: a breakdown cell
    page = re.sub(r"<[^>]+>", " ", render_html(report, "public")).replace("\u00a0", " ").replace("&#39;", "'")
    page = " ".join(page.split())
    for tile in ITEM_TILES:
        assert tile in page, tile
    for total in ITEM_TOTALS:
        assert total in page, total


@pytest.mark.requirement("R-REPORT-1", "R-GDPR-8", "R-STATS-6")
def test_totals_print_even_when_every_count_is_small(make_app, monkeypatch):
    """With a threshold of 100 files, above every count of the year, do the items' totals still print in the
    public edition while every breakdown cell is withheld?"""
    with make_app(report_min_cell=100).app_context():
        build(monkeypatch)
        text = pdf_text(render_edition(publication.current_report(2025), "public"))
    key_figures = _key_figures(text)
    assert "non significatif Facturation : objet le plus fréquent" in key_figures  # a category is a breakdown
    for tile in (t for t in ITEM_TILES if "Facturation" not in t):
        assert tile in key_figures, tile
    for total in ITEM_TOTALS:
        if not total.startswith("Facturation"):  # a category's share is a breakdown cell
            assert total in text, total
    assert "Facturation non significatif" in text and "Retrait du consommateur non significatif" in text
    assert "Saisines reçues 40 non significatif non significatif" in text  # each side of the split is a cell
