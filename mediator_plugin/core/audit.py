"""The append-only audit log: every read and write of a file, chained by a keyed hash.

Each entry stores its predecessor's hash and its own: the HMAC-SHA256, under the audit key, of that
predecessor's hash and of the entry's canonical content. The key comes from the settings
(``MEDIATOR_AUDIT_KEY``) and never reaches the database: the hash is computed here, so that whoever can
write the table cannot write an entry the verification accepts, nor recompute the chain after deleting
some. Entries written before the key (``algorithm = "sha256"``, migration 0017) keep their plain SHA-256
and are checked that way; none may follow a keyed one.

A unique ``prev_hash`` forbids two entries claiming the same predecessor (no fork under concurrency): of
two writers that read the same last entry, the second one's insert finds the first one's entry (waiting
for its commit) and is made again on it, so that concurrent reads of files are all recorded. Triggers
refuse UPDATE, DELETE and (PostgreSQL) TRUNCATE; what the database cannot refuse to its owner, the anchors
kept outside it (core/audit_anchors.py) reveal.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import weakref
from datetime import UTC

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from mediator_plugin import state
from mediator_plugin.core.db import SCHEMA, UTCDateTime, db, utcnow

GENESIS = "0" * 64
KEYED, LEGACY = "hmac-sha256", "sha256"
# Demo and tests only (production requires MEDIATOR_AUDIT_KEY): the key is derived from the secret key.
_DERIVED_KEY_LABEL = b"mediator audit chain key, demo and test only"


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
    algorithm: Mapped[str] = mapped_column(sa.String(16), nullable=False)

    def content(self) -> dict:
        """The fields the hash covers."""
        return content_of(self)


def content_of(entry) -> dict:
    """The fields of ``entry`` (an :class:`AuditEntry` or a row of its columns) that its hash covers."""
    return _content(at=entry.at, actor=entry.actor, roles=entry.roles, action=entry.action, target=entry.target,
                    case_id=entry.case_id, detail=entry.detail)


def _content(*, at, actor, roles, action, target, case_id, detail) -> dict:
    return {"at": at.isoformat(), "actor": actor, "roles": roles, "action": action, "target": target,
            "case_id": case_id, "detail": detail}


def canonical(content: dict) -> str:
    """The one text of an entry's content that its hash covers."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def legacy_digest(prev_hash: str, text: str) -> str:
    """The plain SHA-256 of the entries written before the chain was keyed."""
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def keyed_digest(key: bytes, prev_hash: str, text: str) -> str:
    """The HMAC-SHA256 that links a keyed entry to its predecessor."""
    return hmac.new(key, (prev_hash + text).encode("utf-8"), hashlib.sha256).hexdigest()


def chain_key() -> bytes:
    """The audit key of this application: ``audit.key`` (required in production), or, in demo and tests
    without one, a key derived from the secret key. Resolved once per application."""
    plugin = state()
    if plugin.audit_key is None:
        configured = plugin.settings["audit"]["key"]
        if configured:
            plugin.audit_key = configured.encode("utf-8")
        else:
            secret = plugin.settings["secret_key"] or current_app.secret_key or ""
            plugin.audit_key = hmac.new(str(secret).encode("utf-8"), _DERIVED_KEY_LABEL, hashlib.sha256).digest()
    return plugin.audit_key


_CONTENT = ("at", "actor", "roles", "action", "target", "case_id", "detail")
_ORDER = (*_CONTENT, "prev_hash", "hash", "algorithm")
_COLUMNS = ", ".join(_ORDER)
# The statements below are made of constants only. LIMIT 1 written out: with a parameter there, PostgreSQL could
# not keep one plan and planned every read.
_NEWEST = f"coalesce((SELECT hash FROM {{table}} ORDER BY id DESC LIMIT 1), '{GENESIS}')"  # noqa: S608
# The append, one statement per database: the entry goes in only if ``prev_hash`` is still the newest hash (and the
# unique prev_hash refuses a second entry on it); on PostgreSQL the newest hash comes back either way. SQLite reads
# ON CONFLICT after INSERT … SELECT only behind a WHERE clause, which the guard is.
_APPEND = {
    "sqlite": f"INSERT INTO audit_entries ({_COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
              f"WHERE {_NEWEST.format(table='audit_entries')} = ? ON CONFLICT (prev_hash) DO NOTHING RETURNING id",
    "postgresql": f"WITH head AS (SELECT {_NEWEST.format(table=f'{SCHEMA}.audit_entries')} AS hash), "  # noqa: S608
                  f"added AS (INSERT INTO {SCHEMA}.audit_entries ({_COLUMNS}) SELECT %(at)s::timestamp, "
                  "%(actor)s::varchar, %(roles)s::varchar, %(action)s::varchar, %(target)s::varchar, "
                  "%(case_id)s::integer, %(detail)s::json, %(prev_hash)s::varchar, %(hash)s::varchar, "
                  "%(algorithm)s::varchar FROM head WHERE head.hash = %(prev_hash)s "
                  "ON CONFLICT (prev_hash) DO NOTHING RETURNING id) "
                  "SELECT (SELECT id FROM added), (SELECT hash FROM head)",
}
_HEAD = {"sqlite": f"SELECT {_NEWEST.format(table='audit_entries')}",
         "postgresql": f"SELECT {_NEWEST.format(table=f'{SCHEMA}.audit_entries')}"}
# The newest hash each engine was last seen with, in this process: the guess that saves reading it first.
_HEADS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Far more than concurrent readers of files ever make: then something else is wrong.
MAX_ATTEMPTS = 100


class AuditWriteError(RuntimeError):
    """The entry could not be chained after :data:`MAX_ATTEMPTS` attempts."""


def record(action: str, *, actor: str, roles=(), target: str = "", case_id: int | None = None,
           detail: dict | None = None) -> None:
    """Append an entry in the current transaction; it commits or rolls back with the change it audits.

    The entry's hash is computed here on the newest hash this process saw, and the insert happens only if that
    hash is still the newest one: one statement when the guess holds. Otherwise — another process wrote since,
    another writer took that predecessor in the meantime, the guess was an entry rolled back — the entry is
    computed again on the newest hash. Each statement sees the latest committed entry: PostgreSQL reads committed
    rows, and SQLite's insert takes the write lock after any other writer's commit.
    """
    connection = db.session.connection()
    at, detail = utcnow(), json.loads(json.dumps(detail or {}, default=str))
    row = {"at": at, "actor": actor, "roles": ",".join(sorted(roles)), "action": action, "target": target,
           "case_id": case_id, "detail": detail}
    text, key, engine = canonical(_content(**row)), chain_key(), connection.engine
    # As the columns store them: naive UTC (SQLite: the text SQLAlchemy writes), JSON as text.
    naive = at.astimezone(UTC).replace(tzinfo=None)
    row |= {"at": naive if connection.dialect.name == "postgresql" else naive.strftime("%Y-%m-%d %H:%M:%S.%f"),
            "detail": json.dumps(detail), "algorithm": KEYED}
    newest = _HEADS.get(engine)
    for _attempt in range(MAX_ATTEMPTS):
        if newest is None:
            newest = _run(connection, _HEAD, {})[0]
        row["prev_hash"], row["hash"] = newest, keyed_digest(key, newest, text)
        added, newest = _run(connection, _APPEND, row)
        if added is not None:
            _HEADS[engine] = row["hash"]
            return
    raise AuditWriteError(f"audit entry {action!r} not chained after {MAX_ATTEMPTS} attempts")


def _run(connection: sa.Connection, statements: dict[str, str], row: dict) -> tuple:
    """Run the statement of this database on the driver's own cursor and return its row, padded to two values.
    Through SQLAlchemy's execution the append took 2.5 times as long on SQLite and 1.5 times on PostgreSQL
    (bench/README.md, "Audit entries"). Errors are SQLAlchemy's, as from any other statement: a lost connection
    is invalidated, and the page answers 503."""
    dialect = connection.dialect
    sql = statements[dialect.name]
    params = row if dialect.name == "postgresql" or not row else (*(row[name] for name in _ORDER), row["prev_hash"])
    cursor = None
    try:
        cursor = connection.connection.cursor()
        cursor.execute(sql, params)
        found = cursor.fetchone()
        cursor.close()
    except dialect.loaded_dbapi.Error as exc:
        lost = dialect.is_disconnect(exc, connection.connection.dbapi_connection, cursor)
        if lost:
            connection.invalidate(exc)
        raise sa.exc.DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error, connection_invalidated=lost,
                                         dialect=dialect) from exc
    return (*(found or (None,)), None)[:2]
