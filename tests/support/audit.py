"""Attacks on the audit log, made the way someone holding the database would make them."""

from __future__ import annotations

import hashlib
import hmac

import sqlalchemy as sa

from mediator_plugin.core.audit import AuditEntry, canonical, legacy_digest
from mediator_plugin.core.db import db, is_postgres


def tamper(sql: str, **params) -> None:
    """Run ``sql`` on the log behind the application's back, its guards lifted for the moment: on PostgreSQL the
    owner disables the table's triggers, on SQLite whoever can write the file drops them (and puts them back)."""
    db.session.rollback()  # the test's open transaction would hold a lock that TRUNCATE or DROP TRIGGER waits for
    with db.engine.begin() as connection:
        if is_postgres():
            connection.execute(sa.text("ALTER TABLE mediation.audit_entries DISABLE TRIGGER USER"))
            connection.execute(sa.text(sql.replace("audit_entries", "mediation.audit_entries")), params)
            connection.execute(sa.text("ALTER TABLE mediation.audit_entries ENABLE TRIGGER USER"))
            return
        guards = connection.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                            "AND tbl_name = 'audit_entries'")).all()
        for name, _sql in guards:
            connection.execute(sa.text(f"DROP TRIGGER {name}"))
        connection.execute(sa.text(sql), params)
        for _name, create in guards:
            connection.execute(sa.text(create))


def rechain(from_id: int, digest, algorithm: str) -> None:
    """Recompute the hash of every entry from ``from_id`` on, each linked to the one before it, with ``digest``
    (prev_hash, canonical text) -> hash, and mark them made with ``algorithm``: what an attacker does after
    deleting entries, to hide the gap."""
    entries = db.session.execute(sa.select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    db.session.rollback()
    previous = "0" * 64
    for entry in entries:
        if entry.id >= from_id:
            new_hash = digest(previous, canonical(entry.content()))
            tamper("UPDATE audit_entries SET prev_hash = :prev, hash = :hash, algorithm = :algorithm WHERE id = :id",
                   prev=previous, hash=new_hash, algorithm=algorithm, id=entry.id)
            previous = new_hash
        else:
            previous = entry.hash


def plain_sha256(previous: str, text: str) -> str:
    """The public algorithm: a plain SHA-256 chain."""
    return legacy_digest(previous, text)


def hmac_with(key: bytes):
    """An HMAC-SHA256 chain under ``key`` (a wrong one: the attacker does not hold the audit key)."""
    return lambda previous, text: hmac.new(key, (previous + text).encode(), hashlib.sha256).hexdigest()
