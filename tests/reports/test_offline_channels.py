"""The requests the team registered count in the annual report under their channel (R-PROC-1, R-STATS-2, Table A
item 1), in the year of their receipt; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from mediator_plugin.core.db import db
from mediator_plugin.intake.services import open_case
from mediator_plugin.reports.figures import compute
from mediator_plugin.reports.pdf import render_edition
from mediator_plugin.reports.snapshots import live_report
from tests.reports.conftest import pdf_text
from tests.support.factories import new_case
from tests.support.offline import registered


@pytest.mark.requirement("R-PROC-1", "R-STATS-2", "R-REPORT-1")
def test_report_counts_the_post_channel(app, people):
    """A letter stamped 30 December 2024 and registered in January counts in 2024; in 2025 a letter, a visit at
    the desk and an online filing are three saisines, one per channel, and a call never opened is a contact only."""
    handler = people.gestionnaire
    with freeze_time("2025-01-06 10:00:00"):
        open_case(registered(handler, received_on=date(2024, 12, 30)), handler)
    with freeze_time("2025-03-12 10:00:00"):
        open_case(registered(handler, received_on=date(2025, 3, 10)), handler)
        open_case(registered(handler, received_on=date(2025, 3, 11), channel="desk", documents=()), handler)
        registered(handler, received_on=date(2025, 3, 12), channel="phone", documents=())
        new_case(handler)
    db.session.commit()

    figures = compute(2025)
    assert [(c["code"], c["numerator"], c["denominator"]) for c in figures["channels"]] == [
        ("online", 1, 3), ("helpdesk", 0, 3), ("post", 1, 3), ("desk", 1, 3)]
    assert figures["table_a"]["all"]["saisines"]["value"] == 3
    assert (figures["funnel"]["contacts"]["value"], figures["funnel"]["saisines"]["value"]) == (3, 3)
    assert figures["labels"]["channel"]["post"] == "Courrier postal"
    assert figures["labels"]["channel"]["desk"] == "Accueil (sur place)"
    last_year = compute(2024)
    assert [(c["code"], c["numerator"]) for c in last_year["channels"]] == [("online", 0), ("helpdesk", 0),
                                                                             ("post", 1)]

    text = pdf_text(render_edition(live_report(figures), "comex"))
    assert "Courrier postal 1 33,3 %" in text and "Accueil (sur place) 1 33,3 %" in text
