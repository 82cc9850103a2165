"""Console pages of the mediator's team: dashboard, file list, file page and its actions."""

from __future__ import annotations

from io import BytesIO

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for

from mediator_plugin import state
from mediator_plugin.cases import documents, previews, queries
from mediator_plugin.cases.actions import ACTIONS, success_message
from mediator_plugin.cases.admissibility import file_hints
from mediator_plugin.cases.audit_labels import action_label, action_labels, actor_label, roles_label
from mediator_plugin.cases.deliveries import undelivered_mails
from mediator_plugin.cases.file_view import read_file
from mediator_plugin.cases.instruction import EXTENSION_REASONS
from mediator_plugin.cases.listing_audit import record_dashboard, record_listing
from mediator_plugin.cases.models import Case, Document
from mediator_plugin.cases.notices import letter_filename, recording_deliveries
from mediator_plugin.cases.presenters import department_label, describe, file_list_rows
from mediator_plugin.cases.schedule import file_deadlines, next_step, status_words
from mediator_plugin.cases.workflow import (
    BEFORE_ADMISSION,
    INTERRUPTED,
    STATE_LABELS,
    State,
    allowed_actions,
    check,
    state_label,
)
from mediator_plugin.core import audit
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import autocommit_reads, db, reads_in_autocommit
from mediator_plugin.core.errors import MediationError
from mediator_plugin.core.i18n import gettext as _
from mediator_plugin.core.permissions import Permission, current_identity, requires
from mediator_plugin.core.transactions import run_step
from mediator_plugin.proposals.models import SECTIONS
from mediator_plugin.proposals.services import section_titles
from mediator_plugin.retention.views import hold_panel


def _case_or_404(reference: str) -> Case:
    case = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one_or_none()
    if case is None:
        abort(404)
    return case


def _audit_read(action: str, case, **detail) -> None:
    identity = current_identity()
    audit.record(action, actor=identity.sub, roles=identity.roles, target=case.reference, case_id=case.id,
                 detail=detail)
    db.session.commit()


@requires(Permission.CASE_READ)
@reads_in_autocommit
def dashboard():
    """What is due today and this week, what awaits signature, my files; the view is audited."""
    from mediator_plugin.intake.queries import pending_count

    autocommit_reads()
    identity = current_identity()
    page = render_template("cases/dashboard.html", data=queries.dashboard(identity.sub),
                           pending=pending_count(), state_label=state_label, undelivered=undelivered_mails())
    record_dashboard()
    return page


@requires(Permission.CASE_READ)
@reads_in_autocommit
def index():
    """The file list with filters, search and pages; each page view is audited with its query."""
    args = request.args
    filters = queries.FileFilters(state=args.get("state", ""), category=args.get("category", ""),
                                  department=args.get("department", ""), year=args.get("year", ""),
                                  due_within=args.get("due_within", ""), q=args.get("q", ""),
                                  sort=args.get("sort", "newest"),
                                  page=args.get("page", 1, type=int) or 1)
    autocommit_reads()
    labels = STATE_LABELS()  # translated once, not once per row
    # One url_for for the fifty links (a tenth of the page's cost): references are URL-safe, MED-YYYY-NNNNN.
    files_url = url_for("mediator.cases.show", reference="")
    page = queries.file_page(filters)
    html = render_template("cases/index.html", page=page, rows=file_list_rows(page.rows, labels), filters=filters,
                           states=list(State), state_labels=labels, files_url=files_url, sorts=_sort_labels(),
                           categories=state().charter.rules["categories"],
                           departments=state().settings["departments"])
    record_listing(filters, page.total)
    return html


def _sort_labels() -> dict[str, str]:
    return {"newest": _("Newest first"), "oldest": _("Oldest first"), "deadline": _("Nearest deadline first"),
            "reference": _("By reference")}


@requires(Permission.CASE_READ)
@reads_in_autocommit
def show(reference: str):
    """The whole file on one page; the read is audited."""
    return _file_page(reference)


def _file_page(reference: str, *, error: MediationError | None = None, status: int = 200):
    """The file page, sent only once its read is recorded in the audit log (also when it comes back
    with the reason an action was refused: it shows the file again)."""
    autocommit_reads()
    view = read_file(reference)
    if view is None:
        abort(404)
    case, identity = view.case, current_identity()
    open_requests = [r for r in view.requests if r.answered_at is None]
    context = dict(
        case=case, view=view, identity=identity, charter=state().charter, settings=state().settings,
        state_label=state_label, describe=describe, actions=allowed_actions(case.state, identity),
        proposal=view.proposal, answers=view.answers, sections=SECTIONS,
        section_titles=section_titles() if view.proposal else {},
        requests=view.requests, open_requests=open_requests, conflict_declared=case.conflict_declared,
        deadlines=file_deadlines(case, acceptance_deadline=view.proposal.acceptance_deadline if view.proposal
                                 else None, open_requests=open_requests, department_label=department_label),
        next_step=next_step(case, proposal=view.proposal, open_requests=open_requests, events=view.events),
        deadline_words=status_words(),
        ground_hints=file_hints(view) if case.state in BEFORE_ADMISSION else [],
        duplicates=view.duplicates,
        interruptions=[c for c in state().charter.rules["interruptions"] if c["code"] in INTERRUPTED
                       and c["code"] != State.COI_OBJECTION],
        extension_reasons=EXTENSION_REASONS,
        undelivered=undelivered_mails(case_id=case.id) if case.has_failed_mail else [],
        retention=hold_panel(case.id, any_hold=case.has_holds, any_purge=case.has_purges),
        error=error.message if error else None,
        error_field=error.field if error else None, form=request.form if error else {},
    )
    page = render_template("cases/show.html", **context)
    _audit_read("read_case", case)
    return page, status


@requires(Permission.CASE_READ)
def act(reference: str, action: str):
    """Run one action of the file page; on refusal the page comes back with the reason and a 4xx."""
    handler = ACTIONS.get(action)
    if handler is None:
        abort(404)
    case = _case_or_404(reference)
    try:
        with recording_deliveries() as deliveries:
            run_step(lambda: handler(case, current_identity()))
    except MediationError as exc:
        db.session.rollback()
        return _file_page(reference, error=exc, status=exc.status)
    flash(success_message(action, deliveries), "success")
    return redirect(url_for("mediator.cases.show", reference=reference), code=303)


@requires(Permission.CASE_READ)
def document(reference: str, document_id: int):
    """Download a document of the file; audited."""
    case = _case_or_404(reference)
    doc = db.session.get(Document, document_id)
    if doc is None or doc.case_id != case.id:
        abort(404)
    _audit_read("read_document", case, document_id=doc.id)  # the id, not the name: the audit outlives the file
    return documents.download(doc)


@requires(Permission.CASE_ADMISSIBILITY)
def letter_preview(reference: str, kind: str):
    """The admissibility letter as it would leave today, before the decision is taken; audited."""
    if kind not in previews.PREVIEWABLE:
        abort(404)
    case = _case_or_404(reference)
    try:
        check("declare_admissible" if kind == "seizure" else "declare_inadmissible", case.state, current_identity())
        pdf = previews.preview_letter(case, kind, ground=request.values.get("ground", ""),
                                      sub_reason=request.values.get("sub_reason", ""))
    except MediationError as exc:
        return _file_page(reference, error=exc, status=exc.status)
    _audit_read("preview_letter", case, kind=kind)
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=letter_filename(reference, kind))


@requires(Permission.AUDIT_READ)
def accesses(reference: str):
    """Who read or changed this file, from the audit log."""
    case = _case_or_404(reference)
    _audit_read("read_access_log", case)
    entries = db.session.execute(sa.select(AuditEntry).where(AuditEntry.case_id == case.id)
                                 .order_by(AuditEntry.id.desc()).limit(500)).scalars().all()
    return render_template("cases/accesses.html", case=case, entries=entries, actions=action_labels(),
                           action_label=action_label, roles_label=roles_label, actor_label=actor_label)
