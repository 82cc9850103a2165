"""Requests the team registered from a letter, a mail, a call or a visit, and never opened as a file: kept as long
as an online filing (R-GDPR-3), and given to the person who asks for their data (R-GDPR-6)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.cases.documents import storage_path
from mediator_plugin.core.db import db
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.retention import subject_access
from mediator_plugin.retention.purge import purge
from mediator_plugin.retention.rules import INTAKE_NOT_TAKEN_UP, ONLINE_FILING_NOT_OPENED
from tests.retention.conftest import database_text
from tests.support.clock import paris_today
from tests.support.offline import LETTER, SCAN, registered


@pytest.mark.requirement("R-GDPR-3", "R-PROC-1")
def test_unopened_letter_goes_with_the_filings_never_opened(app, people):
    """A letter received on 10 March 2025 and never opened: kept 12 months like an online filing, not 24 like a
    helpdesk request; then its consumer's details, words and scan are gone, and its row still counts."""
    with freeze_time("2025-03-12 10:00:00"):
        item = registered(people.gestionnaire, received_on=date(2025, 3, 10))
    blob = item.snapshot["attachments"][0]["sha256"]
    assert storage_path(blob).read_bytes() == SCAN
    assert not purge(dry_run=False, now=datetime(2026, 3, 1, tzinfo=UTC)).counts[ONLINE_FILING_NOT_OPENED]

    summary = purge(dry_run=False, now=datetime(2026, 3, 20, tzinfo=UTC))
    assert (summary.counts[ONLINE_FILING_NOT_OPENED], summary.counts[INTAKE_NOT_TAKEN_UP]) == (1, 0)
    assert LETTER["name"] not in database_text() and "Bergerac" not in database_text()
    assert not storage_path(blob).exists()
    db.session.expire_all()
    assert db.session.execute(sa.select(IntakeItem.state)).scalars().all() == ["purged"]


@pytest.mark.requirement("R-GDPR-6", "R-PROC-1")
def test_subject_access_gives_a_registered_request_without_the_teams_note(app, people):
    """The person's export holds the request as registered (their words, channel, date of receipt), not the note
    the team wrote about it."""
    registered(people.gestionnaire, received_on=paris_today(), channel="email", email="Marcel.Lefevre@example.net",
               documents=())
    data, _documents = subject_access.collect("marcel.lefevre@example.net")
    [request] = data["requests_not_opened"]
    assert request["source"] == "offline"
    assert request["filed"]["what_asked"] == LETTER["what_asked"]
    assert (request["filed"]["channel"], request["filed"]["received_on"]) == ("email", paris_today().isoformat())
    assert "note" not in request["filed"] and LETTER["note"] not in str(data)
