"""Durations (Table A, item 5; R-STATS-5): mean, median, share within 90 days, share extended, a
distribution in bands, and the years before for the trend, from one grouped pass over the mediations
that reached their outcome in the year (:func:`closed`), from the notice of seizure to the end of the
mediation (R612-5), not to the later closing of the file."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.reports.figures.base import (
    Scope,
    by_split,
    days,
    is_postgresql,
    ratio,
    rows,
    scalar,
    total,
)

# Upper bounds (days, inclusive) of the distribution's bands; the last band is open.
BANDS = (30, 60, 90, 120)
TREND_YEARS = 5


def closed(scope: Scope) -> list:
    """Mediations that reached their outcome in the year, counted (``n``) by side of the split and by ``day``,
    the duration rounded up to whole days, with the sum of their durations (``days``) and how many had an
    extension (``extended``): the limit and the bands are whole days, so these groups give them exactly.
    The columns are the file's own (:mod:`mediator_plugin.reports.facts`), grouped in the order of their index."""
    return rows(sa.select(Case.cross_border, Case.duration_day.label("day"), sa.func.count().label("n"),
                          sa.func.sum(Case.duration_days).label("days"),
                          sa.func.count().filter(Case.extended.is_(True)).label("extended"))
                .where(scope.with_outcome()).group_by(Case.cross_border, Case.duration_day))


def durations(split: list, median: float | None, limit_days: int) -> dict:
    """Mediations closed in the year with an outcome, from the notice of seizure to the end (``split``:
    the groups of :func:`closed` for one split, ``median``: from :func:`medians`)."""
    counted = total(split)
    mean = total(split, value=lambda g: g.days) / counted if counted else None
    return {
        "mean": days(mean, "mean_duration", counted),
        "median": days(median, "median_duration", counted),
        "within_limit": ratio(total(split, lambda g: g.day <= limit_days), counted, "within_limit"),
        "extended": ratio(total(split, value=lambda g: g.extended), counted, "extended_share"),
        "limit_days": limit_days,
    }


def medians(scope: Scope, groups: list) -> dict[str, float | None]:
    """The median duration of each split, in SQL on both backends: ``percentile_cont`` on PostgreSQL, the
    middle row(s) by ORDER BY/LIMIT/OFFSET on SQLite — sorting only the whole days that hold them."""
    duration, where = Case.duration_days, scope.with_outcome()
    sides = {"all": None, "domestic": False, "cross_border": True}
    if is_postgresql():
        middle = sa.func.percentile_cont(0.5).within_group(duration)
        values = rows(sa.select(*[middle if side is None else middle.filter(Case.cross_border.is_(side))
                                  for side in sides.values()]).where(where))[0]
        return {split: None if v is None else float(v) for split, v in zip(sides, values, strict=True)}
    return {split: _middle_rows(where if side is None else sa.and_(where, Case.cross_border.is_(side)), groups)
            for (split, side), groups in zip(sides.items(), by_split(groups).values(), strict=True)}


def _middle_rows(where, groups: list) -> float | None:
    """SQLite: the mean of the middle one or two durations, read from the whole days that hold them."""
    n = total(groups)
    if not n:
        return None
    first, wanted = (n - 1) // 2, 2 - n % 2
    per_day: dict[int, int] = {}
    for g in groups:
        per_day[g.day] = per_day.get(g.day, 0) + g.n
    before, low = 0, None
    for day, count in sorted(per_day.items()):
        if low is None and before + count > first:
            low, skipped = day, before
        before += count
        if before >= first + wanted:
            high = day
            break
    middle = sa.select(Case.duration_days.label("d")) \
        .where(where, Case.duration_day >= low, Case.duration_day <= high) \
        .order_by(Case.duration_days).limit(wanted).offset(first - skipped).subquery()
    return float(scalar(sa.select(sa.func.avg(middle.c.d))))


def bands(groups: list) -> list[dict]:
    """How many mediations ended in each band of days (for the chart and its table)."""
    def band(day: int) -> int:
        return next((i for i, upper in enumerate(BANDS) if day <= upper), len(BANDS))

    counted, lower = total(groups), (0, *(b + 1 for b in BANDS))
    return [{"low": lower[i], "high": BANDS[i] if i < len(BANDS) else None,
             **ratio(total(groups, lambda g, i=i: band(g.day) == i), counted, "band_share")}
            for i in range(len(BANDS) + 1)]


def trend(scope: Scope, received: int, groups: list) -> list[dict]:
    """Saisines, mediations closed with an outcome and their mean duration for the year and the four before.
    The year's own figures come from its passes (``received``: its saisines, ``groups``: :func:`closed`);
    the years before are two grouped reads of their rows, by year of receipt and by year of closure."""
    before = list(range(scope.year - TREND_YEARS + 1, scope.year))
    saisines = dict(rows(sa.select(Case.received_year, sa.func.count())
                         .where(scope.files(Case.received_year.in_(before))).group_by(Case.received_year)))
    closings = {year: (n, mean) for year, n, mean in rows(
        sa.select(Case.ended_year, sa.func.count(), sa.func.avg(Case.duration_days))
        .where(scope.files(Case.ended_year.in_(before), Case.outcome.is_not(None), Case.notified_at.is_not(None)))
        .group_by(Case.ended_year))}
    counted = total(groups)
    saisines[scope.year] = received
    closings[scope.year] = (counted, total(groups, value=lambda g: g.days) / counted if counted else None)
    return [{"year": year, "saisines": int(saisines.get(year, 0)), "closed": int(closings.get(year, (0, None))[0]),
             "mean_days": _two_decimals(closings.get(year, (0, None))[1])} for year in [*before, scope.year]]


def _two_decimals(value) -> float | None:
    return None if value is None else round(float(value), 2)
