"""The public archive of annual reports (/rapports): published snapshots only, their latest version."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mediator_plugin.cases.workflow import State
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.reports import snapshots
from mediator_plugin.reports.figures import compute
from tests.support.factories import new_case


def test_nothing_published_is_said_politely(app):
    """With no published report, does the archive say so, without a login?"""
    response = app.test_client().get("/rapports")
    assert response.status_code == 200
    assert "Aucun rapport annuel n'a encore été publié" in response.get_data(as_text=True)


def _closed_last_year(people) -> int:
    last_year = paris_date(utcnow()).year - 1
    case = new_case(people.gestionnaire)
    case.received_at = datetime(last_year, 3, 2, 9, tzinfo=UTC)
    case.state, case.inadmissibility_ground = State.INADMISSIBLE, "OVER_ONE_YEAR"
    case.closed_at = datetime(last_year, 3, 20, 9, tzinfo=UTC)
    db.session.commit()
    return last_year


def test_a_year_appears_only_once_published(app, people):
    """Closed files alone do not make a report public: before publication, the year is a 404."""
    last_year = _closed_last_year(people)
    client = app.test_client()
    assert f"/rapports/{last_year}" not in client.get("/rapports").get_data(as_text=True)
    assert client.get(f"/rapports/{last_year}").status_code == 404
    assert client.get(f"/rapports/{last_year}.pdf").status_code == 404


@pytest.mark.requirement("R-REPORT-4", "R-WEB-2")
def test_published_year_is_offered_in_pdf_and_html_latest_version(app, people):
    """After publication, is the year listed with its PDF and web page, and does a correction show?"""
    last_year = _closed_last_year(people)
    snapshots.publish(last_year, compute(last_year), published_by="mediatrice")
    db.session.commit()
    client = app.test_client()
    archive = client.get("/rapports").get_data(as_text=True)
    assert f'href="/rapports/{last_year}.pdf"' in archive and f'href="/rapports/{last_year}"' in archive

    html = client.get(f"/rapports/{last_year}")
    text = html.get_data(as_text=True)
    assert html.status_code == 200 and str(last_year) in text and "<svg" in text
    assert "style=" not in text and "<script" not in text  # the site's CSP allows neither
    pdf = client.get(f"/rapports/{last_year}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")

    case = new_case(people.gestionnaire)
    case.received_at = datetime(last_year, 5, 2, 9, tzinfo=UTC)
    db.session.commit()
    snapshots.publish(last_year, compute(last_year), published_by="mediatrice", reason="Un dossier oublié.")
    db.session.commit()
    assert "Un dossier oublié." in client.get(f"/rapports/{last_year}").get_data(as_text=True)
