"""A known year of files on each database, and the text of a PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.reports.known_year import build


@pytest.fixture
def known_year(app, monkeypatch):
    """The files of 2025 described in :mod:`tests.reports.known_year`, on the test database."""
    return build(monkeypatch)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, whitespace collapsed, no-break spaces as spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
