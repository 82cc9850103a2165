"""The other data classes of R-GDPR-3: attachments earlier than their file, requests never taken up."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from mediator_plugin.cases.documents import storage_path, write_blob
from mediator_plugin.cases.models import Document, Party
from mediator_plugin.core.config import ConfigError, load_settings
from mediator_plugin.core.db import db
from mediator_plugin.intake.models import IntakeItem, OnlineFiling
from mediator_plugin.retention.purge import purge
from mediator_plugin.retention.rules import (
    ATTACHMENTS,
    CASE_ARCHIVE,
    INTAKE_NOT_TAKEN_UP,
    ONLINE_FILING_NOT_OPENED,
    months_before,
)
from tests.retention.conftest import build_worked_file, database_text

OLD = datetime(2024, 1, 15, 9, tzinfo=UTC)


@pytest.mark.requirement("R-GDPR-3")
def test_attachments_go_before_their_file_when_set_shorter(make_app, people):
    """With attachments kept 12 months, are a 2025 file's uploads deleted in 2026-07 while the file keeps its
    parties, letters and codes?"""
    app = make_app(retention={"attachments_months": 12})
    with app.app_context():
        worked = build_worked_file(people)
        letters = db.session.execute(sa.select(sa.func.count()).select_from(Document)
                                     .where(Document.kind == "letter")).scalar()
        summary = purge(dry_run=False, now=datetime(2026, 7, 15, tzinfo=UTC))
        assert summary.counts[ATTACHMENTS] == 1 and summary.counts[CASE_ARCHIVE] == 0
        kinds = db.session.execute(sa.select(Document.kind)).scalars().all()
        assert kinds == ["letter"] * letters
        assert not storage_path(worked.sha256).exists()
        assert "Jeanne Dupont" in db.session.execute(sa.select(Party.name)).scalars().all()
        assert purge(dry_run=False, now=datetime(2026, 7, 15, tzinfo=UTC)).counts[ATTACHMENTS] == 0


def _intake(source: str, external_id: str, *, snapshot: dict) -> IntakeItem:
    item = IntakeItem(source=source, external_id=external_id, subject="Résiliation refusée",
                      requester_name="Paul Ricard", requester_email="paul.ricard@example.net", asked_at=OLD,
                      first_seen_at=OLD, last_seen_at=OLD, snapshot=snapshot, content_sha256="0" * 64)
    db.session.add(item)
    db.session.flush()
    return item


@pytest.mark.requirement("R-GDPR-3")
def test_requests_never_taken_up_are_anonymised_and_leave_the_queue(app):
    """Are a helpdesk request and an online filing never opened anonymised (with the filing's attachment and
    tracking), counted once, and kept as rows so the report's count of requests stays the same?"""
    blob = write_blob(b"Piece jointe de Paul Ricard\n")
    _intake("zendesk", "4242", snapshot={"requester": {"name": "Paul Ricard"}})
    online = _intake("online", "MED-2024-00007", snapshot={"name": "Paul Ricard", "attachments": [
        {"filename": "ricard.txt", "sha256": blob, "size": 28, "content_type": "text/plain"}]})
    db.session.add(OnlineFiling(intake_item_id=online.id, reference="MED-2024-00007", code_sha256="1" * 64,
                                filed_at=OLD))
    db.session.commit()
    summary = purge(dry_run=False, now=datetime(2026, 7, 1, tzinfo=UTC))
    assert summary.counts[INTAKE_NOT_TAKEN_UP] == 1 and summary.counts[ONLINE_FILING_NOT_OPENED] == 1
    assert "Paul Ricard" not in database_text() and "paul.ricard" not in database_text()
    assert not storage_path(blob).exists()
    states = db.session.execute(sa.select(IntakeItem.state)).scalars().all()
    assert states == ["purged", "purged"]
    assert db.session.execute(sa.select(OnlineFiling)).first() is None  # /suivi now answers as for a wrong code
    assert set(purge(dry_run=False, now=datetime(2026, 7, 1, tzinfo=UTC)).counts.values()) == {0}


def test_months_are_calendar_months():
    """Is "60 months before 31 May 2031" the 31 May 2026, and 3 months before 31 May the 28 February?"""
    assert months_before(datetime(2031, 5, 31, tzinfo=UTC), 60) == datetime(2026, 5, 31, tzinfo=UTC)
    assert months_before(datetime(2031, 5, 31, tzinfo=UTC), 3) == datetime(2031, 2, 28, tzinfo=UTC)


@pytest.mark.requirement("R-GDPR-3")
def test_retention_settings_are_checked_at_start_up():
    """Is start-up refused, naming the key, for attachments kept longer than their file or a period of 0?"""
    with pytest.raises(ConfigError, match=r"retention\.attachments_months"):
        load_settings({"env": "test", "retention": {"attachments_months": 72}})
    with pytest.raises(ConfigError, match=r"retention\.case_archive_months"):
        load_settings({"env": "test", "retention": {"case_archive_months": 0}})
    assert load_settings({"env": "test"})["retention"]["case_archive_months"] == 60
