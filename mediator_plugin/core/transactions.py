"""Running a console step: two people changing the same file at once get a clear 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MediationError


class ConcurrentChange(MediationError):
    """The file's version moved between reading and writing it."""

    status = 409


T = TypeVar("T")


def run_step(step: Callable[[], T]) -> T:
    """Run a service step and commit; if another user changed the file meanwhile (its version moved,
    detected at any flush), roll back and say so."""
    try:
        result = step()
        db.session.commit()
        return result
    except StaleDataError as exc:
        db.session.rollback()
        raise ConcurrentChange(_("Someone changed this file at the same time: reload the page and try again.")) \
            from exc
