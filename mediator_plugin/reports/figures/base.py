"""What every figure module shares: the year's scope, the shape of a figure and a few SQL helpers.

A figure is a plain dict, so that it goes into the snapshot's JSON as it is:
``{"value": share or None, "numerator": n, "denominator": d, "definition": code}``; the code names a
definition in :mod:`mediator_plugin.reports.definitions`, whose French text is frozen with the snapshot.

Why the figures are read from a few grouped passes: a year of 200,000 files must cost at most twice a year
of 20,000 (issue 5), so each of the year's rows is read a handful of times, not once per figure. A pass
groups the rows by the side of the domestic / cross-border split (R-REPORT-3) and by a few codes; the
modules fold those groups (tens to a few thousand, bounded by the code lists, not by the files) into the
figures of the three splits (:func:`by_split`, :func:`total`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import INTERRUPTED
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.db import db

# Figures are rounded here so that SQLite and PostgreSQL, which compute day fractions differently in
# the last bits, give the same snapshot.
DAYS_DECIMALS = 2
INTERRUPTED_STATES = tuple(sorted(INTERRUPTED))
# The three scopes of Table A: every file, then each side of the split.
SPLITS = ("all", "domestic", "cross_border")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January, 1 January next year) of ``year`` in Paris, as aware datetimes."""
    return datetime(year, 1, 1, tzinfo=PARIS), datetime(year + 1, 1, 1, tzinfo=PARIS)


def is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


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
    """The files a figure counts: statutory party types and a calendar year."""

    year: int
    statutory: tuple[str, ...]

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return year_bounds(self.year)

    def files(self, *more):
        """Files of the statutory party types."""
        return sa.and_(Case.party_type.in_(self.statutory), *more)

    def received(self, *more):
        """Files received in the year (Paris): the saisines."""
        return self.files(Case.received_year == self.year, *more)

    def ended(self, *more):
        """Files whose procedure ended in the year (an outcome, a refusal or an interruption; R612-5)."""
        return self.files(Case.ended_year == self.year, *more)

    def with_outcome(self, *more):
        """Mediations that reached their outcome in the year, whether or not the file is closed yet: the base
        of durations and results."""
        return self.ended(Case.outcome.is_not(None), Case.notified_at.is_not(None), *more)


def by_split(groups: Iterable) -> dict[str, list]:
    """The grouped rows of each split: all of them, then each side (by their ``cross_border`` column)."""
    groups = list(groups)
    return {"all": groups, "domestic": [g for g in groups if not g.cross_border],
            "cross_border": [g for g in groups if g.cross_border]}


def total(groups: Iterable, where: Callable = lambda g: True, value: Callable = lambda g: g.n):
    """The sum of ``value`` (by default the group's count ``n``) over the groups that match ``where``."""
    return sum((value(g) for g in groups if where(g)), 0)


def scalar(query):
    return db.session.execute(query).scalar()


def rows(query):
    return db.session.execute(query).all()
