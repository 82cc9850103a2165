"""Console pages of retention: thin views over :mod:`holds`, :mod:`rules`, :mod:`subject_access`."""

from __future__ import annotations

from io import BytesIO

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from mediator_plugin import state
from mediator_plugin.cases.models import Case
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import MediationError
from mediator_plugin.core.permissions import Permission, current_identity, requires
from mediator_plugin.core.transactions import run_step
from mediator_plugin.retention import holds, rules
from mediator_plugin.retention import subject_access as access
from mediator_plugin.retention.models import LegalHold, PurgeLogEntry

LOG_ROWS = 200
CLASS_LABELS = {
    rules.CASE_ARCHIVE: lazy_gettext("Ended files (intermediate archive)"),
    rules.INADMISSIBLE_REQUEST: lazy_gettext("Refused requests"),
    rules.ATTACHMENTS: lazy_gettext("Documents sent by the parties"),
    rules.INTAKE_NOT_TAKEN_UP: lazy_gettext("Helpdesk requests never taken up"),
    rules.ONLINE_FILING_NOT_OPENED: lazy_gettext("Requests filed directly (online, post, phone…) never opened"),
}
PERIOD_KEYS = {rules.CASE_ARCHIVE: "case_archive_months", rules.INADMISSIBLE_REQUEST: "inadmissible_request_months",
               rules.ATTACHMENTS: "attachments_months", rules.INTAKE_NOT_TAKEN_UP: "intake_not_taken_up_months",
               rules.ONLINE_FILING_NOT_OPENED: "online_filing_not_opened_months"}


def _case_or_404(reference: str) -> Case:
    case = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one_or_none()
    if case is None:
        abort(404)
    return case


def hold_panel(case_id: int, *, any_hold: bool, any_purge: bool) -> dict:
    """What the file page shows of retention: the holds, and whether the file was already purged.
    ``any_hold`` and ``any_purge`` say whether the file has any (the file page reads that with the file)."""
    purged = db.session.execute(sa.select(PurgeLogEntry.at, PurgeLogEntry.data_class)
                                .where(PurgeLogEntry.case_id == case_id).order_by(PurgeLogEntry.id)).all() \
        if any_purge else []
    return {"holds": holds.history(case_id) if any_hold else [], "purged": purged, "reasons": holds.reason_labels(),
            "classes": CLASS_LABELS}


@requires(Permission.LEGAL_HOLD_PLACE)
def place_hold(reference: str):
    """Place a legal hold on the file (R-GDPR-4)."""
    form = request.form
    return _hold_step(reference, lambda case: holds.place(case, current_identity(), reason=form.get("reason", ""),
                                                          note=form.get("note", "")),
                      _("Legal hold placed: this file will not be purged until it is lifted."))


@requires(Permission.LEGAL_HOLD_LIFT)
def lift_hold(reference: str, hold_id: int):
    """Lift a legal hold; the retention period applies again at the next purge."""
    return _hold_step(reference, lambda case: holds.lift(case, current_identity(), hold_id=hold_id,
                                                         note=request.form.get("lift_note", "")),
                      _("Legal hold lifted."))


def _hold_step(reference: str, step, success: str):
    """Run ``step`` on the file, then back to the file page with its outcome."""
    case = _case_or_404(reference)
    try:
        run_step(lambda: step(case))
    except MediationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(success, "success")
    return redirect(url_for("mediator.cases.show", reference=reference), code=303)


@requires(Permission.RETENTION_READ)
def index():
    """The retention periods, what a purge would do today (counts), the holds in force and the purge log."""
    plan = rules.plan(state().settings, utcnow())
    active = db.session.execute(sa.select(LegalHold, Case.reference).join(Case, Case.id == LegalHold.case_id)
                                .where(LegalHold.lifted_at.is_(None)).order_by(LegalHold.placed_at)).all()
    log = db.session.execute(sa.select(PurgeLogEntry).order_by(PurgeLogEntry.id.desc()).limit(LOG_ROWS)).scalars()
    return render_template("retention/index.html", plan=plan, periods=state().settings["retention"],
                           active=active, log=list(log), reasons=holds.reason_labels(), classes=CLASS_LABELS,
                           period_keys=PERIOD_KEYS)


@requires(Permission.PERSONAL_DATA_EXPORT)
def subject_access():
    """Form, then the ZIP of the personal data held about one person (R-GDPR-6); the export is audited."""
    if request.method == "GET":
        return render_template("retention/subject_access.html", weighing=access.weighing(), email="")
    email = request.form.get("email", "")
    try:
        content = access.export(email, current_identity())
    except MediationError as exc:
        db.session.rollback()
        return render_template("retention/subject_access.html", weighing=access.weighing(), email=email,
                               error=exc.message), exc.status
    db.session.commit()
    return send_file(BytesIO(content), mimetype="application/zip", as_attachment=True,
                     download_name=f"donnees-personnelles-{utcnow():%Y%m%d}.zip")
