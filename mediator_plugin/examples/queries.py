"""Reading examples: the console's list, and the approved ones the annual report prints."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from mediator_plugin import state
from mediator_plugin.core.db import db
from mediator_plugin.examples.models import CaseExample, ExampleState


@dataclass(frozen=True)
class PublishedExample:
    """An approved example as the report prints it: nothing of the file it came from (no reference, no id)."""

    year: int
    category: str | None
    category_label: str
    subcategory: str | None
    subcategory_label: str
    title: str
    context: str
    issue: str
    positions: str
    applicable_rule: str
    equity: str
    outcome: str
    lesson: str


def published_examples(year: int) -> list[PublishedExample]:
    """The examples of ``year`` approved by the mediator, by category then in the order of approval."""
    rows = db.session.execute(
        sa.select(CaseExample).where(CaseExample.state == ExampleState.APPROVED, CaseExample.year == year)
        .order_by(CaseExample.category, CaseExample.subcategory, CaseExample.approved_at, CaseExample.id)
    ).scalars().all()
    return [PublishedExample(
        year=row.year, category=row.category, category_label=category_label(row.category),
        subcategory=row.subcategory, subcategory_label=category_label(row.subcategory), title=row.title,
        context=row.context, issue=row.issue, positions=row.positions, applicable_rule=row.applicable_rule,
        equity=row.equity, outcome=row.outcome, lesson=row.lesson) for row in rows]


def category_label(code: str | None) -> str:
    """French label of a category code of either level ("" for none)."""
    if not code:
        return ""
    try:
        return state().charter.label("category", code)
    except KeyError:  # a category the charter no longer lists keeps its code
        return code


def list_examples(*, state_filter: str = "", year: int | None = None) -> list[CaseExample]:
    """The console's list, newest first, optionally for one state and one year."""
    query = sa.select(CaseExample).order_by(CaseExample.id.desc())
    if state_filter in ExampleState.__members__:
        query = query.where(CaseExample.state == state_filter)
    if year:
        query = query.where(CaseExample.year == year)
    return list(db.session.execute(query).scalars())
