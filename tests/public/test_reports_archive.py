"""The public archive of annual reports (/rapports)."""

from __future__ import annotations

from datetime import UTC, datetime

from mediator_plugin.cases.workflow import State
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from tests.support.factories import new_case


def test_nothing_published_is_said_politely(app):
    """With no file closed in a finished year, does the archive say so, without a login?"""
    response = app.test_client().get("/rapports")
    assert response.status_code == 200
    assert "Aucun rapport annuel n'a encore été publié" in response.get_data(as_text=True)


def test_a_finished_year_with_closed_files_is_offered_in_pdf_and_html(app, people):
    """Is last year listed with its PDF and web page, and this year (not over) not offered?"""
    last_year = paris_date(utcnow()).year - 1
    case = new_case(people.gestionnaire)
    case.received_at = datetime(last_year, 3, 2, 9, tzinfo=UTC)
    case.state, case.inadmissibility_ground = State.INADMISSIBLE, "OVER_ONE_YEAR"
    case.closed_at = datetime(last_year, 3, 20, 9, tzinfo=UTC)
    db.session.commit()
    client = app.test_client()

    archive = client.get("/rapports").get_data(as_text=True)
    assert f'href="/rapports/{last_year}.pdf"' in archive and f'href="/rapports/{last_year}"' in archive
    assert f"/rapports/{last_year + 1}" not in archive

    html = client.get(f"/rapports/{last_year}")
    text = html.get_data(as_text=True)
    assert html.status_code == 200 and f"Rapport annuel {last_year}" in text
    assert "Saisine plus d&#39;un an après la réclamation écrite" in text
    pdf = client.get(f"/rapports/{last_year}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(f"/rapports/{last_year + 1}.pdf").status_code == 404
    assert client.get(f"/rapports/{last_year + 1}").status_code == 404
