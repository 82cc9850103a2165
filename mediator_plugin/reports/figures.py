"""The report's figures, computed in SQL for one calendar year (Paris time).

Each figure keeps its numerator, denominator and definition (R-REPORT-1). Only consumer disputes
count in the statutory figures (R-SCOPE-2).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from mediator_plugin import __version__, state
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.db import db, utcnow


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January, 1 January next year) of ``year`` in Paris, as aware datetimes."""
    return datetime(year, 1, 1, tzinfo=PARIS), datetime(year + 1, 1, 1, tzinfo=PARIS)


def days_between(start, end):
    """SQL expression: days (fractional) from ``start`` to ``end`` on the current backend."""
    if db.engine.dialect.name == "postgresql":
        return sa.extract("epoch", end - start) / 86400.0
    return sa.func.julianday(end) - sa.func.julianday(start)


def compute(year: int) -> dict:
    """The first figures of the annual report (issue 5 completes Table A)."""
    start, end = year_bounds(year)
    statutory = state().charter.scope["statutory_party_types"]
    received = sa.and_(Case.received_at >= start, Case.received_at < end, Case.party_type.in_(statutory))
    saisines = db.session.execute(sa.select(sa.func.count()).select_from(Case).where(received)).scalar()
    by_ground = db.session.execute(
        sa.select(Case.inadmissibility_ground, sa.func.count())
        .where(received, Case.state == State.INADMISSIBLE).group_by(Case.inadmissibility_ground)).all()
    refused = sum(count for _, count in by_ground)
    counts = dict(by_ground)
    charter = state().charter
    duration = days_between(Case.notified_at, Case.closed_at)
    mean, counted = db.session.execute(
        sa.select(sa.func.avg(duration), sa.func.count())
        .where(Case.closed_at >= start, Case.closed_at < end, Case.state == State.CLOSED,
               Case.outcome.is_not(None), Case.notified_at.is_not(None), Case.party_type.in_(statutory))).one()
    return {
        "year": year,
        "saisines": saisines,
        "refused": refused,
        "refused_share": refused / saisines if saisines else None,
        "refused_by_ground": [
            {"code": g["code"], "label": g["label"], "count": counts.get(g["code"], 0),
             "share": counts.get(g["code"], 0) / refused if refused else None}
            for g in charter.rules["grounds"]
        ],
        "average_duration_days": float(mean) if mean is not None else None,
        "durations_counted": counted,
        "generated_at": utcnow(),
        "charter_version": charter.version,
        "generator_version": __version__,
    }
