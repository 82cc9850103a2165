"""Legal deadlines: calendar days in Europe/Paris, working days with French public holidays.

Timestamps are stored in UTC; a legal day is the Paris date of the event (architecture.md,
"Time is explicit").
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")


def paris_date(moment: datetime) -> date:
    """The calendar day of ``moment`` in Paris."""
    return moment.astimezone(PARIS).date()


def add_calendar_days(start: date, days: int) -> date:
    """``start`` + ``days`` calendar days (R-DEADLINE-1: received 2025-01-10 + 21 → 2025-01-31)."""
    return start + timedelta(days=days)


@lru_cache(maxsize=64)
def _french_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a French public holiday (metropolitan calendar)."""
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (R-FUTURE-1: 2026-03-02 + 20 → 2026-03-30)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def next_working_moment(moment: datetime, *, opens: int = 9, closes: int = 18) -> datetime:
    """``moment`` if it falls in service hours on a working day in Paris, else the next opening."""
    local = moment.astimezone(PARIS)
    if is_working_day(local.date()) and opens <= local.hour < closes:
        return moment
    day = local.date() if local.hour < opens else local.date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, opens, tzinfo=PARIS).astimezone(moment.tzinfo)


class DeadlineState(enum.StrEnum):
    """How a deadline stands on a given day (R-DEADLINE-3 dashboard states)."""

    ON_TRACK = "on_track"
    SOON = "soon"
    OVERDUE = "overdue"


def deadline_state(due: date, today: date, *, warn_days_left: int) -> DeadlineState:
    """Overdue the day after ``due``; "soon" when fewer than ``warn_days_left`` days remain."""
    if today > due:
        return DeadlineState.OVERDUE
    if (due - today).days < warn_days_left:
        return DeadlineState.SOON
    return DeadlineState.ON_TRACK
