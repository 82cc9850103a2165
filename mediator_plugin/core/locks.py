"""Locks for the periodic work, so that ``mediator jobs`` and ``mediator sync`` may run on several hosts.

On PostgreSQL, the only state the hosts share, work that must not run twice at the same time takes an
advisory lock. SQLite serves one host: there a file lock next to the database keeps processes apart.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path
from zlib import crc32

import sqlalchemy as sa

from mediator_plugin.core.db import db, is_postgres


class Locked(Exception):
    """Another process or host holds the lock."""


def _key(name: str) -> int:
    return crc32(f"mediator:{name}".encode())


@contextlib.contextmanager
def host_file_lock(name: str) -> Iterator[None]:
    """SQLite: a file lock next to the database (``<db>.<name>.lock``); raise :class:`Locked` if taken."""
    database = Path(db.engine.url.database or "mediator.db").resolve()
    with database.with_name(f"{database.name}.{name}.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Locked(name) from None
        yield


@contextlib.contextmanager
def exclusive(name: str) -> Iterator[None]:
    """Held for the block, across processes and hosts: a session advisory lock on its own connection
    (PostgreSQL), or :func:`host_file_lock` (SQLite). Raise :class:`Locked` if another holds it."""
    if not is_postgres():
        with host_file_lock(name):
            yield
        return
    with db.engine.connect() as connection:
        if not connection.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": _key(name)}).scalar():
            raise Locked(name)
        try:
            yield
        finally:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _key(name)})
            connection.commit()


def try_transaction_lock(name: str) -> bool:
    """Take the advisory lock ``name`` until the current transaction ends; False if another holds it.

    Always True on SQLite, where :func:`single_host_run` already keeps runs apart.
    """
    if not is_postgres():
        return True
    return bool(db.session.execute(sa.text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _key(name)}).scalar())


@contextlib.contextmanager
def single_host_run() -> Iterator[None]:
    """SQLite: one run of the jobs at a time (raise :class:`Locked` otherwise); PostgreSQL: nothing, each
    step there takes its own lock."""
    if is_postgres():
        yield
        return
    with host_file_lock("jobs"):
        yield
