"""The charter annex of the public edition prints formatted text, not raw Markdown, in PDF and HTML (issue 13,
point 10): headings are headings, bold and lists are bold and lists, and markup written in the file is text."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from pypdf import PdfReader

from mediator_plugin import state
from mediator_plugin.reports import publication
from mediator_plugin.reports.html import render_html
from mediator_plugin.reports.pdf import render_edition
from tests.reports.conftest import pdf_text

SUBHEADINGS = ["Pourquoi une médiatrice", "Trois valeurs", "Cinq principes", "Déroulement"]


def _outline(items, depth=0):
    """(depth, title) of every outline entry of a PDF."""
    for item in items:
        if isinstance(item, list):
            yield from _outline(item, depth + 1)
        else:
            yield depth, item.title


@pytest.mark.requirement("R-CHARTER-1", "R-REPORT-4")
def test_charter_annex_pdf_has_headings_and_no_markdown(app, known_year):
    """Does the public PDF's charter annex carry no "#", "**" or "- " marker, and are the charter's title and
    sections entries of the PDF outline, the sections under the title?"""
    pdf = render_edition(publication.current_report(2025), "public")
    annex = pdf_text(pdf).split("Les éléments légaux du rapport")[-1]
    charter = annex.split("Charte de la médiation", 1)[1]
    assert "Trois valeurs Indépendance. La médiatrice ne reçoit d'instruction de personne" in charter
    assert "1. Le client adresse d'abord une réclamation écrite au service client." in charter
    assert "#" not in charter and "**" not in charter and "- " not in charter
    outline = list(_outline(PdfReader(io.BytesIO(pdf)).outline))
    title = outline.index((1, "Charte de la médiation"))
    assert [entry for entry in outline[title + 1:] if entry[0] == 2] == [(2, s) for s in SUBHEADINGS]
    assert (0, "Annexes") in outline[:title]


@pytest.mark.requirement("R-CHARTER-1", "R-REPORT-4")
def test_charter_annex_html_is_formatted_and_escaped(app, known_year):
    """Does the HTML annex render the charter's headings, bold and numbered list as HTML, and print markup,
    a script and a javascript: link written in the charter as text?"""
    page = render_html(publication.current_report(2025), "public")
    annex = page.split("Les éléments légaux du rapport")[-1]
    assert re.search(r'<h3 id="s\d+">Charte de la médiation</h3>', annex)
    for heading in SUBHEADINGS:
        assert re.search(rf'<h4 id="s\d+">{heading}</h4>', annex), heading
    assert "<strong>Indépendance.</strong> La médiatrice" in annex.replace("&#39;", "'")
    assert "<ol>" in annex and "<li>Le client adresse d&#39;abord une réclamation écrite" in annex
    assert "**" not in annex and "## " not in annex

    charter = state().charter
    hostile = charter.text + ("\n\n## Contact\n\n<script>alert(1)</script> *Écrivez-nous* "
                              "[ici](javascript:alert(2)) ou [sur le site](https://example.org/contact).\n\n"
                              "- par courrier ;\n- par le formulaire en ligne.\n")
    state().charter = dataclasses.replace(charter, text=hostile)
    page = render_html(publication.current_report(2025), "public")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # markdown-it refuses the javascript: link: it stays the text it is, never a link.
    assert 'href="javascript:' not in page and "<em>Écrivez-nous</em> [ici](javascript:alert(2)) ou" in page
    assert '<a href="https://example.org/contact">sur le site</a>' in page
    assert re.search(r"<ul>\s*<li>par courrier ;</li>\s*<li>par le formulaire en ligne.</li>", page)
    text = pdf_text(render_edition(publication.current_report(2025), "public"))
    assert "<script>alert(1)</script> Écrivez-nous [ici](javascript:alert(2)) ou sur le site." in text
    assert "• par courrier ; • par le formulaire en ligne." in text and "- par" not in text
