"""Checking the audit log in the database: every link and every hash, in id order.

Entries written before the chain was keyed (``algorithm = "sha256"``) are checked with the plain SHA-256 they
were written with, keyed ones with the HMAC under the audit key; a plain entry after a keyed one is refused,
since anyone could have computed it. What a walk cannot see — entries cut from the end, a log emptied, a
chain recomputed with the key — is for the anchors (core/audit_anchors.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from mediator_plugin.core.audit import (
    GENESIS,
    KEYED,
    LEGACY,
    AuditEntry,
    canonical,
    chain_key,
    content_of,
    keyed_digest,
    legacy_digest,
)
from mediator_plugin.core.db import db


@dataclass(frozen=True)
class ChainReport:
    """Result of :func:`verify_chain`: ``broken_at`` is the id of the first bad entry, or None; ``last_id`` and
    ``last_hash`` are those of the newest entry checked (the starting point when none was)."""

    checked: int
    broken_at: int | None
    reason: str = ""
    last_id: int = 0
    last_hash: str = GENESIS


@dataclass(frozen=True)
class Head:
    """The log as the database holds it now: how many entries, the newest one's id and hash."""

    count: int
    last_id: int
    last_hash: str


def read_head() -> Head:
    """Count and newest entry, in one statement (an empty log: 0, 0 and the genesis hash)."""
    newest = sa.select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1).subquery()
    row = db.session.execute(sa.select(sa.select(sa.func.count()).select_from(AuditEntry).scalar_subquery(),
                                       sa.select(newest.c.id).scalar_subquery(),
                                       sa.select(newest.c.hash).scalar_subquery())).one()
    return Head(count=row[0], last_id=row[1] or 0, last_hash=row[2] or GENESIS)


def verify_chain(batch: int = 5000, *, after_id: int = 0, after_hash: str = GENESIS) -> ChainReport:
    """Walk the log in id order from the entry after ``after_id`` (whose hash is ``after_hash``: the genesis for
    the whole log) and check every link and every hash. From a later starting point, which only an anchor
    gives, every entry must be keyed: anchors are written by the version that keys every entry."""
    key, expected_prev, keyed_seen = chain_key(), after_hash, after_id > 0
    checked, last_id = 0, after_id
    while True:
        # Plain rows, not ORM objects: nothing accumulates in the session, whoever runs the walk (the jobs too).
        rows = db.session.execute(sa.select(*_COLUMNS).where(AuditEntry.id > last_id).order_by(AuditEntry.id)
                                  .limit(batch)).all()
        if not rows:
            return ChainReport(checked=checked, broken_at=None, last_id=last_id, last_hash=expected_prev)
        for entry in rows:
            problem = _problem(entry, expected_prev, key, keyed_seen)
            if problem:
                return ChainReport(checked, entry.id, problem, last_id, expected_prev)
            keyed_seen = keyed_seen or entry.algorithm == KEYED
            expected_prev, last_id = entry.hash, entry.id
            checked += 1


_COLUMNS = (AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.roles, AuditEntry.action, AuditEntry.target,
            AuditEntry.case_id, AuditEntry.detail, AuditEntry.prev_hash, AuditEntry.hash, AuditEntry.algorithm)


def _problem(entry: sa.Row, expected_prev: str, key: bytes, keyed_seen: bool) -> str:
    """Why ``entry`` breaks the chain, or an empty string."""
    if entry.prev_hash != expected_prev:
        return "its link does not point to the previous entry (an entry was deleted or inserted before it)"
    text = canonical(content_of(entry))
    if entry.algorithm == KEYED:
        if keyed_digest(key, entry.prev_hash, text) != entry.hash:
            return ("its hash is not the keyed hash of its content: the row was edited or forged, or the audit key "
                    "(MEDIATOR_AUDIT_KEY) is not the one it was written with")
        return ""
    if entry.algorithm != LEGACY:
        return f"its algorithm {entry.algorithm!r} is unknown"
    if keyed_seen:
        return "it is not keyed although an entry before it is (written without the audit key)"
    if legacy_digest(entry.prev_hash, text) != entry.hash:
        return "its content does not match its hash (the row was edited)"
    return ""


def entry_at(entry_id: int) -> tuple[str | None, int]:
    """The hash of entry ``entry_id`` (None if there is none) and how many entries the log holds up to it."""
    row = db.session.execute(sa.select(
        sa.select(AuditEntry.hash).where(AuditEntry.id == entry_id).scalar_subquery(),
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.id <= entry_id).scalar_subquery(),
    )).one()
    return row[0], row[1]
