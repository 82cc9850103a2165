"""Reading the register of recommendations: the filtered list with each one's last follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mediator_plugin.core.db import bounded_int, db
from mediator_plugin.recommendations.models import Recommendation, RecommendationEvent


@dataclass(frozen=True)
class RegisterFilters:
    """The register's filters as typed in the form; an empty or malformed value filters nothing."""

    year: str = ""
    status: str = ""
    department: str = ""


@dataclass(frozen=True)
class RegisterRow:
    recommendation: Recommendation
    last_follow_up: datetime | None


def register(filters: RegisterFilters) -> list[RegisterRow]:
    """The recommendations matching ``filters``, newest year first, then by number."""
    # The creation event has no "status before": only later events are follow-ups.
    last = (sa.select(RecommendationEvent.recommendation_id.label("rid"), sa.func.max(RecommendationEvent.at)
                      .label("at"))
            .where(RecommendationEvent.status_from.is_not(None))
            .group_by(RecommendationEvent.recommendation_id).subquery())
    query = (sa.select(Recommendation, last.c.at).outerjoin(last, last.c.rid == Recommendation.id)
             .order_by(Recommendation.year.desc(), Recommendation.id))
    year = bounded_int(filters.year, 2000, 2100)
    if year is not None:
        query = query.where(Recommendation.year == year)
    if filters.status:
        query = query.where(Recommendation.status == filters.status)
    if filters.department:
        query = query.where(Recommendation.addressee == filters.department)
    return [RegisterRow(recommendation, at) for recommendation, at in db.session.execute(query).all()]


def years() -> list[int]:
    """The years in which recommendations were issued, newest first."""
    return list(db.session.execute(sa.select(Recommendation.year).distinct()
                                   .order_by(Recommendation.year.desc())).scalars())


def by_reference(reference: str) -> Recommendation | None:
    return db.session.execute(sa.select(Recommendation).where(Recommendation.reference == reference)
                              ).scalar_one_or_none()
