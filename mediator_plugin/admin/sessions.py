"""The console's sessions for the IT administrator: who is signed in, with which roles, and ending a session or
every session of a person (audited with the reason given). Nothing of a file is shown."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext

from mediator_plugin import state
from mediator_plugin.core import forms, sessions
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import InvalidTransition, MediationError, MissingField
from mediator_plugin.core.permissions import Permission, Role, current_identity, requires
from mediator_plugin.core.sessions import ConsoleSession, EndReason

REASON_MAX_LENGTH = 500


def _role_labels() -> dict[str, str]:
    return {Role.MEDIATOR: pgettext("role", "Mediator"), Role.CASE_HANDLER: pgettext("role", "Case handler"),
            Role.CORRESPONDENT: pgettext("role", "Correspondent"), Role.EXECUTIVE: pgettext("role", "Executive"),
            Role.ADMIN: pgettext("role", "IT administrator")}


def _end_reason_labels() -> dict[str, str]:
    return {EndReason.SIGNED_OUT: _("signed out"), EndReason.IDLE: _("idle for too long"),
            EndReason.EXPIRED: _("lifetime reached"), EndReason.ADMIN: _("ended by an administrator"),
            EndReason.PROVIDER: _("signed out at the identity provider"),
            EndReason.REPLACED: _("replaced by a new sign-in")}


def _roles_text(row: ConsoleSession, labels: dict[str, str]) -> str:
    """The session's roles in words; a correspondent's departments by their labels."""
    departments = state().settings["departments"]
    words = []
    for role in sorted(row.roles, key=list(Role).index):
        label = labels[role]
        if role == Role.CORRESPONDENT and row.departments:
            label += " (" + ", ".join(departments.get(d, {}).get("label", d) for d in row.departments) + ")"
        words.append(label)
    return ", ".join(words) or _("no role")


def _page(error: MediationError | None = None):
    now = utcnow()
    active = sessions.active(now, timedelta(minutes=state().settings["session_idle_minutes"]))
    labels = _role_labels()
    people = sorted({(row.sub, row.name) for row in active}, key=lambda person: (person[1], person[0]))
    page = render_template("admin/sessions.html", active=[(row, _roles_text(row, labels)) for row in active],
                           people=people, ended=sessions.recently_ended(now), reasons=_end_reason_labels(),
                           error=error.message if error else None, reason_max=REASON_MAX_LENGTH)
    return page, error.status if error else 200


@requires(Permission.SESSION_MANAGE)
def index():
    """The sessions alive now, and those ended in the last day with why."""
    return _page()


def _reason() -> str:
    reason = forms.text("reason")
    if not reason:
        raise MissingField(_("Give the reason for ending the session: it goes to the audit log."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise MissingField(_("The reason is too long (%(num)s characters at most).", num=REASON_MAX_LENGTH),
                           field="reason")
    return reason


def _end(rows, reason: str) -> list[int]:
    identity = current_identity()
    return sessions.end_many(rows, EndReason.ADMIN, utcnow(), action="session_ended_by_admin", actor=identity.sub,
                             roles=identity.roles, detail={"reason": reason})


@requires(Permission.SESSION_MANAGE)
def end_one(session_id: int):
    """End one session: its cookie, and every copy of it, no longer opens the console."""
    row = db.session.get(ConsoleSession, session_id)
    if row is None:
        abort(404)
    try:
        if not _end([row], _reason()):
            raise InvalidTransition(_("This session had already ended."))
    except MediationError as exc:
        db.session.rollback()
        return _page(exc)
    db.session.commit()
    flash(_("The session of %(name)s is ended: it no longer opens the console.", name=row.name), "success")
    return redirect(url_for("mediator.admin.sessions"), code=303)


@requires(Permission.SESSION_MANAGE)
def end_person():
    """End every open session of one person (``sub``)."""
    sub = forms.text("sub")
    rows = sessions.open_rows(ConsoleSession.sub == sub)
    try:
        ended = _end(rows, _reason())
        if not ended:
            raise InvalidTransition(_("This person has no open session."))
    except MediationError as exc:
        db.session.rollback()
        return _page(exc)
    db.session.commit()
    flash(ngettext("%(num)s session of %(name)s ended.", "%(num)s sessions of %(name)s ended.", len(ended),
                   name=rows[0].name), "success")
    return redirect(url_for("mediator.admin.sessions"), code=303)
