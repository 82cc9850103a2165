"""The demo's register of recommendations, issued and followed up through the register's services."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.core.db import db
from mediator_plugin.recommendations.models import Recommendation, RecommendationEvent
from mediator_plugin.seed.recommendations import seed_recommendations


def test_demo_register_has_two_years_and_their_follow_up(app):
    """Five recommendations over two years, each status change in the history with its explanation."""
    assert seed_recommendations(2026) == 5
    db.session.commit()
    rows = db.session.execute(sa.select(Recommendation.reference, Recommendation.status)
                              .order_by(Recommendation.reference)).all()
    assert [r.reference for r in rows] == ["2025-01", "2025-02", "2026-01", "2026-02", "2026-03"]
    assert dict(rows)["2025-01"] == "IMPLEMENTED"
    assert dict(rows)["2026-03"] == "DECLINED"
    notes = db.session.execute(sa.select(RecommendationEvent.note).where(RecommendationEvent.status_to == "IMPLEMENTED")
                               ).scalars().all()
    assert notes == ["Contrôle automatique en production depuis septembre."]
