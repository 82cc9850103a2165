"""Reading back the letters a file sent, from the stored PDF, as the party receives it."""

from __future__ import annotations

import io

import sqlalchemy as sa
from pypdf import PdfReader

from mediator_plugin.cases.documents import read_content
from mediator_plugin.cases.models import Document
from mediator_plugin.core.db import db


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF, whitespace normalised."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


# A letter's file name ends with its addressee, in French.
ADDRESSEE = {"consumer": "consommateur", "company": "societe"}


def letters(case, kind: str, role: str) -> list[Document]:
    """The stored letters ``kind`` of ``case`` to ``role`` (consumer, company), oldest first."""
    return list(db.session.execute(sa.select(Document).where(
        Document.case_id == case.id, Document.kind == "letter", Document.letter_kind == kind,
        Document.filename.like(f"%-{ADDRESSEE[role]}.pdf")).order_by(Document.id)).scalars())


def letter_text(case, kind: str, role: str) -> str:
    """The text of the latest letter ``kind`` of ``case`` to ``role``; fails when none was stored."""
    found = letters(case, kind, role)
    assert found, f"no {kind} letter to the {role} on {case.reference}"
    return pdf_text(read_content(found[-1]))
