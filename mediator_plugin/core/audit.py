"""The append-only audit log: every read and write of a file, chained by hash.

Each entry stores the SHA-256 of its predecessor's hash and of its own canonical content, so an
edited, deleted or inserted row breaks the chain at a point :func:`verify_chain` names. A unique
``prev_hash`` forbids two entries claiming the same predecessor (no fork under concurrency): of two
writers that read the same last entry, the second one's insert finds the first one's entry (waiting
for its commit) and is made again on it, so that concurrent reads of files are all recorded. On
PostgreSQL a trigger (created by the first migration) refuses UPDATE and DELETE.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from mediator_plugin.core.db import UTCDateTime, db, utcnow

GENESIS = "0" * 64


class AuditEntry(db.Model):
    """One audited action; never updated, never deleted."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    roles: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    action: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    target: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    case_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    detail: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)

    def content(self) -> dict:
        """The fields the hash covers."""
        return _content(at=self.at, actor=self.actor, roles=self.roles, action=self.action, target=self.target,
                        case_id=self.case_id, detail=self.detail)


def _content(*, at, actor, roles, action, target, case_id, detail) -> dict:
    return {"at": at.isoformat(), "actor": actor, "roles": roles, "action": action, "target": target,
            "case_id": case_id, "detail": detail}


def _digest(prev_hash: str, content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


_table = AuditEntry.__table__
# Built once: a file page writes one entry per read, and building these statements anew cost more
# than running them.
_LAST_HASH = sa.select(_table.c.hash).order_by(_table.c.id.desc()).limit(1)
# An entry whose predecessor another writer has just taken is not inserted (no row comes back).
_INSERT_UNLESS_TAKEN = {dialect: insert(_table).on_conflict_do_nothing(index_elements=[_table.c.prev_hash])
                        .returning(_table.c.id) for dialect, insert in (("postgresql", postgresql.insert),
                                                                        ("sqlite", sqlite.insert))}
# Far more than concurrent readers of files ever make: then something else is wrong.
MAX_ATTEMPTS = 100


class AuditWriteError(RuntimeError):
    """The entry could not be chained after :data:`MAX_ATTEMPTS` attempts."""


def record(action: str, *, actor: str, roles=(), target: str = "", case_id: int | None = None,
           detail: dict | None = None) -> None:
    """Append an entry in the current transaction; it commits or rolls back with the change it audits."""
    connection = db.session.connection()
    insert_unless_taken = _INSERT_UNLESS_TAKEN[connection.dialect.name]
    values = {"at": utcnow(), "actor": actor, "roles": ",".join(sorted(roles)), "action": action, "target": target,
              "case_id": case_id, "detail": json.loads(json.dumps(detail or {}, default=str))}
    content = _content(**values)
    for _attempt in range(MAX_ATTEMPTS):
        # Each statement reads the latest committed entries (PostgreSQL: read committed; SQLite: the insert
        # takes the write lock, after any other writer's commit).
        prev_hash = connection.execute(_LAST_HASH).scalar() or GENESIS
        inserted = connection.execute(insert_unless_taken, {**values, "prev_hash": prev_hash,
                                                            "hash": _digest(prev_hash, content)}).first()
        if inserted is not None:
            return
    raise AuditWriteError(f"audit entry {action!r} not chained after {MAX_ATTEMPTS} attempts")


@dataclass(frozen=True)
class ChainReport:
    """Result of :func:`verify_chain`: ``broken_at`` is the id of the first bad entry, or None."""

    checked: int
    broken_at: int | None
    reason: str = ""


def verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the whole log in id order and check every link and every hash."""
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = db.session.execute(
            sa.select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).scalars().all()
        if not rows:
            return ChainReport(checked=checked, broken_at=None)
        for entry in rows:
            if entry.prev_hash != expected_prev:
                return ChainReport(checked, entry.id, "its link does not point to the previous entry "
                                   "(an entry was deleted or inserted before it)")
            if _digest(entry.prev_hash, entry.content()) != entry.hash:
                return ChainReport(checked, entry.id, "its content does not match its hash (the row was edited)")
            expected_prev = entry.hash
            checked += 1
            last_id = entry.id
        db.session.expunge_all()

