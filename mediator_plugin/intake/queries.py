"""Reading the intake queue."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.core.db import db
from mediator_plugin.intake.models import IntakeItem, OnlineFiling


def pending_count() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(IntakeItem)
                              .where(IntakeItem.state == "pending")).scalar()


def pending_items(limit: int = 200) -> list[IntakeItem]:
    """Oldest request first: its three weeks to be refused run out first (L612-2)."""
    return list(db.session.execute(sa.select(IntakeItem).where(IntakeItem.state == "pending")
                                   .order_by(IntakeItem.asked_at, IntakeItem.id).limit(limit)).scalars())


def online_filings_of(items: list[IntakeItem]) -> dict[int, OnlineFiling]:
    """The online filing behind each online item of ``items``, by item id (its linked ticket, if any)."""
    ids = [item.id for item in items if item.source == "online"]
    if not ids:
        return {}
    rows = db.session.execute(sa.select(OnlineFiling).where(OnlineFiling.intake_item_id.in_(ids))).scalars()
    return {filing.intake_item_id: filing for filing in rows}
