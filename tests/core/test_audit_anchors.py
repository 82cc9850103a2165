"""Anchors of the audit log outside the database: `mediator audit verify` and the daily step of `mediator jobs`
write them (a file, a log line, a mail when set), and the verification names what the chain alone cannot show —
a log cut at its end, emptied, or recomputed (issue 15, finding 2)."""

from __future__ import annotations

import json
import logging

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.core import audit
from mediator_plugin.core.audit import KEYED, LEGACY, AuditEntry
from mediator_plugin.core.audit_anchors import Anchor, anchor_path, is_authentic
from mediator_plugin.core.db import db, is_postgres
from mediator_plugin.core.jobs import run_jobs
from mediator_plugin.core.outbox import OutboxKind, enqueue
from tests.support.audit import hmac_with, plain_sha256, rechain, tamper

pytestmark = pytest.mark.requirement("R-CONF-1")
MEDIATOR = "mediatrice@example.com"


def _entries(count: int = 5, start: int = 0) -> list[int]:
    for n in range(start, start + count):
        audit.record("read_case", actor="gestionnaire", roles={"case_handler"}, target=f"MED-2026-{n:05d}")
    db.session.commit()
    return db.session.execute(sa.select(AuditEntry.id).order_by(AuditEntry.id)).scalars().all()


def _verify(app):
    return app.test_cli_runner().invoke(args=["mediator", "audit", "verify"])


def _anchors() -> list[dict]:
    return [json.loads(line) for line in anchor_path().read_text().splitlines()]


def _hash(entry_id: int) -> str:
    return db.session.execute(sa.select(AuditEntry.hash).where(AuditEntry.id == entry_id)).scalar_one()


def test_verify_anchors_the_log_in_a_file_and_a_log_line(app, caplog):
    """Does a verification that passes append a signed anchor of the log (count, last id and hash, time) to the
    anchor file in the storage folder, and write the same anchor as a line of the structured log?"""
    ids = _entries()
    with caplog.at_level(logging.INFO, logger="mediator.audit"):
        result = _verify(app)
    assert result.exit_code == 0, result.output
    (anchor,) = _anchors()
    assert (anchor["count"], anchor["last_id"], anchor["last_hash"], anchor["by"]) == (5, ids[-1], _hash(ids[-1]),
                                                                                       "verify")
    assert is_authentic(Anchor(**anchor))
    assert [record.anchor for record in caplog.records if record.getMessage() == "audit anchor"] == [anchor]
    assert result.stdout.splitlines()[0] == "audit chain intact: 5 entries"
    assert f"anchor written to {anchor_path()}: 5 entries up to id {ids[-1]}" in result.stdout
    _entries(2, start=5)
    again = _verify(app)
    assert again.exit_code == 0 and f"agrees with the anchor of {anchor['at']}" in again.stdout
    assert [a["count"] for a in _anchors()] == [5, 7]


def test_entries_cut_from_the_end_are_named(app):
    """Deleting the newest entries leaves a chain whose every link holds: is the truncation named against the
    anchor, with exit 1 — and, since no anchor is written over a cut log, named again at the next run?"""
    ids = _entries()
    assert _verify(app).exit_code == 0
    (anchor,) = _anchors()
    tamper("DELETE FROM audit_entries WHERE id > :id", id=ids[2])
    for _run in range(2):
        result = _verify(app)
        assert result.exit_code == 1
        assert "audit chain intact: 3 entries" in result.stdout
        assert (f"audit log truncated: the log ends at id {ids[2]} but the anchor of {anchor['at']} saw 5 entries up "
                f"to id {ids[4]}") in result.stderr
    assert len(_anchors()) == 1


@pytest.mark.parametrize("attack", ["plain SHA-256", "HMAC with a guessed key"])
def test_a_chain_recomputed_after_a_deletion_is_named(app, attack):
    """After deleting an entry and recomputing the chain — with the public algorithm (every entry then passes
    for one written before the key) or with an HMAC under a guessed key — is the rewrite named against the
    anchor, with exit 1?"""
    ids = _entries()
    assert _verify(app).exit_code == 0
    (anchor,) = _anchors()
    tamper("DELETE FROM audit_entries WHERE id = :id", id=ids[1])
    if attack == "plain SHA-256":
        rechain(ids[0], plain_sha256, LEGACY)
    else:
        rechain(ids[2], hmac_with(b"a guessed key"), KEYED)
    result = _verify(app)
    assert result.exit_code == 1
    assert (f"audit log rewritten: entry {ids[4]} has hash {_hash(ids[4])} but the anchor of {anchor['at']} saw 5 "
            f"entries up to id {ids[4]} with hash {anchor['last_hash']}") in result.stderr
    if attack == "plain SHA-256":  # every link and hash holds: only the anchor tells
        assert "audit chain intact: 4 entries" in result.stdout
    else:
        assert f"audit chain broken at entry {ids[2]}: its hash is not the keyed hash" in result.stderr


def test_an_emptied_log_is_named(app):
    """Emptied by its owner with the triggers off (TRUNCATE on PostgreSQL), the log verifies as "intact: 0
    entries": is the emptying named against the anchor, with exit 1?"""
    ids = _entries()
    assert _verify(app).exit_code == 0
    (anchor,) = _anchors()
    tamper("TRUNCATE audit_entries" if is_postgres() else "DELETE FROM audit_entries")
    result = _verify(app)
    assert result.exit_code == 1 and "audit chain intact: 0 entries" in result.stdout
    assert (f"audit log emptied: the log holds no entry but the anchor of {anchor['at']} saw 5 entries up to id "
            f"{ids[4]}") in result.stderr


def test_an_anchor_not_signed_with_the_key_is_refused(app):
    """Is an anchor appended by someone without the audit key — here one that hides a truncation — refused?"""
    ids = _entries()
    assert _verify(app).exit_code == 0
    tamper("DELETE FROM audit_entries WHERE id > :id", id=ids[2])
    forged = Anchor(at="2030-01-01T00:00:00+00:00", by="verify", count=3, last_id=ids[2], last_hash=_hash(ids[2]),
                    signature="0" * 64)
    with anchor_path().open("a") as handle:
        handle.write(forged.line() + "\n")
    result = _verify(app)
    assert result.exit_code == 1 and "does not carry this audit key's signature" in result.stderr


def test_the_daily_job_anchors_once_a_day_and_never_over_a_cut_log(app, caplog):
    """Does `mediator jobs` anchor the log on its first run of a day (Paris time) and not again that day, the next
    day after checking the entries written since, and refuse — as an error of the run, logged, with no anchor —
    a log cut since its last anchor?"""
    with freeze_time("2026-12-08 07:00:00"):
        ids = _entries()
        assert run_jobs()["audit_anchor"] == "written"
    with freeze_time("2026-12-08 22:00:00"):  # 23:00 in Paris: the same day
        assert run_jobs()["audit_anchor"] == "not due"
    with freeze_time("2026-12-08 23:30:00"):  # 00:30 in Paris: the next day
        ids = _entries(2, start=5)
        assert run_jobs()["audit_anchor"] == "written"
    assert [(a["by"], a["count"], a["last_id"]) for a in _anchors()] == [("jobs", 5, ids[4]), ("jobs", 7, ids[6])]
    tamper("DELETE FROM audit_entries WHERE id > :id", id=ids[4])
    with freeze_time("2026-12-10 07:00:00"), caplog.at_level(logging.ERROR, logger="mediator.audit"):
        result = run_jobs()
    assert result["audit_anchor"].startswith(f"refused: truncated: the log ends at id {ids[4]}")
    assert any(error.startswith("audit anchor refused: truncated") for error in result["errors"])
    assert any("disagrees with its anchor" in record.getMessage() for record in caplog.records)
    assert len(_anchors()) == 2


def test_anchors_and_the_alarm_are_mailed_to_the_mediator_when_set(make_app, smtp):
    """With `audit.anchor_mail_to` set, does each anchor reach the mediator by mail (the anchor line in a French
    message), and a log cut since the last anchor an alarm?"""
    app = make_app(audit={"anchor_mail_to": MEDIATOR})
    before = len(smtp.inbox.messages)  # the server is the session's
    with app.app_context(), freeze_time("2026-12-08 09:00:00"):
        ids = _entries()
        result = _verify(app)
        assert f"mail to {MEDIATOR} queued for the next `mediator jobs`" in result.stdout
        assert run_jobs()["outbox"]["sent"] == 1
        (anchor,) = _anchors()
        mails = [m for m in smtp.inbox.messages[before:] if m["To"] == MEDIATOR]
        assert [m["Subject"] for m in mails] == ["Ancre du journal d'audit du 08/12/2026"]
        assert Anchor(**anchor).line() in mails[0].get_content() and "5 entrées" in mails[0].get_content()
        tamper("DELETE FROM audit_entries WHERE id > :id", id=ids[2])
    with app.app_context(), freeze_time("2026-12-09 09:00:00"):
        before = len(smtp.inbox.messages)
        assert run_jobs()["audit_anchor"].startswith("refused")
        (alarm,) = [m for m in smtp.inbox.messages[before:] if m["To"] == MEDIATOR]
        assert alarm["Subject"] == "Le journal d'audit ne correspond plus à son ancre"
        assert f"Le journal s'arrête à l'entrée {ids[2]}, alors que l'ancre du 08/12/2026" in alarm.get_content()


def test_an_unusable_storage_folder_fails_the_anchor_not_the_mail(make_app, tmp_path):
    """When the storage folder cannot hold the anchor file, is the failure said — an error of the jobs run, whose
    mail still leaves; exit 1 of `verify` naming the setting — rather than a crash?"""
    occupied = tmp_path / "a-file"
    occupied.write_text("not a folder")
    app = make_app(storage_dir=str(occupied))
    with app.app_context():
        _entries()
        enqueue(OutboxKind.MAIL, "test:after-the-anchor", {"to": [MEDIATOR], "subject": "Essai", "body": "Essai",
                                                           "attachments": []})
        db.session.commit()
        result = run_jobs()
        assert result["audit_anchor"].startswith("failed: the anchor file cannot be read or written")
        assert result["errors"] == [f"audit anchor {result['audit_anchor']}"] and result["outbox"]["sent"] == 1
        verified = _verify(app)
        assert verified.exit_code == 1 and "check MEDIATOR_STORAGE_DIR; no anchor was written" in verified.output


def test_a_line_of_the_anchor_file_holding_anything_is_refused_not_a_crash(app):
    """Is a last line of the anchor file with the anchor's fields but values of any kind refused, by `verify` and
    by the daily step, without a crash?"""
    _entries()
    anchor_path().parent.mkdir(parents=True)
    anchor_path().write_text(json.dumps({"at": "hier", "by": 1, "count": "x", "last_id": None, "last_hash": [],
                                         "signature": 7}) + "\n")
    result = _verify(app)
    assert result.exit_code == 1 and "does not carry this audit key's signature" in result.stderr
    assert run_jobs()["audit_anchor"].startswith("refused: anchor of hier does not carry")
