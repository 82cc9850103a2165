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
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.functions import FunctionElement

from mediator_plugin.core.db import SQLITE_SHA256, UTCDateTime, db, utcnow

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


_table = AuditEntry.__table__


def _canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _digest(prev_hash: str, content: dict) -> str:
    return hashlib.sha256((prev_hash + _canonical(content)).encode("utf-8")).hexdigest()


class sha256_hex(FunctionElement):
    """The SHA-256 of a text's UTF-8 bytes, in hexadecimal, computed by the database: what :func:`_digest`
    computes in Python (PostgreSQL's own functions; on SQLite, the one core/db.py registers)."""

    type = sa.String()
    inherit_cache = True


@compiles(sha256_hex, "postgresql")
def _sha256_postgresql(element, compiler, **kw):
    return f"encode(sha256(convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')), 'hex')"


@compiles(sha256_hex, "sqlite")
def _sha256_sqlite(element, compiler, **kw):
    return f"{SQLITE_SHA256}({compiler.process(element.clauses, **kw)})"


def _chained_insert(insert):
    """One statement that appends an entry to the latest one, unless another writer has just taken it
    (no row comes back then). Each run reads the latest committed entries: PostgreSQL reads committed
    rows, and SQLite's insert takes the write lock, after any other writer's commit."""
    # LIMIT 1 written out: with a parameter there, PostgreSQL could not keep one plan and planned every insert.
    newest = sa.select(_table.c.hash).order_by(_table.c.id.desc()).limit(sa.literal_column("1"))
    latest = sa.select(sa.func.coalesce(newest.scalar_subquery(), GENESIS).label("hash")).subquery("latest")
    fields = ("at", "actor", "roles", "action", "target", "case_id", "detail")
    entry = sa.select(*(sa.bindparam(name, type_=_table.c[name].type) for name in fields), latest.c.hash,
                      sha256_hex(latest.c.hash + sa.bindparam("canonical", type_=sa.String)))
    # SQLite reads ON CONFLICT after INSERT … SELECT only behind a WHERE clause.
    return (insert(_table).from_select([*fields, "prev_hash", "hash"], entry.where(sa.true()))
            .on_conflict_do_nothing(index_elements=[_table.c.prev_hash]).returning(_table.c.id))


# Built once: a file page writes one entry per read, and building the statement anew cost more than running it.
_INSERT_CHAINED = {"postgresql": _chained_insert(postgresql.insert), "sqlite": _chained_insert(sqlite.insert)}
# Far more than concurrent readers of files ever make: then something else is wrong.
MAX_ATTEMPTS = 100


class AuditWriteError(RuntimeError):
    """The entry could not be chained after :data:`MAX_ATTEMPTS` attempts."""


def record(action: str, *, actor: str, roles=(), target: str = "", case_id: int | None = None,
           detail: dict | None = None) -> None:
    """Append an entry in the current transaction; it commits or rolls back with the change it audits."""
    connection = db.session.connection()
    insert_chained = _INSERT_CHAINED[connection.dialect.name]
    values = {"at": utcnow(), "actor": actor, "roles": ",".join(sorted(roles)), "action": action, "target": target,
              "case_id": case_id, "detail": json.loads(json.dumps(detail or {}, default=str))}
    values["canonical"] = _canonical(_content(**values))
    for _attempt in range(MAX_ATTEMPTS):
        if connection.execute(insert_chained, values).first() is not None:
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

