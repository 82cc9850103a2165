"""Legal holds (R-GDPR-4): a file in litigation or under a CECMC control is kept whole until the hold is lifted.

Who may do what (interfaces.md roles, README "Retention and exports"): the mediator and the case handlers
place a hold — keeping data is the safe direction, and the notice of a claim or of a control often reaches
the team's mailbox first; only the mediator lifts one, since lifting lets the purge destroy the file.
Placing and lifting are written on the file's history and in the audit log, with the reason code, not the note.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import gettext as _

from mediator_plugin.cases import timeline
from mediator_plugin.cases.models import Case
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import InvalidTransition, MissingField, NotAllowed
from mediator_plugin.core.i18n import N_, translated
from mediator_plugin.core.permissions import Identity, Permission
from mediator_plugin.retention.models import HoldReason, LegalHold

NOTE_MAX_CHARS = 2000
# English msgids, translated where they are shown (reason_labels).
REASON_LABELS = {HoldReason.LITIGATION: N_("Litigation (a claim or a court case)"),
                 HoldReason.CECMC_CONTROL: N_("CECMC control")}


def reason_labels() -> Mapping[str, str]:
    """Each reason for a hold with its label in the current language."""
    return translated(REASON_LABELS)


def active_holds(case_id: int) -> list[LegalHold]:
    """The holds of the file not lifted yet, oldest first."""
    return list(db.session.execute(sa.select(LegalHold).where(LegalHold.case_id == case_id,
                                                              LegalHold.lifted_at.is_(None))
                                   .order_by(LegalHold.id)).scalars())


def history(case_id: int) -> list[LegalHold]:
    """Every hold of the file, newest first."""
    return list(db.session.execute(sa.select(LegalHold).where(LegalHold.case_id == case_id)
                                   .order_by(LegalHold.id.desc())).scalars())


def _lock(case: Case) -> None:
    # The purge locks the same row before checking for holds: a hold placed now is seen, or waits for it.
    db.session.execute(sa.select(Case.id).where(Case.id == case.id).with_for_update())


def place(case: Case, actor: Identity, *, reason: str, note: str) -> LegalHold:
    """Suspend the purge of ``case``; the caller commits."""
    if not actor.can(Permission.LEGAL_HOLD_PLACE):
        raise NotAllowed(_("Only the mediator's team may place a legal hold."))
    if reason not in set(HoldReason):
        raise MissingField(_("Choose the reason of the hold."), field="reason")
    note = note.strip()
    if not note:
        raise MissingField(_("Say what the hold is for (the claim, the control, its reference)."), field="note")
    if len(note) > NOTE_MAX_CHARS:
        raise MissingField(_("A note holds at most %(num)s characters.", num=NOTE_MAX_CHARS), field="note")
    _lock(case)
    hold = LegalHold(case_id=case.id, reason=reason, note=note, placed_by=actor.name, placed_at=utcnow())
    db.session.add(hold)
    db.session.flush()
    timeline.log(case, actor, "legal_hold_placed", hold=hold.id, reason=reason)
    return hold


def lift(case: Case, actor: Identity, *, hold_id: int, note: str) -> LegalHold:
    """End a hold; the file's retention applies again from the next purge. The caller commits."""
    if not actor.can(Permission.LEGAL_HOLD_LIFT):
        raise NotAllowed(_("Only the mediator may lift a legal hold."))
    _lock(case)
    hold = db.session.get(LegalHold, hold_id)
    if hold is None or hold.case_id != case.id:
        raise MissingField(_("This hold does not exist on this file."), field="hold")
    if hold.lifted_at is not None:
        raise InvalidTransition(_("This hold was already lifted."))
    note = note.strip()
    if not note:
        raise MissingField(_("Say why the hold ends (judgment, end of the control…)."), field="lift_note")
    hold.lifted_by, hold.lifted_at, hold.lift_note = actor.name, utcnow(), note[:NOTE_MAX_CHARS]
    timeline.log(case, actor, "legal_hold_lifted", hold=hold.id, reason=hold.reason)
    return hold
