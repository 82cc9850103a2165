"""The public archive of annual reports (R614-2, R-WEB-2): which years can be read, as PDF and HTML.

Until ``mediator publish`` freezes a year's snapshot, a year is offered once it is over and some file
was closed in it; its public edition is computed from the data as ``mediator report`` does. When the
snapshot lands, :func:`published_years` and :func:`public_figures` read it instead, and nothing else moves.
"""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.reports.figures import compute, year_bounds


def published_years() -> list[int]:
    """Finished years in which at least one file was closed, newest first."""
    first = db.session.execute(sa.select(sa.func.min(Case.closed_at))).scalar()
    if first is None:
        return []
    this_year = paris_date(utcnow()).year
    years = []
    for year in range(this_year - 1, paris_date(first).year - 1, -1):
        start, end = year_bounds(year)
        closed = db.session.execute(sa.select(Case.id).where(Case.closed_at >= start, Case.closed_at < end)
                                    .limit(1)).first()
        if closed is not None:
            years.append(year)
    return years


def public_figures(year: int) -> dict | None:
    """The figures of the public edition of ``year``, or None when that year is not offered."""
    if year not in published_years():
        return None
    return compute(year)
