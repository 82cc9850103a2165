"""The demo's published year (issue 13): its own seeding publishes last year's report once, with approved
anonymised case examples, so that the public edition's "Cas concrets" chapter is never empty."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from mediator_plugin.core.db import db
from mediator_plugin.demo import seed_demo_data
from mediator_plugin.examples.models import CaseExample, ExampleState
from mediator_plugin.reports import snapshots
from mediator_plugin.reports.html import render_html
from mediator_plugin.reports.pdf import render_edition
from mediator_plugin.seed.published_year import EXAMPLES
from tests.reports.conftest import pdf_text

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


@pytest.mark.requirement("R-CASE-1", "R-CASE-2", "R-REPORT-4")
def test_demo_publishes_last_year_once_with_case_examples(app):
    """Does the demo's seeding publish 2025 as version 1 with its approved examples, printed in the public PDF
    and HTML under "Cas concrets" with the mediator's foreword and tips for consumers, and does a second start
    publish nothing more?"""
    seed_demo_data(400, now=NOW)
    snapshot = snapshots.latest(2025)
    assert snapshot is not None and snapshot.version == 1 and snapshot.published_by == "mediatrice"
    titles = [example["title"] for example in snapshot.figures["examples"]]
    assert sorted(titles) == sorted(fields["title"] for fields in EXAMPLES.values())
    text = pdf_text(render_edition(snapshot.as_report(), "public"))
    chapter = text.split("Cas concrets")[-1]  # past the table of contents
    for title in titles:
        assert title in chapter, title
    assert "Enseignement :" in chapter and "Année : 2025" in chapter
    assert "Cette année encore, la plupart des litiges portent sur la facturation" in text
    assert "Conseils pratiques aux consommateurs" in text and len(snapshot.figures["texts"]["tips"]) == 3
    page = render_html(snapshot.as_report(), "public")
    assert "Cas concrets" in page and all(title in page for title in titles)

    seed_demo_data(400, now=NOW)  # the demo started again on the same database
    assert [s.version for s in snapshots.versions(2025)] == [1]
    approved = db.session.scalar(sa.select(sa.func.count()).select_from(CaseExample)
                                 .where(CaseExample.state == ExampleState.APPROVED))
    assert approved == len(titles)
