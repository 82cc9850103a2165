"""`mediator export cecmc` (R-CECMC-1, R-CECMC-3): Table A as the report computes it, the governance register and
the year's trainings (JSON, CSV, PDF), a per-case dataset with the eight fields under stable keyed pseudonyms, no
personal data, files written whole, exit codes."""

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
from tests.reports.conftest import pdf_text


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
        "cecmc-2025-activite.csv", "cecmc-2025-activite.json", "cecmc-2025-activite.pdf", "cecmc-2025-dossiers.csv",
        "cecmc-2025-dossiers.json", "cecmc-2025-formations.csv", "cecmc-2025-gouvernance.csv"]
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
    everything = "".join(p.read_text() for p in folder.iterdir() if p.suffix != ".pdf")
    everything += pdf_text((folder / "cecmc-2025-activite.pdf").read_bytes())
    year = past_files.year
    for value in [*year.names, *year.emails, *year.phones, *year.tickets, *year.references, "Jeanne Dupont",
                  past_files.worked.case.reference]:
        assert value not in everything, value
    audited = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "export_cecmc")).scalar_one()
    assert audited.target == "cecmc:2025"


@pytest.mark.requirement("R-CECMC-1", "R-CECMC-2", "R-IND-5", "R-CECMC-4")
def test_the_activity_carries_the_governance_register_and_the_years_trainings(app, tmp_path):
    """Does the export of 2026 carry the governance register and the year's two trainings (21 hours) in the JSON,
    in their own CSV files and in the PDF, beside Table A?"""
    result = app.test_cli_runner().invoke(args=["mediator", "export", "cecmc", "--year", "2026", "--out",
                                                str(tmp_path)])
    assert result.exit_code == 0, result.output
    activity = json.loads((tmp_path / "cecmc-2026-activite.json").read_text())
    governance = activity["governance"]
    assert governance["appointment"]["decided_on"] == "2025-12-15"
    assert governance["mandate"] == {"start": "2026-01-02", "end": "2029-01-01"}
    assert governance["post_mandate_restriction_ends_on"] == "2032-01-01"
    assert governance["listing"]["listed"] is True and governance["listing"]["listed_on"] == "2026-03-16"
    log = activity["training_log"]
    assert log["kept_in_module"] is True and log["total_hours"] == 21
    assert [(t["date"], t["hours"], t["who"]) for t in log["entries"]] == [
        ("2026-02-05", 7.0, ["Claire Martin"]), ("2026-04-14", 14.0, ["Claire Martin", "Lisa Bernard"])]
    items = {r["item"]: r["value"] for r in csv.DictReader((tmp_path / "cecmc-2026-gouvernance.csv").open())}
    assert items["post_mandate_restriction_ends_on"] == "2032-01-01" and items["listing.listed_on"] == "2026-03-16"
    assert items["budget_line_reference"] == governance["budget_line_reference"]
    trainings = list(csv.DictReader((tmp_path / "cecmc-2026-formations.csv").open()))
    assert [t["who"] for t in trainings] == ["Claire Martin", "Claire Martin; Lisa Bernard"]
    text = pdf_text((tmp_path / "cecmc-2026-activite.pdf").read_bytes())
    assert "Informations d'activité pour la CECMC — 2026" in text and "Saisines reçues 0" in text
    assert "Fin de l'interdiction consécutive au mandat 1er janvier 2032" in text
    assert "Inscription par la CECMC Inscrit depuis le 16 mars 2026" in text
    assert "Techniques de médiation : conduire un entretien avec les deux parties 14,0" in text
    assert "21,0 heures de formation dans l'année." in text


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
