"""The executive dashboard's figures for one year: aggregates only, never a file, a reference or a name.

Every figure is one ``GROUP BY`` query (or a one-row aggregate), so the cost follows the number of groups
— months, grounds, departments — not the number of files. Python only folds those few groups. The scope is
the annual report's: statutory disputes only (R-SCOPE-2), years in Paris time (:func:`.figures.year_bounds`).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from mediator_plugin import state
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import INTERRUPTED
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.db import db
from mediator_plugin.proposals.models import PartyAnswer, Proposal
from mediator_plugin.recommendations.models import STATUSES, Recommendation
from mediator_plugin.reports.figures import year_bounds

WITHIN_DAYS = 90  # R-STATS-5: the legal 90 days of R612-5


def _statutory():
    return Case.party_type.in_(state().charter.scope["statutory_party_types"])


def _within(column, year: int):
    start, end = year_bounds(year)
    return sa.and_(column >= start, column < end)


def received_by_month(year: int) -> list[int]:
    """Files received in each month (Paris time) of ``year``: twelve counts, January first."""
    # Comparing with the month starts keeps the index on received_at usable and works on both backends;
    # the subquery lets PostgreSQL group by the bucket whatever parameters it was bound with.
    starts = [datetime(year, month, 1, tzinfo=PARIS) for month in range(2, 13)]
    bucket = sa.case(*[(Case.received_at < start, month) for month, start in enumerate(starts, 1)], else_=12)
    months = sa.select(bucket.label("month")).where(_within(Case.received_at, year), _statutory()).subquery()
    counts = dict(db.session.execute(sa.select(months.c.month, sa.func.count()).group_by(months.c.month)).all())
    return [counts.get(month, 0) for month in range(1, 13)]


def admissibility(year: int) -> dict:
    """Files received in ``year``: admitted, refused (by legal ground) and not decided yet."""
    rows = db.session.execute(
        sa.select(Case.inadmissibility_ground, Case.notified_at.is_not(None), sa.func.count())
        .where(_within(Case.received_at, year), _statutory())
        .group_by(Case.inadmissibility_ground, Case.notified_at.is_not(None))).all()
    result = {"admitted": 0, "refused": 0, "pending": 0, "by_ground": {}}
    for ground, notified, count in rows:
        if ground:
            result["refused"] += count
            result["by_ground"][ground] = result["by_ground"].get(ground, 0) + count
        else:
            result["admitted" if notified else "pending"] += count
    result["received"] = result["admitted"] + result["refused"] + result["pending"]
    return result


def endings(year: int) -> dict:
    """Mediations ended in ``year`` (R612-5): those with an outcome by outcome (R-STATS-3), interrupted ones by
    cause."""
    rows = db.session.execute(
        sa.select(Case.state, Case.outcome, sa.func.count())
        .where(_within(Case.ended_at, year), _statutory(), Case.notified_at.is_not(None),
               sa.or_(Case.outcome.is_not(None), Case.state.in_(INTERRUPTED)))
        .group_by(Case.state, Case.outcome)).all()
    outcomes, interruptions = {}, {}
    for final_state, outcome, count in rows:
        if outcome is not None:
            outcomes[outcome] = outcomes.get(outcome, 0) + count
        else:
            interruptions[final_state] = interruptions.get(final_state, 0) + count
    return {"outcomes": outcomes, "interruptions": interruptions}


def categories(year: int) -> dict[str | None, int]:
    """Files received in ``year`` by top-level category (None: not classified yet)."""
    return dict(db.session.execute(
        sa.select(Case.category, sa.func.count()).where(_within(Case.received_at, year), _statutory())
        .group_by(Case.category)).all())


def follow_rates(year: int) -> dict[str | None, dict]:
    """Per department, the parties' answers to the signed proposals, answered in ``year`` (R-STATS-4).

    ``{department: {"company": {"accepted": n, "refused": n, "no_answer": n}, "consumer": {...}}}``;
    the follow rate of a department is its company's accepted answers over all its company's answers.
    """
    start, end = year_bounds(year)
    rows = db.session.execute(
        sa.select(Case.department, PartyAnswer.party, PartyAnswer.answer, sa.func.count())
        .join(Proposal, PartyAnswer.proposal_id == Proposal.id).join(Case, Proposal.case_id == Case.id)
        .where(PartyAnswer.answered_on >= start.date(), PartyAnswer.answered_on < end.date(),
               Proposal.superseded.is_(False), _statutory())
        .group_by(Case.department, PartyAnswer.party, PartyAnswer.answer)).all()
    result: dict[str | None, dict] = {}
    for department, party, answer, count in rows:
        parties = result.setdefault(department, {"company": {}, "consumer": {}})
        parties[party][answer] = count
    return result


def durations(year: int) -> dict:
    """Calendar days from the notice of seizure to the end of the mediation, for the mediations that reached
    their outcome in ``year``: count, mean, median and how many ended within 90 days (R-STATS-5)."""
    days = Case.duration_days  # reports/facts.py
    closed = sa.and_(_within(Case.ended_at, year), Case.outcome.is_not(None), Case.notified_at.is_not(None),
                     _statutory())
    count, mean, within = db.session.execute(
        sa.select(sa.func.count(), sa.func.avg(days),
                  sa.func.coalesce(sa.func.sum(sa.case((days <= WITHIN_DAYS, 1), else_=0)), 0))
        .where(closed)).one()
    median = None
    if count:
        # The middle one or two values, read from the ordered durations: at most two rows leave the database.
        middle = db.session.execute(sa.select(days).where(closed).order_by(days)
                                    .offset((count - 1) // 2).limit(2 - count % 2)).scalars().all()
        median = sum(float(value) for value in middle) / len(middle)
    return {"count": count, "mean": float(mean) if mean is not None else None, "median": median,
            "within": int(within), "within_share": int(within) / count if count else None}


def recommendations_by_status(year: int) -> dict[str, int]:
    """Current status of the recommendations issued up to ``year``, every status listed."""
    counts = dict(db.session.execute(
        sa.select(Recommendation.status, sa.func.count()).where(Recommendation.year <= year)
        .group_by(Recommendation.status)).all())
    return {status: counts.get(status, 0) for status in STATUSES}


def compute(year: int) -> dict:
    """Every figure of the dashboard for ``year``."""
    return {
        "year": year,
        "received_by_month": received_by_month(year),
        "admissibility": admissibility(year),
        "endings": endings(year),
        "categories": categories(year),
        "follow_rates": follow_rates(year),
        "durations": durations(year),
        "recommendations": recommendations_by_status(year),
    }


def first_year(default: int) -> int:
    """The year of the oldest file (``default`` when there is none), for the year selector."""
    oldest = db.session.execute(sa.select(sa.func.min(Case.received_at))).scalar()
    return min(oldest.year, default) if isinstance(oldest, datetime | date) else default
