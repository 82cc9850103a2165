"""Previews of the admissibility letters, rendered exactly as they would be sent, stored nowhere.

The case handler reads the notice of seizure (R612-2) or the refusal with its ground (R-ADM-5)
before the decision; the decision itself renders the letter again with that day's dates.
"""

from __future__ import annotations

from mediator_plugin import state
from mediator_plugin.cases import deadlines
from mediator_plugin.cases.admissibility import rejection_fields
from mediator_plugin.cases.letters import render_letter
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.notices import base_fields
from mediator_plugin.core.pdf import fr_date

PREVIEWABLE = ("seizure", "rejection")


def preview_letter(case: Case, kind: str, *, ground: str = "", sub_reason: str = "") -> bytes:
    """The PDF the consumer would receive if the decision were taken today."""
    today = deadlines.today()
    fields = base_fields(case)
    if kind == "seizure":
        fields |= {"notified_on": fr_date(today), "outcome_due": fr_date(deadlines.outcome_due_from(today))}
    else:
        fields |= rejection_fields(case, ground, sub_reason or None)
    consumer = case.party("consumer")
    recipient = {"name": consumer.name if consumer else "", "address": (consumer.postal_address or "") if consumer
                 else "", "email": (consumer.email or "") if consumer else ""}
    return render_letter(kind, charter=state().charter, fields=fields, recipient=recipient, today=today,
                         website=state().settings["base_url"])
