"""Console pages of the case examples: the list, the editor with its checklist and check, the review."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases.models import Case
from mediator_plugin.core import audit, forms
from mediator_plugin.core.db import bounded_int, db
from mediator_plugin.core.errors import MediationError
from mediator_plugin.core.permissions import Permission, current_identity, requires
from mediator_plugin.core.transactions import run_step
from mediator_plugin.examples import queries, services
from mediator_plugin.examples.models import CHECKLIST, CaseExample, ExampleState


def _example_or_404(example_id: int) -> CaseExample:
    example = db.session.get(CaseExample, example_id)
    if example is None:
        abort(404)
    return example


@requires(Permission.CASE_READ)
def index():
    """Every example, newest first, filtered by state and year."""
    year = bounded_int(request.args.get("year"), 2000, 2100)
    rows = queries.list_examples(state_filter=request.args.get("state", ""), year=year)
    return render_template("examples/index.html", rows=rows, states=services.state_labels(),
                           chosen_state=request.args.get("state", ""), year=year or "",
                           category_label=queries.category_label)


@requires(Permission.CASE_WRITE)
def create(reference: str):
    """Flag a closed file as a candidate example: a redacted copy opens in the editor."""
    case = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one_or_none()
    if case is None:
        abort(404)
    try:
        example = run_step(lambda: services.create_from_case(case, current_identity()))
    except MediationError as exc:
        db.session.rollback()
        abort(exc.status, exc.message)
    flash(_("A redacted copy of the file is ready: check it, complete it and tick the checklist."), "success")
    return redirect(url_for("mediator.examples.edit", example_id=example.id), code=303)


@requires(Permission.CASE_READ)
def edit(example_id: int):
    """The editor of a draft; once submitted, the example is read on its review page."""
    example = _example_or_404(example_id)
    if example.state != ExampleState.DRAFT:
        return redirect(url_for("mediator.examples.review", example_id=example.id), code=303)
    _audit_read(example)
    return _render("examples/edit.html", example)


@requires(Permission.CASE_WRITE)
def save(example_id: int):
    """Save the draft (always allowed); with "submit", then send it to review if the check passes."""
    example = _example_or_404(example_id)
    actor = current_identity()
    try:
        findings = run_step(lambda: services.save_draft(
            example, actor, texts={name: forms.text(name) for name in services.EDITABLE},
            subcategory=forms.text("subcategory") or None,
            checklist={item: forms.boolean(item) for item in CHECKLIST}))
    except MediationError as exc:
        db.session.rollback()
        return _render("examples/edit.html", _example_or_404(example_id), error=exc, form=request.form)
    if not forms.boolean("submit"):
        flash(_("Draft saved.") + " " + (_("The check finds %(num)s identifiers left.", num=len(findings))
                                         if findings else _("The check finds no identifier left.")), "success")
        return redirect(url_for("mediator.examples.edit", example_id=example_id), code=303)
    try:
        run_step(lambda: services.submit(example, actor))
    except MediationError as exc:
        db.session.rollback()
        return _render("examples/edit.html", _example_or_404(example_id), error=exc)
    flash(_("The example is saved and submitted for review by a second person."), "success")
    return redirect(url_for("mediator.examples.review", example_id=example_id), code=303)


@requires(Permission.CASE_READ)
def review(example_id: int):
    """The example as it would be printed, its checklist, the check and its history, with the decisions."""
    example = _example_or_404(example_id)
    _audit_read(example)
    return _render("examples/review.html", example)


@requires(Permission.CASE_WRITE)
def decide(example_id: int):
    """The second reader confirms the review, or sends the example back to its author."""
    decision = forms.text("decision")
    if decision == "reviewed":
        return _attempt(example_id, services.review, done=_("Your review is recorded."))
    if decision == "return":
        return _attempt(example_id, lambda e, a: services.return_to_draft(e, a, comment=forms.text("comment")),
                        done=_("The example is back in draft for its author."))
    abort(400)


@requires(Permission.EXAMPLE_APPROVE)
def approve(example_id: int):
    """The mediator approves the example for the annual report."""
    return _attempt(example_id, services.approve, done=_("The example is approved for the annual report."))


@requires(Permission.CASE_WRITE)
def withdraw(example_id: int):
    """Take the example out of the report (or abandon a draft), with a reason."""
    return _attempt(example_id, lambda e, a: services.withdraw(e, a, reason=forms.text("reason")),
                    done=_("The example is withdrawn."))


def _attempt(example_id: int, step, *, done: str):
    example = _example_or_404(example_id)
    try:
        run_step(lambda: step(example, current_identity()))
    except MediationError as exc:
        db.session.rollback()
        return _render("examples/review.html", _example_or_404(example_id), error=exc)
    flash(done, "success")
    return redirect(url_for("mediator.examples.review", example_id=example_id), code=303)


def _audit_read(example: CaseExample) -> None:
    identity = current_identity()
    audit.record("read_example", actor=identity.sub, roles=identity.roles, target=f"example:{example.id}",
                 case_id=example.source_case_id)
    db.session.commit()


def _render(template: str, example: CaseExample, *, error: MediationError | None = None, form=None):
    source = db.session.get(Case, example.source_case_id) if example.source_case_id else None
    findings = getattr(error, "findings", None) or services.residuals(example)
    return render_template(
        template, example=example, source=source, values=form or {n: getattr(example, n) for n in services.EDITABLE},
        ticks={item: bool(form.get(item)) for item in CHECKLIST} if form else example.checklist,
        chosen_subcategory=form.get("subcategory") if form else example.subcategory,
        category_label=queries.category_label, event_labels=services.event_labels(),
        change_labels={**services.field_labels(), "category": _("Category"), "checklist": _("Checklist")},
        findings=findings, fields=services.EDITABLE, field_labels=services.field_labels(), checklist=CHECKLIST,
        checklist_labels=services.checklist_labels(), kind_labels=services.kind_labels(),
        state_labels=services.state_labels(), categories=state().charter.rules["categories"],
        error=error.message if error else None, error_field=error.field if error else None,
    ), error.status if error else 200
