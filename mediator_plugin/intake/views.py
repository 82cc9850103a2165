"""The intake queue: requests for mediation waiting for a file; one action opens it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases.schedule import status_words
from mediator_plugin.core import audit, forms
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MediationError
from mediator_plugin.core.permissions import Permission, current_identity, requires
from mediator_plugin.core.transactions import run_step
from mediator_plugin.intake.cards import intake_card
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.intake.queries import online_filings_of, pending_items
from mediator_plugin.intake.services import open_case


@requires(Permission.INTAKE_MANAGE)
def queue():
    """Closed tickets that ask for mediation, and online filings, not yet opened."""
    identity = current_identity()
    audit.record("read_intake_queue", actor=identity.sub, roles=identity.roles)
    db.session.commit()
    return _render()


def _render(error: str | None = None, status: int = 200):
    items = pending_items()
    return render_template("intake/queue.html", items=items, filings=online_filings_of(items), error=error,
                           cards={item.id: intake_card(item) for item in items}, deadline_words=status_words(),
                           charter=state().charter,
                           categories=state().charter.rules["categories"],
                           departments=state().settings["departments"]), status


@requires(Permission.INTAKE_MANAGE)
def open_file(item_id: int):
    """Open the file of one request: copy the ticket and its conversation, label the ticket."""
    item = db.session.get(IntakeItem, item_id)
    if item is None:
        abort(404)
    try:
        case = run_step(lambda: open_case(item, current_identity(), subcategory=forms.text("subcategory") or None,
                                          department=forms.text("department") or None,
                                          party_type=forms.text("party_type") or None,
                                          party_type_reason=forms.text("party_type_reason"),
                                          dispute_domain=forms.text("dispute_domain") or None))
    except MediationError as exc:
        db.session.rollback()
        return _render(exc.message, exc.status)
    # Only a file with a helpdesk ticket labels it; a request filed online or registered by the team has none.
    flash(_("%(reference)s: file opened; the ticket now shows “mediation in progress” to customer service.",
            reference=case.reference) if case.ticket else _("%(reference)s: file opened.", reference=case.reference),
          "success")
    return redirect(url_for("mediator.cases.show", reference=case.reference), code=303)

