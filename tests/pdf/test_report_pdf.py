"""The French formats the letters and the annual report rely on, read back from a PDF (the report's own
tests are in tests/reports)."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from mediator_plugin.core import pdf as core_pdf
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


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())

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
