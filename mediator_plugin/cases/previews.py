"""Previews of the admissibility letters, rendered exactly as they would be sent, stored nowhere.

The case handler reads the notice of seizure (R612-2) or the refusal with its ground (R-ADM-5)
before the decision; the decision itself renders the letter again with that day's dates.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases.letters import render_letter
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.notices import base_fields
from mediator_plugin.core.calendar import add_calendar_days, paris_date
from mediator_plugin.core.db import utcnow
from mediator_plugin.core.errors import MissingField
from mediator_plugin.core.pdf import fr_date

PREVIEWABLE = ("seizure", "rejection")


def preview_letter(case: Case, kind: str, *, ground: str = "", sub_reason: str = "") -> bytes:
    """The PDF the consumer would receive if the decision were taken today."""
    charter = state().charter
    today = paris_date(utcnow())
    fields = base_fields(case)
    if kind == "seizure":
        outcome_due = add_calendar_days(today, charter.deadlines["outcome_days"])
        fields |= {"notified_on": fr_date(today), "outcome_due": fr_date(outcome_due)}
    else:
        fields |= _rejection_fields(ground, sub_reason)
    consumer = case.party("consumer")
    recipient = {"name": consumer.name if consumer else "", "address": (consumer.postal_address or "") if consumer
                 else "", "email": (consumer.email or "") if consumer else ""}
    return render_letter(kind, charter=charter, fields=fields, recipient=recipient, today=today)


def _rejection_fields(ground: str, sub_reason: str) -> dict[str, str]:
    try:
        ground_data = state().charter.ground(ground)
    except KeyError:
        raise MissingField(_("Choose one of the five legal grounds to preview the letter."), field="ground") from None
    subs = {s["code"]: s["label"] for s in ground_data["sub_reasons"]}
    label = ground_data["label"] + (f" ({subs[sub_reason]})" if sub_reason in subs else "")
    return {"ground_label": label, "next_steps": ground_data["next_steps"]}
