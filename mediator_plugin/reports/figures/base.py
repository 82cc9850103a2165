"""What every figure module shares: the year's scope, the shape of a figure and a few SQL helpers.

A figure is a plain dict, so that it goes into the snapshot's JSON as it is:
``{"value": share or None, "numerator": n, "denominator": d, "definition": code}``; the code names a
definition in :mod:`mediator_plugin.reports.definitions`, whose French text is frozen with the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import INTERRUPTED, State
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.db import db

# Figures are rounded here so that SQLite and PostgreSQL, which compute day fractions differently in
# the last bits, give the same snapshot.
DAYS_DECIMALS = 2
INTERRUPTED_STATES = tuple(sorted(INTERRUPTED))


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January, 1 January next year) of ``year`` in Paris, as aware datetimes."""
    return datetime(year, 1, 1, tzinfo=PARIS), datetime(year + 1, 1, 1, tzinfo=PARIS)


def days_between(start, end):
    """SQL expression: days (fractional) from ``start`` to ``end`` on the current backend."""
    if db.engine.dialect.name == "postgresql":
        return sa.extract("epoch", end - start) / 86400.0
    return sa.func.julianday(end) - sa.func.julianday(start)


def ratio(numerator: int, denominator: int, definition: str) -> dict:
    """A share with what it is computed on; ``value`` is None when nothing was counted."""
    return {"value": numerator / denominator if denominator else None, "numerator": int(numerator),
            "denominator": int(denominator), "definition": definition}


def count(n: int, definition: str) -> dict:
    """A count with its definition (its own numerator, no denominator)."""
    return {"value": int(n), "numerator": int(n), "denominator": None, "definition": definition}


def days(value, definition: str, counted: int) -> dict:
    """A number of days over ``counted`` files, rounded to :data:`DAYS_DECIMALS`."""
    return {"value": None if value is None else round(float(value), DAYS_DECIMALS), "numerator": None,
            "denominator": int(counted), "definition": definition}


@dataclass(frozen=True)
class Scope:
    """The files a figure counts: statutory party types, a calendar year, and optionally one side of
    the domestic / cross-border split (R-REPORT-3)."""

    year: int
    statutory: tuple[str, ...]
    cross_border: bool | None = None

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return year_bounds(self.year)

    def files(self, *more):
        """Files of the statutory party types (and of the chosen side of the split)."""
        clauses = [Case.party_type.in_(self.statutory), *more]
        if self.cross_border is not None:
            clauses.append(Case.cross_border.is_(self.cross_border))
        return sa.and_(*clauses)

    def received(self, *more):
        """Files received in the year: the saisines."""
        start, end = self.bounds
        return self.files(Case.received_at >= start, Case.received_at < end, *more)

    def ended(self, *more):
        """Files whose procedure ended in the year (closure, refusal or interruption)."""
        start, end = self.bounds
        return self.files(Case.closed_at >= start, Case.closed_at < end, *more)

    def closed_with_outcome(self, *more):
        """Mediations closed in the year with an outcome: the base of durations and results."""
        return self.ended(Case.state == State.CLOSED, Case.outcome.is_not(None), Case.notified_at.is_not(None),
                          *more)

    def admitted_ended(self, *more):
        """Admitted mediations that ended in the year, with an outcome or interrupted."""
        return self.ended(Case.notified_at.is_not(None), sa.or_(
            sa.and_(Case.state == State.CLOSED, Case.outcome.is_not(None)),
            Case.state.in_(INTERRUPTED_STATES)), *more)


def scalar(query):
    return db.session.execute(query).scalar()


def rows(query):
    return db.session.execute(query).all()


def file_duration():
    """Days from the notice of seizure to the end of the mediation (R-DEADLINE-5)."""
    return days_between(Case.notified_at, Case.closed_at)


def median(expression, where) -> float | None:
    """Median of ``expression`` over the rows of ``cases`` matching ``where``, in SQL on both backends:
    ``percentile_cont`` on PostgreSQL, the middle row(s) by ORDER BY/LIMIT/OFFSET on SQLite."""
    if db.engine.dialect.name == "postgresql":
        value = scalar(sa.select(sa.func.percentile_cont(0.5).within_group(expression)).where(where))
        return None if value is None else float(value)
    n = scalar(sa.select(sa.func.count()).select_from(Case).where(where))
    if not n:
        return None
    middle = sa.select(expression.label("d")).where(where).order_by(expression) \
        .limit(2 - n % 2).offset((n - 1) // 2).subquery()
    return float(scalar(sa.select(sa.func.avg(middle.c.d))))
