"""Console pages of the register of general recommendations: read by the team and the executives,
written by the mediator only (the rules are in :mod:`.services`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.core import forms
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import MediationError
from mediator_plugin.core.permissions import Permission, current_identity, requires
from mediator_plugin.core.transactions import run_step
from mediator_plugin.recommendations import presenters, queries, services
from mediator_plugin.recommendations.models import COMPANY_RESPONSES, STATUSES, Recommendation

LABELS = {"status_label": presenters.status_label, "response_label": presenters.response_label,
          "field_label": presenters.field_label, "statuses": STATUSES, "responses": COMPANY_RESPONSES}


def _recommendation_or_404(reference: str) -> Recommendation:
    recommendation = queries.by_reference(reference)
    if recommendation is None:
        abort(404)
    return recommendation


def _text(value: str):
    """The segments of a text as this reader may see them (file references only for the team)."""
    return presenters.segments(value, reveal_files=current_identity().on_team)


def _category_label(code: str) -> str:
    labels = {c["code"]: c["label"] for c in state().charter.categories_flat()}
    return labels.get(code, code)


@requires(Permission.RECOMMENDATION_READ)
def index():
    """The register, filtered by year issued, status and department."""
    args = request.args
    filters = queries.RegisterFilters(year=args.get("year", ""), status=args.get("status", ""),
                                      department=args.get("department", ""))
    return render_template("recommendations/index.html", rows=queries.register(filters), filters=filters,
                           years=queries.years(), departments=state().settings["departments"], **LABELS)


@requires(Permission.RECOMMENDATION_READ)
def show(reference: str):
    """One recommendation with its whole history."""
    return _render_show(_recommendation_or_404(reference))


def _render_show(recommendation: Recommendation, *, error: MediationError | None = None, status: int = 200):
    return render_template(
        "recommendations/show.html", rec=recommendation, text=_text, category_label=_category_label,
        error=error.message if error else None, error_field=error.field if error else None,
        form=request.form if error else {}, today=paris_date(utcnow()), **LABELS), status


@requires(Permission.RECOMMENDATION_MANAGE)
def new():
    """The form to issue a recommendation (GET) and its submission (POST)."""
    if request.method == "GET":
        return _render_new()
    try:
        recommendation = run_step(lambda: services.issue(
            current_identity(), title=forms.text("title"), finding=forms.text("finding"), text=forms.text("text"),
            addressee=forms.text("addressee"), owner=forms.text("owner"),
            issued_on=forms.required_date("issued_on"), due_on=forms.optional_date("due_on"),
            category_codes=request.form.getlist("category_codes")))
    except MediationError as exc:
        db.session.rollback()
        return _render_new(error=exc)
    flash(_("Recommendation %(reference)s issued.", reference=recommendation.reference), "success")
    return redirect(url_for("mediator.recommendations.show", reference=recommendation.reference), code=303)


def _render_new(*, error: MediationError | None = None):
    return render_template(
        "recommendations/new.html", departments=state().settings["departments"],
        categories=state().charter.rules["categories"], today=paris_date(utcnow()),
        error=error.message if error else None, error_field=error.field if error else None,
        form=request.form if error else {}), error.status if error else 200


@requires(Permission.RECOMMENDATION_MANAGE)
def follow_up(reference: str):
    """Record a follow-up or a status change, with its mandatory explanation."""
    recommendation = _recommendation_or_404(reference)
    try:
        run_step(lambda: services.follow_up(
            recommendation, current_identity(), status=forms.text("status"), explanation=forms.text("note"),
            reviewed_on=forms.optional_date("reviewed_on") or paris_date(utcnow()),
            company_response=forms.text("company_response") or None, response_text=forms.text("response_text"),
            action_plan=forms.text("action_plan"), due_on=forms.optional_date("due_on"),
            evidence=forms.text("evidence"), public_explanation=forms.text("public_explanation")))
    except MediationError as exc:
        db.session.rollback()
        return _render_show(_recommendation_or_404(reference), error=exc, status=exc.status)
    flash(_("Follow-up recorded."), "success")
    return redirect(url_for("mediator.recommendations.show", reference=reference), code=303)
