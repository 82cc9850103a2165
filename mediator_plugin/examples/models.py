"""An anonymised case example (R-CASE-1, R-CASE-2): a separate, redacted copy of a closed file.

The example never writes to its source file. It keeps the source's id only so that the
residual-identifier check can compare the text with the file's personal data; that id never
leaves the console (see :func:`mediator_plugin.examples.services.published_examples`).
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediator_plugin.core.db import UTCDateTime, db, utcnow

# R-CASE-1: the seven fields of an example, in the order the report prints them.
FIELDS = ("context", "issue", "positions", "applicable_rule", "equity", "outcome", "lesson")
# R-GDPR-7: what the author attests before a second person reviews.
CHECKLIST = ("no_direct_identifiers", "no_exact_dates", "amounts_banded", "location_region",
             "rare_attributes_removed", "second_person_review")


class ExampleState(enum.StrEnum):
    DRAFT = "DRAFT"
    IN_REVIEW = "IN_REVIEW"
    APPROVED = "APPROVED"
    WITHDRAWN = "WITHDRAWN"


class CaseExample(db.Model):
    """One example, written from a closed file, reviewed by a second person, approved by the mediator."""

    __tablename__ = "case_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SET NULL: purging the file (retention) leaves its anonymous example in the report.
    source_case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=ExampleState.DRAFT, index=True)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False, index=True)
    category: Mapped[str | None] = mapped_column(sa.String(64))  # level 1
    subcategory: Mapped[str | None] = mapped_column(sa.String(64))  # level 2
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    context: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    issue: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    positions: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    applicable_rule: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    equity: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    outcome: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    lesson: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    checklist: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)

    created_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # The author is who ticked the checklist and submitted; the reviewer must be someone else.
    author: Mapped[str | None] = mapped_column(sa.String(200))
    submitted_at = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(200))
    reviewed_at = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(sa.String(200))
    approved_at = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - two editors never overwrite each other

    events = relationship("ExampleEvent", order_by="ExampleEvent.id", cascade="all, delete-orphan")


class ExampleEvent(db.Model):
    """One line of an example's history: who did what, when (kinds and fields, never the file's data)."""

    __tablename__ = "case_example_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(sa.ForeignKey("case_examples.id"), nullable=False, index=True)
    at = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    actor_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    data: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
