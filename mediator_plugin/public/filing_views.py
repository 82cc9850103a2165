"""Online filing (``/saisir``) and tracking (``/suivi``): thin views over the filing and tracking services."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request, session, url_for

from mediator_plugin import state
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MissingField
from mediator_plugin.core.pdf import fr_number
from mediator_plugin.core.permissions import public
from mediator_plugin.core.ratelimit import rate_limited
from mediator_plugin.public.filing import (
    MAX_ATTACHMENTS,
    FilingRequest,
    decision_promise,
    file_online,
    no_prior_complaint_warning,
)
from mediator_plugin.public.forms import FilingForm, TrackingForm
from mediator_plugin.public.privacy import retention_notice
from mediator_plugin.public.tracking import consult, find_filing

_ACK_KEY = "mediator_filing_ack"
_TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "text/plain": "texte"}


def _private(response):
    """Pages holding a code or a status are never cached (the public pages otherwise may be)."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _render_filing(form: FilingForm, status: int = 200):
    settings = state().settings
    megabytes = settings["upload_max_bytes"] / (1024 * 1024)
    limits = {"count": MAX_ATTACHMENTS, "megabytes": fr_number(megabytes, 0 if megabytes.is_integer() else 1),
              "types": ", ".join(_TYPE_NAMES.get(t, t) for t in settings["upload_types"])}
    return render_template("public/filing.html", form=form, limits=limits, mediator=state().charter.mediator,
                           deadlines=state().charter.deadlines, retention=retention_notice(settings)), status


@public
def filing_form():
    """The form to ask for mediation, usable without JavaScript."""
    return _render_filing(FilingForm())


@public
@rate_limited("filing_rate_limit")
def file_request():
    """Queue the request; on success show the acknowledgement once (post, redirect, get)."""
    form = FilingForm()
    if form.is_robot():
        form.website.errors = [form.website.label.text]
        return _render_filing(form, 422)
    if not form.validate():
        return _render_filing(form, 422)
    attachments = [(f.filename, f.read()) for f in request.files.getlist(form.attachments.name) if f and f.filename]
    data = {name: (form[name].data or "").strip() for name in (
        "name", "email", "phone", "postal_address", "customer_number", "ticket_number", "what_happened",
        "what_asked")}
    try:
        filed = file_online(FilingRequest(**data, first_complaint_on=form.first_complaint_on.data,
                                          certified_written_complaint=bool(form.certify.data),
                                          attachments=attachments))
        db.session.commit()
    except MissingField as exc:
        db.session.rollback()
        form.attachments.errors = [exc.message]
        return _render_filing(form, exc.status)
    session[_ACK_KEY] = {"reference": filed.reference, "code": filed.code, "certified": bool(form.certify.data)}
    return redirect(url_for("mediator.public.acknowledgement"), code=303)


@public
def acknowledgement():
    """The reference, the tracking code (this one time) and what happens next."""
    shown = session.pop(_ACK_KEY, None)
    if shown is None:
        return redirect(url_for("mediator.public.tracking_form"), code=303)
    warning = None if shown.get("certified", True) else no_prior_complaint_warning()
    return _private(render_template("public/acknowledgement.html", reference=shown["reference"],
                                    code=shown["code"], deadlines=state().charter.deadlines,
                                    decision_promise=decision_promise(), warning=warning))


@public
def tracking_form():
    """Reference and code, to see where a request stands."""
    return render_template("public/tracking.html", form=TrackingForm())


@public
@rate_limited("tracking_rate_limit")
def track():
    """The status for a right pair; the same 404 page for any wrong one."""
    form = TrackingForm()
    if not form.validate():
        return render_template("public/tracking.html", form=form), 422
    filing = find_filing(form.reference.data, form.code.data)
    if filing is None:
        db.session.rollback()
        return _private((render_template("public/tracking.html", form=TrackingForm(formdata=None), not_found=True),
                         404))
    status = consult(filing)
    db.session.commit()
    return _private(render_template("public/status.html", status=status))
