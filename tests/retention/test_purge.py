"""`mediator purge` (R-GDPR-3 to -5): past-period files anonymised everywhere, held files untouched, dry run
changing nothing, a second run doing nothing more, the annual report's figures unchanged, the audit chain intact."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mediator_plugin.cases.models import Case, Document, Party
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.audit_verify import verify_chain
from mediator_plugin.core.db import db
from mediator_plugin.reports.figures import compute
from mediator_plugin.reports.snapshots import ReportSnapshot
from mediator_plugin.retention import holds
from mediator_plugin.retention.models import HoldReason, PurgeLogEntry
from mediator_plugin.retention.purge import purge
from mediator_plugin.retention.rules import CASE_ARCHIVE, INADMISSIBLE_REQUEST
from tests.retention.conftest import AFTER_RETENTION, database_text, storage_text

# Positions, in tests/reports/known_year.py, of the three 2025 files still under way (never due).
UNDER_WAY = (37, 38, 39)


def _figures(year: int) -> dict:
    figures = compute(year)
    figures.pop("computed_at")
    return figures


@pytest.mark.requirement("R-GDPR-3")
def test_a_file_past_retention_is_anonymised_everywhere(past_files):
    """After the purge, do the names, e-mails, phones, addresses, notes and documents of every 2025 file appear
    nowhere in the database or the storage folder, while the files themselves (dates, codes) remain?"""
    worked = past_files.worked
    assert worked.texts[0] in database_text() and "Jeanne Dupont" in storage_text()
    summary = purge(dry_run=False, now=AFTER_RETENTION)
    assert summary.counts[CASE_ARCHIVE] == 26 and summary.counts[INADMISSIBLE_REQUEST] == 15
    assert summary.blobs_deleted >= 1
    text, stored = database_text(), storage_text()
    year = past_files.year
    ended = [i for i in range(year.n) if i not in UNDER_WAY]
    personal = [*worked.texts, "Double prélèvement", "très remontée", "prélevée deux fois",
                *(values[i] for values in (year.names, year.emails, year.phones, year.tickets) for i in ended)]
    leaks = [value for value in personal if value in text or value in stored]
    assert leaks == []
    assert all(year.names[i] in text for i in UNDER_WAY)  # files still under way keep everything
    assert db.session.execute(sa.select(sa.func.count()).select_from(Document)).scalar() == 0
    case = db.session.get(Case, worked.case.id)
    assert (case.state, case.outcome, case.department) == ("CLOSED", "AMICABLE_AGREEMENT", "billing")
    assert case.reference == worked.case.reference and case.notified_at is not None


@pytest.mark.requirement("R-GDPR-3", "R-GDPR-5")
def test_report_figures_of_the_purged_year_are_identical(past_files):
    """Does every figure of the 2025 report come out the same before and after its files are anonymised?"""
    before = _figures(2025)
    purge(dry_run=False, now=AFTER_RETENTION)
    db.session.expire_all()
    assert _figures(2025) == before
    assert before["table_a"]["all"]["saisines"]["value"] == 41  # the known year's 40 and the worked file


@pytest.mark.requirement("R-GDPR-4")
def test_a_file_under_legal_hold_is_untouched_until_the_hold_is_lifted(past_files, people):
    """Is a held file left whole by the purge (R-GDPR-4), then anonymised by the first purge after the lift?"""
    case = past_files.worked.case
    hold = holds.place(case, people.gestionnaire, reason=HoldReason.LITIGATION, note="Assignation TJ Bordeaux")
    db.session.commit()
    first = purge(dry_run=False, now=AFTER_RETENTION)
    assert first.held == 1 and first.counts[CASE_ARCHIVE] == 25
    assert "Jeanne Dupont" in database_text() and "Jeanne Dupont" in storage_text()
    assert db.session.execute(sa.select(PurgeLogEntry).where(PurgeLogEntry.case_id == case.id)).first() is None
    holds.lift(db.session.get(Case, case.id), people.mediatrice, hold_id=hold.id, note="Jugement du 3 mars")
    db.session.commit()
    second = purge(dry_run=False, now=AFTER_RETENTION)
    assert second.counts[CASE_ARCHIVE] == 1 and "Jeanne Dupont" not in database_text()


@pytest.mark.requirement("R-GDPR-3")
def test_dry_run_changes_nothing_and_announces_what_the_purge_does(past_files):
    """Does a dry run leave every row and blob as it was, and count exactly what the real purge then does?"""
    before_db, before_files = database_text(), storage_text()
    dry = purge(dry_run=True, now=AFTER_RETENTION)
    assert (database_text(), storage_text()) == (before_db, before_files)
    assert dry.counts == purge(dry_run=False, now=AFTER_RETENTION).counts


@pytest.mark.requirement("R-GDPR-3")
def test_a_second_purge_does_nothing_more(past_files):
    """Is the purge idempotent: nothing due, no log row and no change on a second run?"""
    purge(dry_run=False, now=AFTER_RETENTION)
    logged = db.session.execute(sa.select(sa.func.count()).select_from(PurgeLogEntry)).scalar()
    text = database_text()
    again = purge(dry_run=False, now=AFTER_RETENTION)
    assert set(again.counts.values()) == {0}
    assert db.session.execute(sa.select(sa.func.count()).select_from(PurgeLogEntry)).scalar() == logged
    assert database_text().split("purge_run")[0] == text.split("purge_run")[0]


@pytest.mark.requirement("R-GDPR-3")
def test_files_within_their_period_are_kept(past_files):
    """Does a purge in early 2028 leave the 2025 files alone except the refusals (kept 24 months)?"""
    summary = purge(dry_run=False, now=AFTER_RETENTION.replace(year=2028))
    assert summary.counts[CASE_ARCHIVE] == 0 and summary.counts[INADMISSIBLE_REQUEST] == 15
    names = db.session.execute(sa.select(Party.name).where(Party.role == "consumer")).scalars().all()
    assert "Jeanne Dupont" in names and sum(name == "[anonymisé]" for name in names) == 15


@pytest.mark.requirement("R-GDPR-3")
def test_the_audit_chain_verifies_after_a_purge_and_records_it(past_files, app):
    """Does `mediator audit verify` pass after the purge, with one entry per purged file and one for the run?"""
    purge(dry_run=False, now=AFTER_RETENTION)
    assert verify_chain().broken_at is None
    result = app.test_cli_runner().invoke(args=["mediator", "audit", "verify"])
    assert result.exit_code == 0, result.output
    actions = db.session.execute(sa.select(AuditEntry.action)).scalars().all()
    assert actions.count("retention_purge") == 41 and actions.count("purge_run") == 1


@pytest.mark.requirement("R-GDPR-5")
def test_frozen_snapshots_are_never_touched(past_files):
    """Does a published 2025 report keep its data hash and figures through the purge (R-GDPR-5)?"""
    from mediator_plugin.reports.publication import publish

    snapshot = publish(2025, published_by="claire")
    db.session.commit()
    frozen = (snapshot.data_sha256, snapshot.figures)
    purge(dry_run=False, now=AFTER_RETENTION)
    db.session.expire_all()
    again = db.session.execute(sa.select(ReportSnapshot)).scalar_one()
    assert (again.data_sha256, again.figures) == frozen


@pytest.mark.requirement("R-GDPR-4")
def test_a_hold_placed_after_the_plan_still_wins(past_files, people):
    """Is a file planned for purge, then held before its turn, seen as no longer due on its locked row?"""
    from mediator_plugin import state
    from mediator_plugin.retention import rules

    case = past_files.worked.case
    planned = rules.plan(state().settings, AFTER_RETENTION)
    assert case.id in planned.due[CASE_ARCHIVE]
    holds.place(case, people.mediatrice, reason=HoldReason.LITIGATION, note="Assignation reçue ce matin")
    db.session.commit()
    assert rules.still_due(state().settings, AFTER_RETENTION, CASE_ARCHIVE, [case.id]) == []
