"""`mediator export cecmc` (R-CECMC-1, R-CECMC-3): Table A as the report computes it, a per-case dataset with
the eight fields under stable keyed pseudonyms, no personal data, files written whole, exit codes."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest
import sqlalchemy as sa

from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db
from mediator_plugin.reports.figures import compute
from mediator_plugin.retention.cecmc import CASE_FIELDS, pseudonym


def _export(app, out):
    return app.test_cli_runner().invoke(args=["mediator", "export", "cecmc", "--year", "2025", "--out", str(out)])


@pytest.mark.requirement("R-CECMC-1", "R-CECMC-3", "R-CONF-2")
def test_activity_and_cases_match_the_report_and_hide_identities(past_files, app, tmp_path):
    """Do the activity figures equal the report's, does the dataset hold one pseudonymised row per saisine with
    the eight fields, and is no name, e-mail, phone, reference or ticket number in any file?"""
    result = _export(app, tmp_path / "cecmc")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "cecmc"
    assert sorted(p.name for p in folder.iterdir()) == [
        "cecmc-2025-activite.csv", "cecmc-2025-activite.json", "cecmc-2025-dossiers.csv", "cecmc-2025-dossiers.json"]
    activity = json.loads((folder / "cecmc-2025-activite.json").read_text())
    figures = compute(2025)
    assert activity["table_a"] == json.loads(json.dumps(figures["table_a"]))
    assert {"organisation", "staffing", "training_log"} <= set(activity)
    table = list(csv.DictReader((folder / "cecmc-2025-activite.csv").open()))
    saisines = next(r for r in table if r["split"] == "all" and r["indicator"] == "saisines")
    assert saisines["value"] == "41"
    rows = list(csv.DictReader((folder / "cecmc-2025-dossiers.csv").open()))
    assert len(rows) == 41 and tuple(rows[0]) == CASE_FIELDS
    assert sum(1 for r in rows if r["inadmissibility_reason"]) == 12
    assert sum(1 for r in rows if r["extension_date"]) == 3 and sum(1 for r in rows if r["proposal_date"]) == 12
    assert all(r["saisine_date"].startswith("2025-") for r in rows)
    everything = "".join(p.read_text() for p in folder.iterdir())
    year = past_files.year
    for value in [*year.names, *year.emails, *year.phones, *year.tickets, *year.references, "Jeanne Dupont",
                  past_files.worked.case.reference]:
        assert value not in everything, value
    audited = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "export_cecmc")).scalar_one()
    assert audited.target == "cecmc:2025"


@pytest.mark.requirement("R-CECMC-3")
def test_pseudonyms_are_stable_and_need_the_key(past_files, app, tmp_path):
    """Does a second export give the same pseudonyms, which another key (or a plain hash) cannot reproduce?"""
    _export(app, tmp_path / "a")
    _export(app, tmp_path / "b")
    first = json.loads((tmp_path / "a" / "cecmc-2025-dossiers.json").read_text())["cases"]
    second = json.loads((tmp_path / "b" / "cecmc-2025-dossiers.json").read_text())["cases"]
    assert [c["pseudonym"] for c in first] == [c["pseudonym"] for c in second]
    reference = past_files.year.references[0]
    assert pseudonym(reference) in {c["pseudonym"] for c in first}
    assert pseudonym(reference, "another-key") not in {c["pseudonym"] for c in first}
    assert hashlib.sha256(reference.encode()).hexdigest()[:24] not in {c["pseudonym"] for c in first}


def test_exit_codes(app, tmp_path):
    """Is a bad year or a file given as the folder a usage error (2), and a folder that cannot be created a
    failure (1) saying what to do?"""
    def run(year, out):
        return app.test_cli_runner().invoke(args=["mediator", "export", "cecmc", "--year", year, "--out", str(out)])

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert run("deux", tmp_path).exit_code == 2 and run("2025", blocker).exit_code == 2
    failed = run("2025", blocker / "inside")
    assert failed.exit_code == 1 and "writable" in failed.output


@pytest.mark.requirement("R-GDPR-3")
def test_purge_dry_run_from_the_command_line(past_files, app):
    """Does `mediator purge --dry-run` print counts per class only, and leave the files as they were?"""
    result = app.test_cli_runner().invoke(args=["mediator", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    line = json.loads(result.output)
    assert line["dry_run"] is True and set(line["counts"]) >= {"case_archive", "attachments"}
    assert "Hortense" not in result.output and "MED-" not in result.output
