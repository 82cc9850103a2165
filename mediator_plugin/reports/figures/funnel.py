"""Intake figures: the funnel (R-STATS-1), saisines per month, refusals by legal ground (Table A, item 3),
read from one grouped pass over the files received in the year (:func:`received`)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.reports.figures.base import INTERRUPTED_STATES, Scope, count, ratio, rows, scalar, total

# What the report tells the saisines apart by; there are as many groups as combinations that occur. In the
# order of the index on the year of receipt (migration 0008), so that SQLite reads the groups in order.
RECEIVED_KEYS = (Case.cross_border, Case.party_type, Case.state, Case.notified_at.is_not(None).label("notified"),
                 Case.outcome.is_not(None).label("has_outcome"), Case.inadmissibility_ground, Case.category,
                 Case.subcategory, Case.channel, Case.department)


def received(scope: Scope) -> list:
    """The files received in the year, of every party type, counted (``n``) by :data:`RECEIVED_KEYS`: one
    read of the year's rows for the funnel, Table A items 1, 3 and 7, and the breakdowns."""
    return rows(sa.select(*RECEIVED_KEYS, sa.func.count().label("n"))
                .where(Case.received_year == scope.year).group_by(*RECEIVED_KEYS))


def saisines(scope: Scope, groups: list) -> list:
    """The groups of the statutory party types: the saisines (R-SCOPE-2)."""
    return [g for g in groups if g.party_type in scope.statutory]


def funnel(scope: Scope, groups: list) -> dict:
    """Requests in the intake queue → saisines → admitted → with an outcome, plus refused and interrupted.

    The stages after the saisine follow the files received in the year (a cohort), so they add up:
    admitted = with an outcome + interrupted + still under way. ``groups``: :func:`received`.
    """
    start, end = scope.bounds
    contacts = scalar(sa.select(sa.func.count()).select_from(IntakeItem)
                      .where(IntakeItem.asked_at >= start, IntakeItem.asked_at < end))
    statutory = saisines(scope, groups)
    received_ = total(statutory)
    refused = total(statutory, lambda g: g.state == State.INADMISSIBLE)
    admitted = total(statutory, lambda g: g.notified)
    outcome = total(statutory, lambda g: g.notified and g.has_outcome)
    interrupted = total(statutory, lambda g: g.notified and g.state in INTERRUPTED_STATES)
    return {
        "contacts": count(contacts, "contacts"),
        "saisines": count(received_, "saisines"),
        "refused": ratio(refused, received_, "refused_share"),
        "admitted": ratio(admitted, received_, "admitted_share"),
        "with_outcome": ratio(outcome, admitted, "cohort_outcome"),
        "interrupted": ratio(interrupted, admitted, "cohort_interrupted"),
        "under_way": ratio(admitted - outcome - interrupted, admitted, "cohort_under_way"),
        "before_admission": count(received_ - refused - admitted, "before_admission"),
        "non_statutory": count(total(groups, lambda g: g.party_type not in scope.statutory), "non_statutory"),
    }


def month_bounds(year: int) -> list[datetime]:
    """The first moment of each month of ``year`` in Paris, and of the next year."""
    return [datetime(year, m, 1, tzinfo=PARIS) for m in range(1, 13)] + [datetime(year + 1, 1, 1, tzinfo=PARIS)]


def per_month(scope: Scope) -> list[int]:
    """Saisines received in each month of the year (Paris months): twelve counts over ranges of the index
    on the date of receipt, in one statement (cheaper than a month key in the grouped pass)."""
    b = month_bounds(scope.year)
    months = [sa.select(sa.func.count()).select_from(Case)
              .where(scope.files(Case.received_at >= b[i], Case.received_at < b[i + 1])).scalar_subquery()
              for i in range(12)]
    return [int(n) for n in rows(sa.select(*months))[0]]


def refusals(split: list, grounds: list[dict]) -> dict:
    """Table A, item 3: refused / received, then each L612-2 ground / refused (``split``: the saisines'
    groups of one split)."""
    by_ground: dict[str | None, int] = {}
    for g in split:
        if g.state == State.INADMISSIBLE:
            by_ground[g.inadmissibility_ground] = by_ground.get(g.inadmissibility_ground, 0) + g.n
    refused = sum(by_ground.values())
    return {
        "share": ratio(refused, total(split), "refused_share"),
        "by_ground": [{"code": g["code"], **ratio(by_ground.get(g["code"], 0), refused, "ground_share")}
                      for g in grounds],
    }
