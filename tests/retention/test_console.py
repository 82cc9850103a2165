"""Retention in the console: holds placed by the team and lifted by the mediator only, audited; the purge log
page without content; the subject-access archive for the mediator only, with its weighing."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import sqlalchemy as sa
from flask import g

from mediator_plugin.cases.models import Case
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db
from mediator_plugin.retention.models import LegalHold
from mediator_plugin.retention.purge import purge
from tests.retention.conftest import AFTER_RETENTION, UPLOAD


def _client(app, login, who: str, path: str):
    # The test's app context is shared by its requests: forget the token Flask-WTF cached in `g` for a
    # previous person, so that this person's page carries the token of their own session.
    g.pop("csrf_token", None)
    client = app.test_client()
    login(client, who)
    page = client.get(path)
    text = page.get_data(as_text=True)
    token = text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0] if "csrf_token" in text else ""
    return client, token, page


@pytest.mark.requirement("R-GDPR-4")
def test_team_places_a_hold_and_only_the_mediator_lifts_it(app, login, worked_file):
    """Does a case handler's hold show on the file page and in the audit, is the handler refused the lift (403),
    and does the mediator's lift record who and why?"""
    reference = worked_file.case.reference
    handler, token, _page = _client(app, login, "gestionnaire", f"/console/dossiers/{reference}")
    placed = handler.post(f"/console/dossiers/{reference}/gel",
                          data={"csrf_token": token, "reason": "cecmc_control", "note": "Contrôle CECMC n° 2031-4"})
    assert placed.status_code == 303
    page = handler.get(f"/console/dossiers/{reference}").get_data(as_text=True)
    assert "Contrôle CECMC n° 2031-4" in page and "ne sera pas purgé" in page
    hold = db.session.execute(sa.select(LegalHold)).scalar_one()
    assert handler.post(f"/console/dossiers/{reference}/gel/{hold.id}/levee",
                        data={"csrf_token": token, "lift_note": "fin"}).status_code == 403
    mediator, token, _page = _client(app, login, "mediatrice", f"/console/dossiers/{reference}")
    lifted = mediator.post(f"/console/dossiers/{reference}/gel/{hold.id}/levee",
                           data={"csrf_token": token, "lift_note": "Fin du contrôle"})
    assert lifted.status_code == 303
    db.session.expire_all()
    hold = db.session.get(LegalHold, hold.id)
    assert (hold.placed_by, hold.lifted_by, hold.lift_note) == ("Lisa Bernard", "Claire Martin", "Fin du contrôle")
    actions = db.session.execute(sa.select(AuditEntry.action, AuditEntry.detail)
                                 .where(AuditEntry.action.like("legal_hold%"))).all()
    assert [a for a, _d in actions] == ["legal_hold_placed", "legal_hold_lifted"]
    assert all("Contrôle" not in json.dumps(d) for _a, d in actions)  # the reason code, not the note


@pytest.mark.requirement("R-GDPR-4")
def test_a_hold_needs_a_reason_and_a_note(app, login, worked_file):
    """Is a hold without its note refused with the reason said, and nothing stored?"""
    reference = worked_file.case.reference
    client, token, _page = _client(app, login, "mediatrice", f"/console/dossiers/{reference}")
    response = client.post(f"/console/dossiers/{reference}/gel",
                           data={"csrf_token": token, "reason": "litigation", "note": " "}, follow_redirects=True)
    assert "Dites à quoi sert" in response.get_data(as_text=True)
    assert db.session.execute(sa.select(LegalHold)).first() is None


@pytest.mark.requirement("R-GDPR-3")
def test_the_purge_log_page_shows_counts_and_no_content(app, login, worked_file):
    """After a purge, does the mediator's page list the file by reference with counts, and no personal data?"""
    purge(dry_run=False, now=AFTER_RETENTION)
    client, _token, page = _client(app, login, "mediatrice", "/console/conservation")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert worked_file.case.reference in text and "Dossiers terminés" in text
    assert "Jeanne" not in text and "Dupont" not in text
    file_page = client.get(f"/console/dossiers/{worked_file.case.reference}").get_data(as_text=True)
    assert "Purgé le" in file_page and "Jeanne" not in file_page


@pytest.mark.requirement("R-GDPR-6")
def test_subject_access_archive_holds_the_persons_data_and_the_weighing(app, login, worked_file):
    """Does the mediator's archive for Jeanne Dupont's address hold her contact, her document and the weighing,
    but not the team's note nor the question put to the company, and is the export audited?"""
    client, token, _page = _client(app, login, "mediatrice", "/console/donnees-personnelles")
    response = client.post("/console/donnees-personnelles",
                           data={"csrf_token": token, "email": "Jeanne.Dupont@example.org"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("donnees.json"))
    [record] = data["files"]
    assert record["reference"] == worked_file.case.reference and record["contact"]["name"] == "Jeanne Dupont"
    assert record["representatives"][0]["name"] == "Marcel Lenoir"
    dumped = json.dumps(data, ensure_ascii=False)
    assert "très remontée" not in dumped and "prélevée deux fois" not in dumped
    assert {w["what"] for w in data["weighing"]["withheld"]} and data["weighing"]["review"]
    assert UPLOAD in [archive.read(name) for name in archive.namelist() if name.startswith("documents/")]
    assert {d["kind"] for d in record["documents"]} == {"upload", "letter"}
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "subject_access_export")).scalar_one()
    assert entry.detail["files"] == [worked_file.case.reference] and "Jeanne" not in json.dumps(entry.detail)
    handler, token, _page = _client(app, login, "gestionnaire", "/console/")
    assert handler.post("/console/donnees-personnelles",
                        data={"csrf_token": token, "email": "jeanne.dupont@example.org"}).status_code == 403


@pytest.mark.requirement("R-GDPR-6")
def test_subject_access_from_the_command_line(app, worked_file, tmp_path):
    """Does `mediator export subject` write the same archive for the person's address?"""
    out = tmp_path / "jeanne.zip"
    result = app.test_cli_runner().invoke(args=["mediator", "export", "subject", "--email",
                                                "jeanne.dupont@example.org", "--out", str(out), "--by", "dpo"])
    assert result.exit_code == 0, result.output
    data = json.loads(zipfile.ZipFile(out).read("donnees.json"))
    assert [f["reference"] for f in data["files"]] == [db.session.get(Case, worked_file.case.id).reference]
