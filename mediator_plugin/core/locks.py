"""Locks for the periodic work, so that ``mediator jobs`` may run on several hosts at once.

On PostgreSQL, the only state the hosts share, a step that must not run twice at the same time
takes an advisory lock. SQLite serves one host: there one run of the jobs at a time holds a file
lock next to the database (cron may start a run while the previous one is still working).
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path
from zlib import crc32

import sqlalchemy as sa

from mediator_plugin.core.db import db, is_postgres


class RunLocked(Exception):
    """Another run of the jobs on this host holds the lock (SQLite only)."""


def try_transaction_lock(name: str) -> bool:
    """Take the advisory lock ``name`` until the current transaction ends; False if another holds it.

    Always True on SQLite, where :func:`single_host_run` already keeps runs apart.
    """
    if not is_postgres():
        return True
    key = crc32(f"mediator:{name}".encode())
    return bool(db.session.execute(sa.text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": key}).scalar())


@contextlib.contextmanager
def single_host_run() -> Iterator[None]:
    """SQLite: one run of the jobs at a time (raise :class:`RunLocked` otherwise); PostgreSQL: nothing."""
    if is_postgres():
        yield
        return
    database = Path(db.engine.url.database or "mediator.db").resolve()
    with database.with_name(f"{database.name}.jobs.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked() from None
        yield
