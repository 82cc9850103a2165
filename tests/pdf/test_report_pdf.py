"""The annual report PDF and the French formats it relies on, read back from the PDF."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from mediator_plugin.core import pdf as core_pdf
from mediator_plugin.core.charter import LEGAL_GROUNDS, load_charter
from mediator_plugin.core.pdf import (
    Fonts,
    fr_date,
    fr_number,
    fr_percent,
    pdf_text,
    register_fonts,
    render_pdf,
    stylesheet,
)
from mediator_plugin.reports.pdf import render_report

CHARTER = load_charter()
COUNTS = (10, 6, 4, 3, 2)
FIGURES = {
    "year": 2026,
    "saisines": 200,
    "refused": 25,
    "refused_share": 0.125,
    "refused_by_ground": [
        {"code": code, "label": CHARTER.label("ground", code), "count": count, "share": count / 25}
        for code, count in zip(LEGAL_GROUNDS, COUNTS, strict=True)
    ],
    "average_duration_days": 41.26,
    "durations_counted": 120,
    "generated_at": datetime(2027, 1, 15, 8, 5, tzinfo=UTC),
    "charter_version": CHARTER.version,
}


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_report_states_key_figures_in_french():
    """Does the report give saisines, refusal share with its base, and average duration, in French format?"""
    text = text_of(render_report(FIGURES, charter=CHARTER, edition="public"))
    assert "Rapport annuel du médiateur — 2026" in text
    assert "Édition publique" in text
    assert "Saisines reçues 200" in text
    assert "12,5 % (25 sur 200)" in text
    assert "41,3 jours (moyenne sur 120 dossiers)" in text
    assert CHARTER.mediator["mediator_name"] in text
    assert CHARTER.mediator["company_name"] in text


def test_report_lists_refusals_by_ground():
    """Does the refusal table give every ground label with its count and share of refusals?"""
    text = text_of(render_report(FIGURES, charter=CHARTER, edition="public"))
    for ground in FIGURES["refused_by_ground"]:
        assert ground["label"] in text
    assert "10 40,0 %" in text
    assert "2 8,0 %" in text


def test_report_states_method_and_versions():
    """Does the method section define each figure and name the charter and generator versions?"""
    text = text_of(render_report(FIGURES, charter=CHARTER, edition="comex"))
    assert "Édition pour le comité exécutif" in text
    assert "rapporté au nombre de saisines" in text
    assert "entre la notification de la saisine" in text
    assert f"version {CHARTER.version}" in text
    assert "15 janvier 2027 à 9 h 05" in text
    assert "Page 1 sur" in text


def test_report_without_durations_or_refusals_says_so():
    """Is a missing average shown as "non disponible", and an empty year without a chart?"""
    empty = {**FIGURES, "saisines": 0, "refused": 0, "refused_share": None, "average_duration_days": None,
             "durations_counted": 0,
             "refused_by_ground": [{**g, "count": 0, "share": None} for g in FIGURES["refused_by_ground"]]}
    text = text_of(render_report(empty, charter=CHARTER, edition="public"))
    assert "Durée moyenne de la médiation non disponible" in text
    assert "Demandes refusées (irrecevables) non disponible" in text
    assert "Aucune demande n'a été refusée en 2026." in text


def test_report_metadata_and_unknown_edition():
    """Are the PDF title and creator set, and is an unknown edition refused?"""
    meta = PdfReader(io.BytesIO(render_report(FIGURES, charter=CHARTER, edition="public"))).metadata
    assert meta.title == "Rapport annuel du médiateur — 2026"
    assert meta.creator == "Médiateur"
    with pytest.raises(ValueError, match="edition"):
        render_report(FIGURES, charter=CHARTER, edition="press")


def test_french_formats():
    """Do the helpers give French dates, separators, half-up rounding and percentages?"""
    assert fr_date(date(2026, 11, 21)) == "21 novembre 2026"
    assert fr_date(date(2026, 3, 1)) == "1er mars 2026"
    assert fr_number(1234.5, 2) == "1\u202f234,50"
    assert fr_number(0.145, 2) == "0,15"
    assert fr_percent(0.125) == "12,5\u00a0%"
    assert fr_percent(1 / 3, 0) == "33\u00a0%"


def test_narrow_no_break_space_renders():
    """Does "1 234,50 €" written with U+202F come back from the PDF with its digits?"""
    text = text_of(render_pdf([Paragraph(pdf_text("Montant : 1\u202f234,50\u00a0€"), stylesheet()["body"])],
                              title="t", author="a", subject="s"))
    assert "Montant : 1 234,50 €" in text


def test_helvetica_fallback(monkeypatch, tmp_path):
    """Without DejaVu, is Helvetica chosen and is text kept within what it can draw?"""
    assert register_fonts((tmp_path,)) == Fonts("Helvetica", "Helvetica-Bold", unicode=False)
    monkeypatch.setattr(core_pdf, "fonts", lambda: Fonts("Helvetica", "Helvetica-Bold", unicode=False))
    safe = pdf_text("1\u202f234,50\u00a0€ à Łódź")
    assert safe == "1\u00a0234,50\u00a0€ à ?ód?"
    style = ParagraphStyle("h", fontName="Helvetica")
    pdf = render_pdf([Paragraph(safe, style)], title="t", author="a", subject="s")
    assert "1 234,50 € à ?ód?" in text_of(pdf)


def test_french_punctuation_spaces_do_not_break():
    """Are spaces before ":" ";" "?" "!" "»" and after "«" made non-breaking, with markup escaped?"""
    expected = "«\u00a0Oui\u00a0»\u00a0: a&lt;b &amp; c\u00a0;<br/>fin\u00a0?"
    assert pdf_text("« Oui » : a<b & c ;\nfin ?") == expected
