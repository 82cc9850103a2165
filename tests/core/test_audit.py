"""The audit chain: keyed, it detects an edited, deleted or inserted row (`mediator audit verify`), keeps the
entries written before the key verifiable, and the database refuses changes to it (issue 15, finding 2)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import flask_migrate
import pytest
import sqlalchemy as sa

from mediator_plugin.core import audit
from mediator_plugin.core.audit import (
    GENESIS,
    KEYED,
    LEGACY,
    AuditEntry,
    canonical,
    chain_key,
    keyed_digest,
    legacy_digest,
)
from mediator_plugin.core.audit_verify import verify_chain
from mediator_plugin.core.db import db, is_postgres
from mediator_plugin.core.paths import find_data_path
from mediator_plugin.core.schema import upgrade_schema
from tests.support.audit import tamper as _tamper


@pytest.fixture
def chain(app):
    for n in range(5):
        audit.record("read_case", actor="gestionnaire", target=f"MED-2026-0000{n}", detail={"n": n})
    db.session.commit()
    return db.session.execute(sa.select(AuditEntry.id).order_by(AuditEntry.id)).scalars().all()


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
    _tamper("INSERT INTO audit_entries (id, at, actor, roles, action, target, detail, prev_hash, hash, algorithm) "
            "VALUES (:id, :at, 'intrus', '', 'read_case', 'x', '{}', :prev, :hash, 'hmac-sha256')",
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
    insert = ("INSERT INTO audit_entries (id, at, actor, roles, action, target, detail, prev_hash, hash, algorithm) "
              "VALUES (:id, :at, 'intrus', '', 'read_case', 'x', '{}', :prev, :hash, 'hmac-sha256')")
    with pytest.raises(sa.exc.IntegrityError):  # the next entry already links to the first one
        _tamper(insert, id=gap, at=at, prev=first.hash, hash="e" * 64)
    _tamper(insert, id=gap, at=at, prev="f" * 64, hash="e" * 64)
    report = verify_chain()
    assert report.broken_at == gap and "deleted or inserted" in report.reason


@pytest.mark.requirement("R-CONF-1")
def test_entries_are_keyed_with_the_audit_key(chain):
    """Is each new entry's hash the HMAC-SHA256, under the audit key, of its predecessor's hash and its content —
    not the plain SHA-256 anyone can compute?"""
    entries = db.session.execute(sa.select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    previous = GENESIS
    for entry in entries:
        text = canonical(entry.content())
        assert entry.algorithm == KEYED and entry.prev_hash == previous
        assert entry.hash == keyed_digest(chain_key(), previous, text) != legacy_digest(previous, text)
        previous = entry.hash


@pytest.mark.requirement("R-CONF-1")
def test_a_wrong_key_names_the_first_entry_it_cannot_authenticate(chain, make_app):
    """Verified under another audit key, is the very first entry named, with the key as a possible cause?"""
    other = make_app(audit={"key": "an-other-key-than-the-one-the-log-was-written-with"})
    with other.app_context():
        report = verify_chain()
    assert report.broken_at == chain[0] and report.checked == 0 and "MEDIATOR_AUDIT_KEY" in report.reason


@pytest.mark.requirement("R-CONF-1")
def test_a_plain_entry_after_keyed_ones_is_refused(chain):
    """Is an entry chained with the public algorithm after keyed ones refused, though its link and hash agree?"""
    last = db.session.get(AuditEntry, chain[-1])
    content = {**last.content(), "actor": "intrus"}
    _tamper("INSERT INTO audit_entries (id, at, actor, roles, action, target, case_id, detail, prev_hash, hash, "
            "algorithm) VALUES (:id, :at, 'intrus', :roles, :action, :target, NULL, :detail, :prev, :hash, 'sha256')",
            id=chain[-1] + 1, at=last.at.replace(tzinfo=None), roles=last.roles, action=last.action,
            target=last.target, detail=json.dumps(last.detail), prev=last.hash,
            hash=legacy_digest(last.hash, canonical(content)))
    report = verify_chain()
    assert report.broken_at == chain[-1] + 1 and "not keyed" in report.reason


@pytest.mark.requirement("R-CONF-1")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("statement", ["UPDATE audit_entries SET actor = 'intrus'", "DELETE FROM audit_entries"])
def test_sqlite_refuses_updates_and_deletes(chain, statement):
    """On SQLite, do triggers refuse UPDATE and DELETE on the log, leaving it whole?"""
    with pytest.raises(sa.exc.IntegrityError, match="append-only"), db.engine.begin() as connection:
        connection.execute(sa.text(statement))
    assert verify_chain().checked == 5


@pytest.mark.requirement("R-CONF-1")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgres_refuses_truncate(chain):
    """On PostgreSQL, does a trigger refuse TRUNCATE of the log (it empties a table without a row trigger)?"""
    db.session.rollback()  # TRUNCATE would wait for the lock of the test's own transaction
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as connection:
        connection.execute(sa.text("TRUNCATE mediation.audit_entries"))
    assert verify_chain().checked == 5


@pytest.fixture
def fresh_url(database_url, tmp_path):
    """An empty database beside the test's one, for a migration run from the start."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'upgraded.db'}"
        return
    server = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS upgraded"))
        connection.execute(sa.text("CREATE DATABASE upgraded"))
    yield database_url.rsplit("/", 1)[0] + "/upgraded"
    with server.connect() as connection:
        connection.execute(sa.text("DROP DATABASE upgraded WITH (FORCE)"))
    server.dispose()


@pytest.mark.requirement("R-CONF-1")
def test_entries_written_before_the_key_still_verify_after_the_upgrade(make_app, fresh_url):
    """An install at migration 0015 holds entries chained with plain SHA-256: after migration 0017, do they verify
    the old way and the new entries keyed, in one chain — and, on PostgreSQL, is an entry without its algorithm
    (a host still running the previous version) refused rather than appended?"""
    app = make_app(database_url=fresh_url)
    with app.app_context():
        flask_migrate.upgrade(directory=str(find_data_path("migrations")), revision="0015")
        table = "mediation.audit_entries" if is_postgres() else "audit_entries"
        previous = GENESIS
        for n in range(3):  # as the previous version wrote them
            at = datetime(2026, 11, 30, 10, n, tzinfo=UTC)
            content = {"at": at.isoformat(), "actor": "gestionnaire", "roles": "case_handler", "action": "read_case",
                       "target": f"MED-2026-0000{n}", "case_id": None, "detail": {}}
            digest = legacy_digest(previous, canonical(content))
            db.session.execute(sa.text(f"INSERT INTO {table} (at, actor, roles, action, target, detail, prev_hash, "  # noqa: S608
                                       "hash) VALUES (:at, 'gestionnaire', 'case_handler', 'read_case', :target, '{}', "
                                       ":prev, :hash)"),
                               {"at": at.replace(tzinfo=None), "target": content["target"], "prev": previous,
                                "hash": digest})
            previous = digest
        db.session.commit()
        upgrade_schema()
        for n in range(2):
            audit.record("read_case", actor="mediatrice", target=f"MED-2026-0001{n}")
        db.session.commit()
        report = verify_chain()
        algorithms = db.session.execute(sa.select(AuditEntry.algorithm).order_by(AuditEntry.id)).scalars().all()
        assert report.broken_at is None and report.checked == 5
        assert algorithms == [LEGACY] * 3 + [KEYED] * 2
        if is_postgres():
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
                connection.execute(sa.text(f"INSERT INTO {table} (at, actor, roles, action, target, detail, "  # noqa: S608
                                           "prev_hash, hash) VALUES (now(), 'x', '', 'read_case', '', '{}', "
                                           ":prev, :hash)"), {"prev": "a" * 64, "hash": "b" * 64})
        db.session.remove()
        db.engine.dispose()


def test_a_lost_connection_during_the_append_is_sqlalchemy_s_error_and_the_next_entry_goes_in(app):
    """The append runs on the driver's cursor: when its connection is lost, is the error SQLAlchemy's (so that the
    pages answer it as any database error), the connection invalidated, and the next entry written on a new one?"""
    audit.record("read_case", actor="gestionnaire", target="MED-2026-00001")
    db.session.commit()
    db.session.connection().connection.dbapi_connection.close()  # the server or the network dropped it
    with pytest.raises(sa.exc.DBAPIError) as raised:
        audit.record("read_case", actor="gestionnaire", target="MED-2026-00002")
    assert raised.value.connection_invalidated
    db.session.rollback()
    audit.record("read_case", actor="gestionnaire", target="MED-2026-00003")
    db.session.commit()
    report = verify_chain()
    assert report.broken_at is None and report.checked == 2
