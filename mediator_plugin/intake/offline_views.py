"""Registering a request received by post, e-mail, phone or at the desk: a thin view over :mod:`.offline`."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases.presenters import channel_label
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MediationError
from mediator_plugin.core.pdf import fr_date, fr_number
from mediator_plugin.core.permissions import Permission, current_identity, requires
from mediator_plugin.core.transactions import run_step
from mediator_plugin.intake.cards import intake_card
from mediator_plugin.intake.forms import OfflineRequestForm
from mediator_plugin.intake.offline import MAX_DOCUMENTS, OfflineRequest, register

_TEXT_FIELDS = ("channel", "name", "postal_address", "email", "phone", "customer_number", "what_happened",
                "what_asked", "note")


def _render(form: OfflineRequestForm, status: int = 200, error: str | None = None):
    megabytes = state().settings["upload_max_bytes"] / (1024 * 1024)
    limits = {"count": MAX_DOCUMENTS, "megabytes": fr_number(megabytes, 0 if megabytes.is_integer() else 1)}
    return render_template("intake/register.html", form=form, limits=limits, error=error), status


@requires(Permission.INTAKE_MANAGE)
def register_form():
    """The form, usable without JavaScript."""
    return _render(OfflineRequestForm())


@requires(Permission.INTAKE_MANAGE)
def register_request():
    """Queue the request with its documents, all or nothing; back to the intake queue, which shows its card."""
    form = OfflineRequestForm()
    if not form.validate():
        return _render(form, 422)
    sent = [(f.filename, f.read()) for f in request.files.getlist(form.documents.name) if f and f.filename]
    fields = {name: (form[name].data or "").strip() for name in _TEXT_FIELDS}
    try:
        item = run_step(lambda: register(OfflineRequest(
            **fields, received_on=form.received_on.data, first_complaint_on=form.first_complaint_on.data,
            documents=sent), current_identity()))
    except MediationError as exc:
        db.session.rollback()
        field = form[exc.field] if exc.field and exc.field in form else None
        if field is None:
            return _render(form, exc.status, exc.message)
        field.errors = [exc.message]
        return _render(form, exc.status)
    card = intake_card(item)
    flash(_("%(reference)s: the request received on %(day)s (%(channel)s) is in the intake queue; a refusal must be "
            "notified by %(due)s.", reference=item.external_id, day=fr_date(card.received_on),
            channel=channel_label(fields["channel"]), due=fr_date(card.refusal.due)), "success")
    return redirect(url_for("mediator.intake.queue"), code=303)
