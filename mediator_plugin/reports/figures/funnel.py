"""Intake figures: the funnel (R-STATS-1), saisines per month, refusals by legal ground (Table A, item 3)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.reports.figures.base import INTERRUPTED_STATES, Scope, count, ratio, rows, scalar


def funnel(scope: Scope) -> dict:
    """Requests in the intake queue → saisines → admitted → with an outcome, plus refused and interrupted.

    The stages after the saisine follow the files received in the year (a cohort), so they add up:
    admitted = with an outcome + interrupted + still under way.
    """
    start, end = scope.bounds
    contacts = scalar(sa.select(sa.func.count()).select_from(IntakeItem)
                      .where(IntakeItem.asked_at >= start, IntakeItem.asked_at < end))
    received, refused, admitted, outcome, interrupted = rows(sa.select(
        sa.func.count(),
        sa.func.count().filter(Case.state == State.INADMISSIBLE),
        sa.func.count().filter(Case.notified_at.is_not(None)),
        sa.func.count().filter(Case.notified_at.is_not(None), Case.outcome.is_not(None)),
        sa.func.count().filter(Case.notified_at.is_not(None), Case.state.in_(INTERRUPTED_STATES)),
    ).where(scope.received()))[0]
    non_statutory = scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.received_at >= start, Case.received_at < end, Case.party_type.not_in(scope.statutory)))
    return {
        "contacts": count(contacts, "contacts"),
        "saisines": count(received, "saisines"),
        "refused": ratio(refused, received, "refused_share"),
        "admitted": ratio(admitted, received, "admitted_share"),
        "with_outcome": ratio(outcome, admitted, "cohort_outcome"),
        "interrupted": ratio(interrupted, admitted, "cohort_interrupted"),
        "under_way": ratio(admitted - outcome - interrupted, admitted, "cohort_under_way"),
        "before_admission": count(received - refused - admitted, "before_admission"),
        "non_statutory": count(non_statutory, "non_statutory"),
    }


def month_bounds(year: int) -> list[datetime]:
    """The first moment of each month of ``year`` in Paris, and of the next year."""
    return [datetime(year, m, 1, tzinfo=PARIS) for m in range(1, 13)] + [datetime(year + 1, 1, 1, tzinfo=PARIS)]


def per_month(scope: Scope) -> list[int]:
    """Saisines received in each month of the year (Paris months), in one pass over the year's files."""
    b = month_bounds(scope.year)
    columns = [sa.func.count().filter(Case.received_at >= b[i], Case.received_at < b[i + 1]) for i in range(12)]
    return [int(n) for n in rows(sa.select(*columns).where(scope.received()))[0]]


def refusals(scope: Scope, grounds: list[dict]) -> dict:
    """Table A, item 3: refused / received, then each L612-2 ground / refused."""
    received = scalar(sa.select(sa.func.count()).select_from(Case).where(scope.received()))
    by_ground = dict(rows(sa.select(Case.inadmissibility_ground, sa.func.count())
                          .where(scope.received(Case.state == State.INADMISSIBLE))
                          .group_by(Case.inadmissibility_ground)))
    refused = sum(by_ground.values())
    return {
        "share": ratio(refused, received, "refused_share"),
        "by_ground": [{"code": g["code"], **ratio(by_ground.get(g["code"], 0), refused, "ground_share")}
                      for g in grounds],
    }
