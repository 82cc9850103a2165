"""What each card of the intake queue shows before a file is opened: the refusal clock and the grounds hinted.

The three weeks of L612-2 run from the receipt of the request, so they run in the queue too (R-DEADLINE-1); the
year after the written complaint (R-ADM-3) and the other hints are flags for the team, never a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from connectors.base import TicketSnapshot
from mediator_plugin.cases import deadlines
from mediator_plugin.cases.admissibility import GroundHint, ground_hints
from mediator_plugin.cases.schedule import Deadline, rejection_deadline
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.intake.models import FILED_SOURCES, ONLINE, IntakeItem
from mediator_plugin.intake.services import complaint_dates


@dataclass(frozen=True)
class IntakeCard:
    """A pending request as its card shows it."""

    received_on: date
    waiting_days: int
    refusal: Deadline
    hints: list[GroundHint]
    professional: bool


def _complaints(item: IntakeItem) -> tuple[date | None, date | None, bool | None]:
    """First and last written complaint, and what the consumer certified on the online form (None: not asked, as
    for a request the team registered, where only the complaint's date is noted)."""
    if item.source in FILED_SOURCES:
        first = item.snapshot.get("first_complaint_on")
        first = date.fromisoformat(first) if first else None
        certified = item.snapshot.get("certified_written_complaint", True) if item.source == ONLINE else None
        return first, first, certified
    dates = complaint_dates(TicketSnapshot.from_json(item.snapshot))
    return (dates[0], dates[-1], None) if dates else (None, None, None)


def intake_card(item: IntakeItem) -> IntakeCard:
    """The card of ``item``: when it was received, its refusal deadline and how it stands, the hints."""
    today = deadlines.today()
    received_on = paris_date(item.asked_at)
    first, last, certified = _complaints(item)
    professional = bool(item.snapshot.get("requester_professional"))
    return IntakeCard(
        received_on=received_on, waiting_days=(today - received_on).days,
        refusal=rejection_deadline(received_on, deadlines.rejection_due_from(received_on), today),
        hints=ground_hints(received_on=received_on, first_complaint=first, last_complaint=last,
                           certified_complaint=certified, party_type="professional" if professional else None),
        professional=professional)
