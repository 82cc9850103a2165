"""The recommendations the report carries (R-RECO-2): those issued in the year, and the follow-up of
every earlier one still open when the year began, with its status then and now."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.core.db import db
from mediator_plugin.recommendations.models import Recommendation, RecommendationEvent
from mediator_plugin.recommendations.presenters import withheld
from mediator_plugin.reports.figures.base import Scope, rows

CLOSED_STATUSES = ("IMPLEMENTED", "DECLINED", "OBSOLETE")


def _status_at(moment) -> dict[int, str]:
    """Each recommendation's status at ``moment``: the status after its last change before then."""
    last = (sa.select(sa.func.max(RecommendationEvent.id)).where(RecommendationEvent.at < moment)
            .group_by(RecommendationEvent.recommendation_id))
    return dict(rows(sa.select(RecommendationEvent.recommendation_id, RecommendationEvent.status_to)
                     .where(RecommendationEvent.id.in_(last))))


def _entry(r: Recommendation, before: str | None) -> dict:
    # The report goes to executives and the public: the finding's file references never reach it (issue 15).
    return {"reference": r.reference, "title": r.title, "finding": withheld(r.finding, reveal_files=False),
            "text": r.text,
            "categories": list(r.category_codes or ()), "addressee": r.addressee, "owner": r.owner,
            "issued_on": r.issued_on.isoformat(), "due_on": r.due_on.isoformat() if r.due_on else None,
            "company_response": r.company_response, "response_text": r.response_text,
            "action_plan": r.action_plan, "status": r.status, "status_before": before,
            "public_explanation": r.public_explanation}


def recommendations(scope: Scope) -> dict:
    """New recommendations of the year and the follow-up table (the register holds tens, not thousands)."""
    before = _status_at(scope.bounds[0])
    register = sa.select(Recommendation).order_by(Recommendation.reference)
    new = [_entry(r, None) for r in db.session.scalars(register.where(Recommendation.year == scope.year))]
    earlier = db.session.scalars(register.where(Recommendation.year < scope.year))
    follow_up = [_entry(r, before.get(r.id, "ISSUED")) for r in earlier
                 if before.get(r.id, "ISSUED") not in CLOSED_STATUSES]
    return {"new": new, "follow_up": follow_up}
