"""The correspondents' space: a department's requests for observations and what the mediator shared.

A correspondent sees only requests addressed to their own departments, the documents the team shared
with those departments and the ones they sent themselves (``cases/sharing.py``), and, for files their
department must carry out, the solution to implement (R-CONF-1, R-IND-1, R-PROC-3). Every read is audited.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from mediator_plugin.cases import documents, sharing
from mediator_plugin.cases.models import Case, Document, ObservationRequest
from mediator_plugin.cases.workflow import State
from mediator_plugin.core import audit, forms
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MediationError
from mediator_plugin.core.permissions import Permission, current_identity, requires
from mediator_plugin.core.transactions import run_step
from mediator_plugin.proposals import services as proposals
from mediator_plugin.proposals.queries import current_proposal

bp = Blueprint("correspondent", __name__, url_prefix="/correspondant", template_folder="templates")
TO_IMPLEMENT = (State.ACCEPTED, State.AGREEMENT, State.IMPLEMENTATION_TRACKING)
ANSWER_ATTACHMENTS_MAX = 5


@bp.route("/")
@requires(Permission.CORRESPONDENT_SPACE)
def requests():
    """Open and answered requests of my departments, and files to implement."""
    departments = current_identity().departments
    rows = db.session.execute(
        sa.select(ObservationRequest, Case.reference).join(Case, Case.id == ObservationRequest.case_id)
        .where(ObservationRequest.department.in_(departments))
        .order_by(ObservationRequest.answered_at.is_not(None), ObservationRequest.due_on)).all()
    to_implement = db.session.execute(
        sa.select(Case.reference, Case.state).where(Case.department.in_(departments), Case.state.in_(TO_IMPLEMENT))
        .order_by(Case.reference)).all()
    return render_template("cases/correspondent_list.html", rows=rows, to_implement=to_implement,
                           shared=sharing.shared_with(departments))


def _own_request(request_id: int) -> tuple[ObservationRequest, Case]:
    request = db.session.get(ObservationRequest, request_id)
    if request is None or request.department not in current_identity().departments:
        abort(404)  # another department's request does not exist for this correspondent
    return request, db.session.get(Case, request.case_id)



@bp.route("/demandes/<dbint:request_id>")
@requires(Permission.CORRESPONDENT_SPACE)
def request_page(request_id: int, error: str | None = None, status: int = 200):
    """One request: the question, the shared documents, the answer form."""
    request, case = _own_request(request_id)
    identity = current_identity()
    audit.record("read_request", actor=identity.sub, roles=identity.roles, target=case.reference, case_id=case.id,
                 detail={"request_id": request.id})
    db.session.commit()
    return render_template("cases/correspondent_request.html", request_=request, case=case,
                           documents=sharing.correspondent_documents(case.id, identity.departments),
                           error=error), status


@bp.route("/demandes/<dbint:request_id>/repondre", methods=["POST"])
@requires(Permission.CORRESPONDENT_SPACE)
def answer(request_id: int):
    """Send the department's observations to the mediator."""
    from mediator_plugin.cases.instruction import answer_observations

    request, _case = _own_request(request_id)
    try:
        run_step(lambda: answer_observations(request, current_identity(), answer=forms.text("answer"),
                                             attachments=forms.uploads("attachments", ANSWER_ATTACHMENTS_MAX)))
    except MediationError as exc:
        db.session.rollback()
        return request_page(request_id, error=exc.message, status=exc.status)
    flash(_("Your observations have been sent to the mediator."), "success")
    return redirect(url_for("mediator.correspondent.requests"), code=303)


@bp.route("/dossiers/<reference>/documents/<dbint:document_id>")
@requires(Permission.CORRESPONDENT_SPACE)
def document(reference: str, document_id: int):
    """Download a document shared with my department, or sent by it; any other is not found. Audited."""
    identity = current_identity()
    found = db.session.execute(sa.select(Document, Case.reference).join(Case, Case.id == Document.case_id).where(
        Document.id == document_id, Case.reference == reference, sharing.visible_to(identity.departments))).first()
    if found is None:
        abort(404)
    doc = found.Document
    audit.record("read_document", actor=identity.sub, roles=identity.roles, target=reference, case_id=doc.case_id,
                 detail={"document_id": doc.id})  # the id, not the name: the audit outlives the file
    db.session.commit()
    return documents.download(doc)


def _own_case(reference: str) -> Case:
    case = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one_or_none()
    if case is None or case.department not in current_identity().departments or case.state not in TO_IMPLEMENT:
        abort(404)
    return case


@bp.route("/dossiers/<reference>", methods=["GET", "POST"])
@requires(Permission.IMPLEMENTATION_RECORD)
def implementation(reference: str):
    """The solution my department must carry out, and the form to record that it was."""
    case = _own_case(reference)
    identity = current_identity()
    error, status = None, 200
    if forms.text("status"):
        try:
            run_step(lambda: proposals.record_implementation(
                case, identity, status=forms.text("status"), done_on=forms.optional_date("done_on"),
                note=forms.text("note"), evidence=forms.upload("evidence")))
            flash(_("Thank you: the implementation is recorded."), "success")
            return redirect(url_for("mediator.correspondent.requests"), code=303)
        except MediationError as exc:
            db.session.rollback()
            case = _own_case(reference)
            error, status = exc.message, exc.status
    audit.record("read_implementation", actor=identity.sub, roles=identity.roles, target=case.reference,
                 case_id=case.id)
    db.session.commit()
    proposal = current_proposal(case)
    solution = case.agreement_text if case.resolution_mode == "agreement" else (proposal.solution if proposal else "")
    return render_template("cases/correspondent_implementation.html", case=case, solution=solution,
                           error=error), status
