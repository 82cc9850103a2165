"""The register of general recommendations to the company (R-RECO-1), with its history."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediator_plugin.core.db import UTCDateTime, db

STATUSES = ("ISSUED", "ACCEPTED", "IN_PROGRESS", "IMPLEMENTED", "PARTLY_IMPLEMENTED", "DECLINED", "OBSOLETE")
COMPANY_RESPONSES = ("accepted", "partly_accepted", "declined")


class Recommendation(db.Model):
    """One general recommendation, ``YYYY-NN``."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(10), nullable=False, unique=True)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False, index=True)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    finding: Mapped[str] = mapped_column(sa.Text, nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    category_codes: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    addressee: Mapped[str] = mapped_column(sa.String(32), nullable=False)  # department code
    owner: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    issued_on = mapped_column(sa.Date, nullable=False)
    company_response: Mapped[str | None] = mapped_column(sa.String(16))
    response_text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    action_plan: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    due_on = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="ISSUED")
    evidence: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    public_explanation: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    last_review_on = mapped_column(sa.Date)
    history = relationship("RecommendationEvent", order_by="RecommendationEvent.id", cascade="all, delete-orphan")


class RecommendationEvent(db.Model):
    """A change to a recommendation: who, when, what changed, status before and after."""

    __tablename__ = "recommendation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id"), nullable=False, index=True)
    at = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    status_from: Mapped[str | None] = mapped_column(sa.String(20))
    status_to: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    changes: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
