"""The database: one Flask-SQLAlchemy object, every table in the schema ``mediation``.

On SQLite, which has no schemas, the same models run with ``schema_translate_map`` mapping
``mediation`` to the default schema (architecture.md, "Mediator data stands apart").
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SCHEMA = "mediation"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=sa.MetaData(schema=SCHEMA, naming_convention=NAMING_CONVENTION))


def engine_options(database_url: str) -> dict:
    """Engine options for ``SQLALCHEMY_ENGINE_OPTIONS``, by backend."""
    if database_url.startswith("sqlite"):
        return {
            "execution_options": {"schema_translate_map": {SCHEMA: None}},
            "connect_args": {"timeout": 30},
        }
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # Foreign keys are off by default in SQLite; WAL lets the console read while a sync writes.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes in Python, naive UTC in the database (the same on both backends)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """Now, aware, in UTC; the one clock of the application (frozen by tests)."""
    return datetime.now(UTC)


def is_postgres() -> bool:
    """True when the current engine is PostgreSQL."""
    return db.engine.dialect.name == "postgresql"


def autocommit_reads() -> None:
    """On PostgreSQL, run each of this request's statements as its own transaction: for a page that only
    reads, or reads and then appends its audit entry in one statement. It saves the BEGIN and COMMIT
    round trips (a third of the file page's), and changes nothing that is read: at PostgreSQL's default
    level (read committed) each statement already takes its own snapshot. Not on SQLite, where it costs
    more than it saves, nor once the session has begun a transaction."""
    session = db.session()
    if is_postgres() and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


_AUTOCOMMIT_MARK = "_mediator_autocommit_reads"


def reads_in_autocommit(view):
    """Mark a view that calls :func:`autocommit_reads` first: the request's earlier statements (the session's
    lookup) then run that way too, on the same connection, instead of beginning a transaction that would
    keep the page from it."""
    setattr(view, _AUTOCOMMIT_MARK, True)
    return view


def reads_in_autocommit_requested(view) -> bool:
    """True for a view marked with :func:`reads_in_autocommit`."""
    return getattr(view, _AUTOCOMMIT_MARK, False)


class json_rows(FunctionElement):
    """Aggregate: a JSON array holding, per row, the JSON array of the given columns (None when there is
    no row). It lets one statement bring a short list along with its parent's row; JSON columns stay JSON."""

    type = sa.JSON()
    inherit_cache = True


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element, compiler, **kw):
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows, "sqlite")
def _json_rows_sqlite(element, compiler, **kw):
    # SQLite keeps JSON as text: json() makes it a value of the array rather than a string in it.
    columns = ", ".join(f"json({compiler.process(c, **kw)})" if isinstance(c.type, sa.JSON)
                        else compiler.process(c, **kw) for c in element.clauses)
    return f"json_group_array(json_array({columns}))"


# The largest whole number a URL, a query string or a form may bring to a query: nine digits, which every
# INTEGER column holds (ids, years, pages); a larger one would overflow when bound (a 500 on PostgreSQL).
DBINT_MAX = 999_999_999


def bounded_int(raw: str | None, low: int = 0, high: int = DBINT_MAX) -> int | None:
    """``raw`` as a whole number within ``low``..``high``, or None when it is not one (absent, text, too big)."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return None
    value = int(raw)
    return value if low <= value <= high else None
