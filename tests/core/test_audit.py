"""The audit chain detects an edited, deleted or inserted row (`mediator audit verify`)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from mediator_plugin.core import audit
from mediator_plugin.core.audit import AuditEntry, verify_chain
from mediator_plugin.core.db import db, is_postgres


@pytest.fixture
def chain(app):
    for n in range(5):
        audit.record("read_case", actor="gestionnaire", target=f"MED-2026-0000{n}", detail={"n": n})
    db.session.commit()
    return db.session.execute(sa.select(AuditEntry.id).order_by(AuditEntry.id)).scalars().all()


def _tamper(sql: str, **params) -> None:
    """Change the table behind the application's back, as an attacker with database access would."""
    if is_postgres():
        sql = sql.replace("audit_entries", "mediation.audit_entries")
    with db.engine.begin() as connection:
        if is_postgres():
            connection.execute(sa.text("ALTER TABLE mediation.audit_entries DISABLE TRIGGER USER"))
        connection.execute(sa.text(sql), params)
        if is_postgres():
            connection.execute(sa.text("ALTER TABLE mediation.audit_entries ENABLE TRIGGER USER"))


def test_intact_chain_verifies(chain):
    """Does an untouched log verify, counting every entry?"""
    report = verify_chain()
    assert report.broken_at is None and report.checked == 5


def test_edited_row_is_named(chain):
    """Is an edited row reported as the first broken entry?"""
    _tamper("UPDATE audit_entries SET actor = 'intrus' WHERE id = :id", id=chain[2])
    report = verify_chain()
    assert report.broken_at == chain[2] and "edited" in report.reason


def test_deleted_row_breaks_the_next_link(chain):
    """Is a deleted row detected at the entry that followed it?"""
    _tamper("DELETE FROM audit_entries WHERE id = :id", id=chain[1])
    assert verify_chain().broken_at == chain[2]


def test_inserted_row_is_detected(chain):
    """Is a row inserted with a forged link detected?"""
    last = db.session.get(AuditEntry, chain[-1])
    _tamper("INSERT INTO audit_entries (id, at, actor, roles, action, target, detail, prev_hash, hash) "
            "VALUES (:id, :at, 'intrus', '', 'read_case', 'x', '{}', :prev, :hash)",
            id=chain[-1] + 1, at=last.at.replace(tzinfo=None), prev="f" * 64, hash="e" * 64)
    assert verify_chain().broken_at == chain[-1] + 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgres_refuses_updates_to_the_log(chain):
    """On PostgreSQL, does the database itself refuse UPDATE and DELETE on the log?"""
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE mediation.audit_entries SET actor = 'x'"))


def test_concurrent_writers_extend_one_chain(app):
    """When several workers record reads at the same moment, is every entry kept, in one unbroken chain?"""
    errors = []

    def reader(n: int) -> None:
        with app.app_context():
            try:
                for k in range(15):
                    audit.record("read_case", actor=f"worker-{n}", target=f"MED-2026-{k:05d}")
                    db.session.commit()
            except Exception as exc:
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    report = verify_chain()
    assert report.broken_at is None and report.checked == 60


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_row_inserted_in_the_middle_is_refused_or_detected(app):
    """In a gap of ids (a rolled-back write leaves one on PostgreSQL), is a forged row refused by the database
    when it claims its predecessor's link, and named by the verification when it claims any other?"""
    audit.record("read_case", actor="gestionnaire", target="MED-2026-00001")
    db.session.commit()
    first = db.session.execute(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
    audit.record("read_case", actor="gestionnaire", target="MED-2026-00002")
    db.session.rollback()  # its id is spent: a gap in the middle of the log
    audit.record("read_case", actor="gestionnaire", target="MED-2026-00003")
    db.session.commit()
    gap, at = first.id + 1, first.at.replace(tzinfo=None)
    insert = ("INSERT INTO audit_entries (id, at, actor, roles, action, target, detail, prev_hash, hash) "
              "VALUES (:id, :at, 'intrus', '', 'read_case', 'x', '{}', :prev, :hash)")
    with pytest.raises(sa.exc.IntegrityError):  # the next entry already links to the first one
        _tamper(insert, id=gap, at=at, prev=first.hash, hash="e" * 64)
    _tamper(insert, id=gap, at=at, prev="f" * 64, hash="e" * 64)
    report = verify_chain()
    assert report.broken_at == gap and "deleted or inserted" in report.reason
