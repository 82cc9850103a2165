"""Only a year that is over in Paris time and holds requests is published (issue 13, point 6), from the service,
the command line and the console alike; the current year keeps its provisional edition."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.core.db import db
from mediator_plugin.core.errors import InvalidTransition
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.reports import publication
from mediator_plugin.reports.snapshots import ReportSnapshot
from tests.reports.conftest import pdf_text

# 31 December 2025 at 23:30 in Paris is 22:30 UTC; at 23:30 UTC it is already 1 January 2026 in Paris.
LAST_EVENING_IN_PARIS = "2025-12-31 22:30:00"
NEW_YEAR_IN_PARIS = "2025-12-31 23:30:00"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _snapshots() -> list[tuple[int, int]]:
    query = sa.select(ReportSnapshot.year, ReportSnapshot.version).order_by(ReportSnapshot.year, ReportSnapshot.version)
    return [tuple(row) for row in db.session.execute(query)]


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["mediator", *args])


@pytest.mark.requirement("R-REPORT-4", "R-REPORT-5", "R-REPORT-7")
def test_a_year_is_published_only_once_it_is_over_in_paris(app, known_year):
    """Is 2025 refused at 23:30 on New Year's Eve in Paris (22:30 UTC), a future year too, and 2025 published
    an hour later (23:30 UTC, already 1 January 2026 in Paris)?"""
    with freeze_time(LAST_EVENING_IN_PARIS):
        for year in (2025, 2026, 2030):
            with pytest.raises(InvalidTransition, match="n'est pas terminée"):
                publication.publish(year, published_by="claire")
    db.session.rollback()
    assert _snapshots() == []
    with freeze_time(NEW_YEAR_IN_PARIS):
        snapshot = publication.publish(2025, published_by="claire")
        db.session.commit()
        with pytest.raises(InvalidTransition, match="à partir du 1er janvier 2027"):
            publication.publish(2026, published_by="claire")
    assert snapshot.version == 1 and _snapshots() == [(2025, 1)]


@pytest.mark.requirement("R-REPORT-4", "R-REPORT-5")
def test_a_year_without_any_request_is_not_published(app, known_year):
    """Is a finished year with no file and no request refused, and one holding only a request of the intake
    queue published?"""
    with pytest.raises(InvalidTransition, match="aucune demande de médiation"):
        publication.publish(2019, published_by="claire")
    db.session.rollback()
    asked = datetime(2023, 6, 1, 9, tzinfo=UTC)
    db.session.add(IntakeItem(source="zendesk", external_id="4242", subject="Demande", requester_name="A",
                              requester_email="a@example.org", asked_at=asked, first_seen_at=asked,
                              last_seen_at=asked, snapshot={}, content_sha256="0" * 64))
    db.session.commit()
    publication.publish(2023, published_by="claire")
    db.session.commit()
    assert _snapshots() == [(2023, 1)]


@pytest.mark.requirement("R-REPORT-4", "R-REPORT-7")
def test_command_line_refuses_unfinished_years_and_keeps_the_preview(app, known_year, tmp_path):
    """Does `mediator publish` exit 1 with the French reason for this year, a future year and an empty year,
    2 for a year out of range, storing nothing, while `mediator report` still prints this year's provisional
    edition?"""
    with freeze_time("2026-03-15 10:00:00"):
        for year, reason in (("2026", "n'est pas terminée (heure de Paris)"), ("2031", "n'est pas terminée"),
                             ("2019", "aucune demande de médiation n'a été reçue")):
            result = _cli(app, "publish", "--year", year)
            assert result.exit_code == 1 and reason in result.output, result.output
        assert _cli(app, "publish", "--year", "1999").exit_code == 2
        assert _snapshots() == []
        preview = tmp_path / "2026.pdf"
        result = _cli(app, "report", "--year", "2026", "--edition", "public", "--out", str(preview))
        assert result.exit_code == 0, result.output
        assert "Provisoire" in pdf_text(preview.read_bytes())
        result = _cli(app, "publish", "--year", "2025")
        assert result.exit_code == 0, result.output
    assert _snapshots() == [(2025, 1)]


@pytest.mark.requirement("R-REPORT-4", "R-REPORT-7")
def test_console_says_why_a_future_year_is_refused(app, known_year, login):
    """Does the mediator's publication of a future year from the console get 409 and the French reason on the
    reports page, storing nothing?"""
    client = app.test_client()
    login(client, "mediatrice")
    token = _CSRF.search(client.get("/console/rapports/").get_data(as_text=True)).group(1)
    response = client.post("/console/rapports/2099/publier", data={"csrf_token": token})
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert "Le rapport de 2099 ne peut pas encore être publié" in page
    assert _snapshots() == []
