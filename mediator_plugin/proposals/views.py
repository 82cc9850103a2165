"""The proposal editor: the sections of R-FLOW-3, a PDF preview, the mediator's signature."""

from __future__ import annotations

from io import BytesIO

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases import deadlines
from mediator_plugin.cases.file_documents import read_documents
from mediator_plugin.cases.letters import render_letter
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.notices import base_fields, recording_deliveries
from mediator_plugin.cases.presenters import step_message
from mediator_plugin.cases.workflow import allowed_actions
from mediator_plugin.core import audit, forms
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MediationError
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import Permission, current_identity, requires
from mediator_plugin.core.transactions import run_step
from mediator_plugin.proposals import services
from mediator_plugin.proposals.models import SECTIONS
from mediator_plugin.proposals.queries import current_proposal


def _case(reference: str) -> Case:
    case = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one_or_none()
    if case is None:
        abort(404)
    return case


@requires(Permission.CASE_READ)
def edit(reference: str):
    """The editor, section by section, with what the mediator must not forget."""
    case = _case(reference)
    _audit_read("read_proposal", case)
    return _render(case)


def _audit_read(action: str, case: Case) -> None:
    identity = current_identity()
    audit.record(action, actor=identity.sub, roles=identity.roles, target=case.reference, case_id=case.id)
    db.session.commit()


def _render(case: Case, *, error: MediationError | None = None, status: int = 200):
    proposal = current_proposal(case)
    values = request.form if error else {name: getattr(proposal, name, "") for name in SECTIONS}
    return render_template(
        "proposals/edit.html", case=case, proposal=proposal, values=values, sections=SECTIONS,
        titles=services.section_titles(), actions=allowed_actions(case.state, current_identity()),
        outcomes=[o for o in state().charter.rules["outcomes"] if o["code"] != "AMICABLE_AGREEMENT"],
        default_deadline=deadlines.acceptance_deadline_from(deadlines.today()),
        held=read_documents(case.id),  # what the parties could see, and the experts' opinions (R-CHARTER-2)
        error=error.message if error else None), status


def _attempt(reference: str, step, *, done: str, then: str, recorded: str | None = None):
    """Run one service step on the file and commit; a refused step re-renders the editor with its reason.

    ``recorded`` says the step alone, for when a letter it wrote waits on the file for the post."""
    case = _case(reference)
    try:
        with recording_deliveries() as deliveries:
            run_step(lambda: step(case, current_identity()))
    except MediationError as exc:
        db.session.rollback()
        return _render(_case(reference), error=exc, status=exc.status)
    flash(step_message(done, recorded or done, deliveries), "success")
    return redirect(url_for(then, reference=reference), code=303)


@requires(Permission.CASE_READ)
def save(reference: str):
    """Save the draft (case handler or mediator)."""
    return _attempt(reference, lambda case, actor: services.save_proposal(
        case, actor, **{name: forms.text(name) for name in SECTIONS}),
        done=_("Draft saved."), then="mediator.proposals.edit")


@requires(Permission.PROPOSAL_SIGN)
def sign(reference: str):
    """The mediator signs: frozen, sent to both parties."""
    return _attempt(reference, lambda case, actor: services.sign_proposal(
        case, actor, outcome=forms.text("outcome"), acceptance_deadline=forms.optional_date("acceptance_deadline"),
        late_reason=forms.text("late_reason") or None),
        done=_("The proposal is signed and on its way to both parties."), recorded=_("The proposal is signed."),
        then="mediator.cases.show")


@requires(Permission.PROPOSAL_SIGN)
def correct(reference: str):
    """The mediator corrects a signed proposal while the answers are awaited: a new signed version, with its
    reason, its own class of outcome and a new answer deadline, sent to both parties."""
    return _attempt(reference, lambda case, actor: services.correct_proposal(
        case, actor, reason=forms.text("reason"), outcome=forms.text("outcome"),
        acceptance_deadline=forms.optional_date("acceptance_deadline"), late_reason=forms.text("late_reason") or None,
        **{name: forms.text(name) for name in SECTIONS}),
        done=_("The corrected proposal is signed and on its way to both parties, with a new deadline to answer."),
        recorded=_("The corrected proposal is signed, with a new deadline to answer."), then="mediator.cases.show")


@requires(Permission.CASE_READ)
def preview(reference: str):
    """The letter as it will be sent, from the current draft (nothing is stored)."""
    case = _case(reference)
    proposal = current_proposal(case)
    if proposal is None:
        abort(404)
    _audit_read("preview_proposal", case)
    deadline = proposal.acceptance_deadline or deadlines.acceptance_deadline_from(deadlines.today())
    titles = services.section_titles()
    consumer = case.party("consumer")
    pdf = render_letter("proposal", charter=state().charter, today=deadlines.today(),
                        website=state().settings["base_url"],
                        fields={**base_fields(case), "acceptance_deadline": fr_date(deadline)},
                        recipient={"name": consumer.name, "address": consumer.postal_address or "",
                                   "email": consumer.email or ""},
                        sections=[(titles[n], getattr(proposal, n) or "—") for n in SECTIONS],
                        signed_by=proposal.signed_by)
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=f"{case.reference}-apercu.pdf")
