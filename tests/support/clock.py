"""Today as the product counts it: the date in Paris (the reference counts every deadline in Europe/Paris
dates), not the machine's.

Between midnight in Paris and midnight UTC the two differ; a test that dated an answer with the machine's
date would then date it before a proposal signed a minute earlier."""

from __future__ import annotations

from datetime import date

from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import utcnow


def paris_today() -> date:
    """The current date in Paris."""
    return paris_date(utcnow())
