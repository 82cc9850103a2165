"""Durations (Table A, item 5; R-STATS-5): mean, median, share within 90 days, share extended, a
distribution in bands, and the years before for the trend."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.models import Case, Extension
from mediator_plugin.reports.figures.base import (
    Scope,
    days,
    file_duration,
    median,
    ratio,
    rows,
    year_bounds,
)

# Upper bounds (days, inclusive) of the distribution's bands; the last band is open.
BANDS = (30, 60, 90, 120)
TREND_YEARS = 5


def durations(scope: Scope, limit_days: int) -> dict:
    """Mediations closed in the year with an outcome, from the notice of seizure to the end."""
    duration, where = file_duration(), scope.closed_with_outcome()
    extended = sa.exists().where(Extension.case_id == Case.id)
    counted, mean, within, with_extension = rows(sa.select(
        sa.func.count(), sa.func.avg(duration),
        sa.func.count().filter(duration <= limit_days),
        sa.func.count().filter(extended),
    ).where(where))[0]
    return {
        "mean": days(mean, "mean_duration", counted),
        "median": days(median(duration, where), "median_duration", counted),
        "within_limit": ratio(within, counted, "within_limit"),
        "extended": ratio(with_extension, counted, "extended_share"),
        "limit_days": limit_days,
    }


def bands(scope: Scope) -> list[dict]:
    """How many mediations ended in each band of days (for the chart and its table)."""
    duration = file_duration()
    band = sa.case(*[(duration <= upper, i) for i, upper in enumerate(BANDS)], else_=len(BANDS))
    counts = dict(rows(sa.select(band, sa.func.count()).where(scope.closed_with_outcome()).group_by(band)))
    total = sum(counts.values())
    lower = (0, *(b + 1 for b in BANDS))
    return [{"low": lower[i], "high": BANDS[i] if i < len(BANDS) else None,
             **ratio(counts.get(i, 0), total, "band_share")} for i in range(len(BANDS) + 1)]


def trend(scope: Scope) -> list[dict]:
    """Saisines, mediations closed with an outcome and their mean duration for the year and the four before,
    in one pass over those years' files."""
    years = list(range(scope.year - TREND_YEARS + 1, scope.year + 1))
    duration, columns = file_duration(), []
    for year in years:
        start, end = year_bounds(year)
        closed = sa.and_(Case.closed_at >= start, Case.closed_at < end, Case.state == "CLOSED",
                         Case.outcome.is_not(None), Case.notified_at.is_not(None))
        columns += [sa.func.count().filter(Case.received_at >= start, Case.received_at < end),
                    sa.func.count().filter(closed), sa.func.avg(sa.case((closed, duration)))]
    first, _ = year_bounds(years[0])
    _, last = year_bounds(years[-1])
    values = rows(sa.select(*columns).where(scope.files(
        sa.or_(sa.and_(Case.received_at >= first, Case.received_at < last),
               sa.and_(Case.closed_at >= first, Case.closed_at < last)))))[0]
    return [{"year": year, "saisines": int(values[3 * i]), "closed": int(values[3 * i + 1]),
             "mean_days": None if values[3 * i + 2] is None else round(float(values[3 * i + 2]), 2)}
            for i, year in enumerate(years)]
