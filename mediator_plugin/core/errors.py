"""Errors the services raise; each carries a message for the user and the HTTP status it maps to.

Also the database errors that mean "unreachable for now" rather than "a bug": both the HTML pages and the
API answer them with 503 and Retry-After.
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from flask import current_app

from mediator_plugin.core.db import db

# The database cannot be reached (restarting, failing over, connections exhausted): a transient state.
DATABASE_DOWN = (sa.exc.OperationalError, sa.exc.TimeoutError)
DATABASE_RETRY_SECONDS = 5


class MediationError(Exception):
    """A refused action: the message says what is wrong and, where it helps, what to do."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(MediationError):
    """The identity's role does not allow this action."""

    status = 403


class InvalidTransition(MediationError):
    """The file's state does not allow this action."""

    status = 409


class DeadlinePassed(MediationError):
    """A legal deadline has passed; the action is refused or needs a recorded reason."""

    status = 422


class MissingField(MediationError):
    """A mandatory field is empty or invalid."""

    status = 422


class Duplicate(MediationError):
    """The same ticket or request already has a file."""

    status = 409


def forget_failed_transaction(error: Exception) -> None:
    """Log the database error and drop the session's transaction; the pool reconnects on the next request
    (``pool_pre_ping``, and SQLAlchemy discards every pooled connection after a disconnection).

    Only an unavailable database is worth a retry: SQLite reports a missing table or column or bad SQL as
    an OperationalError too, and such a bug is raised again, to be the 500 with a traceback it is."""
    message = str(getattr(error, "orig", error)).lower()
    if any(marker in message for marker in ("no such table", "no such column", "syntax error", "has no column")):
        raise error
    current_app.logger.warning("database unavailable: %s", (str(error).splitlines() or [""])[0])
    with contextlib.suppress(sa.exc.SQLAlchemyError):  # the connection may be gone: nothing to roll back
        db.session.rollback()
