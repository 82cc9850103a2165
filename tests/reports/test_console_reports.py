"""The report pages of the console: versions, both editions in PDF and HTML, publication by the mediator only,
and publication refused from the console and the command line while an R614-1 item is empty."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest
import sqlalchemy as sa

from mediator_plugin import state
from mediator_plugin.cases.models import Case
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.reports import publication, snapshots
from mediator_plugin.reports.snapshots import ReportSnapshot
from tests.reports.conftest import pdf_text

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
INDEX = "/console/rapports/"


def _client(app, login, who):
    client = app.test_client()
    login(client, who)
    return client


def _publish(client, year: int, reason: str = ""):
    """Submit the publish form of ``year`` with the CSRF token of the reports page."""
    token = _CSRF.search(client.get(INDEX).get_data(as_text=True)).group(1)
    return client.post(f"/console/rapports/{year}/publier", data={"reason": reason, "csrf_token": token})


def _versions(year: int) -> list[int]:
    return list(db.session.scalars(sa.select(ReportSnapshot.version).where(ReportSnapshot.year == year)
                                   .order_by(ReportSnapshot.version)))


def _blank_background() -> None:
    """The charter with item 4° of R614-1 (the mediator's background) left empty."""
    charter = state().charter
    state().charter = dataclasses.replace(charter, mediator={**charter.mediator, "background": "  "})


@pytest.mark.requirement("R-REPORT-5")
def test_mediator_publishes_then_corrects_with_a_reason(app, known_year, login):
    """Does the mediator publish version 1 from the console, see a second publication without reason refused
    (422, nothing stored) and a corrected one with its reason listed as version 2?"""
    claire = _client(app, login, "mediatrice")
    page = claire.get(INDEX).get_data(as_text=True)
    assert "Publier le rapport de 2025" in page and "Non publié" in page
    this_year = paris_date(utcnow()).year
    assert f"pourra être publié à partir du 1er janvier {this_year + 1}" in page
    refused = _publish(claire, this_year)  # a year not over is not published: the page says why
    assert refused.status_code == 409
    assert "n'est pas terminée (heure de Paris)" in html.unescape(refused.get_data(as_text=True))
    assert _versions(this_year) == []

    first = _publish(claire, 2025)
    assert first.status_code == 303 and first.headers["Location"].endswith("/console/rapports/#y2025")
    assert _versions(2025) == [1]
    page = claire.get(INDEX).get_data(as_text=True)
    assert "publié comme version 1" in page and snapshots.latest(2025).data_sha256[:12] in page

    refused = _publish(claire, 2025)
    assert refused.status_code == 422
    assert "motif de la correction" in refused.get_data(as_text=True)
    assert _versions(2025) == [1]

    late = db.session.scalars(sa.select(Case).where(Case.state == "INSTRUCTION")).first()
    late.cross_border = True  # a file's country corrected after publication
    db.session.commit()
    second = _publish(claire, 2025, reason="Pays d'un dossier corrigé")
    assert second.status_code == 303 and _versions(2025) == [1, 2]
    section = claire.get(INDEX).get_data(as_text=True).split('id="y2025"', 1)[1].split("</section>", 1)[0]
    assert "Pays d&#39;un dossier corrigé" in section and "mediatrice" in section
    assert 'version=1"' in section and 'version=2"' in section

    old = claire.get("/console/rapports/2025.pdf?edition=comex&version=1")
    assert old.status_code == 200 and "Version 1, publiée le" in pdf_text(old.data)
    assert "Cette version corrige la version 1" in pdf_text(claire.get("/console/rapports/2025.pdf").data)
    assert claire.get("/console/rapports/2025.pdf?version=3").status_code == 404


@pytest.mark.requirement("R-IND-1", "R-CONF-1")
def test_executive_reads_and_downloads_but_cannot_publish(app, known_year, login):
    """Does comex see the versions and download both editions (each download audited), with no publish form
    and 403 on the publish action?"""
    publication.publish(2025, published_by="mediatrice")
    db.session.commit()
    comex = _client(app, login, "comex")
    page = comex.get(INDEX).get_data(as_text=True)
    assert "/console/rapports/2025.pdf?edition=comex" in page and "/publier" not in page

    pdf = comex.get("/console/rapports/2025.pdf?edition=comex&version=1")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Édition pour le comité exécutif" in pdf_text(pdf.data)
    html = comex.get("/console/rapports/2025.html?edition=public")
    assert html.status_code == 200 and html.mimetype == "text/html"
    body = html.get_data(as_text=True)
    # The console's CSP forbids inline style and script: the edition links the site's stylesheet.
    assert 'href="/static/mediator/report.css"' in body
    assert "<style" not in body and "style=" not in body and "<script" not in body
    assert "Version 1, publiée le" in body
    assert "style-src 'self'" in html.headers["Content-Security-Policy"]

    exports = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "export_report",
                                                             AuditEntry.actor == "comex")).all()
    assert [(e.target, e.detail["format"], e.detail["version"]) for e in exports] == [
        ("2025:comex", "pdf", 1), ("2025:public", "html", 1)]
    assert _publish(comex, 2025, reason="Essai").status_code == 403
    assert _versions(2025) == [1]


@pytest.mark.requirement("R-IND-1")
@pytest.mark.parametrize("who", ["gestionnaire", "facturation", "admin-si"])
def test_only_the_mediator_may_publish(app, known_year, login, who):
    """Is the publish action 403 for the case handler, a correspondent and the admin, nothing stored?"""
    client = _client(app, login, who)
    token = _CSRF.search(client.get("/saisir").get_data(as_text=True)).group(1)  # a page every identity reads
    response = client.post("/console/rapports/2025/publier", data={"csrf_token": token})
    assert response.status_code == 403
    assert _versions(2025) == []


@pytest.mark.requirement("R-WEB-1")
def test_console_refuses_publication_while_an_r614_item_is_empty(app, known_year, login):
    """With the mediator's background left empty, does the page say why publication is blocked and the
    publish action answer 422 naming the item, nothing stored?"""
    _blank_background()
    claire = _client(app, login, "mediatrice")
    page = claire.get(INDEX).get_data(as_text=True)
    assert "La publication est bloquée" in page and "R614-1 4°: background" in page
    response = _publish(claire, 2025)
    assert response.status_code == 422
    assert "R614-1 4°: background" in response.get_data(as_text=True)
    assert _versions(2025) == []


@pytest.mark.requirement("R-WEB-1")
def test_publish_command_refuses_while_an_r614_item_is_empty(app, known_year):
    """Does `mediator publish` exit 1 naming the empty item, storing nothing?"""
    _blank_background()
    result = app.test_cli_runner().invoke(args=["mediator", "publish", "--year", "2025"])
    assert result.exit_code == 1
    assert "R614-1 4°: background" in result.output
    assert _versions(2025) == []
