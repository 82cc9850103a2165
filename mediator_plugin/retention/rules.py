"""Which data is due for purge (R-GDPR-3), per data class and phase, computed in SQL from the phase dates.

A class is a kind of data and the phase it is in: an ended file in its intermediate archive, a refused
request, the documents of an ended file, a helpdesk request never taken up, a request filed with the mediator
directly (online, or by post, e-mail, phone or at the desk, registered by the team) never opened.
Each has its period in months (settings ``[retention]``); the cut-off moment is computed once, then each
class is one SQL query comparing the phase date with it. A file under a legal hold (R-GDPR-4) is never due,
whatever its class; a file or request already purged is never due again (the purge is idempotent).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mediator_plugin.cases.models import Case, Document
from mediator_plugin.cases.workflow import ENDED, State
from mediator_plugin.core.db import db
from mediator_plugin.intake.models import FILED_SOURCES, IntakeItem
from mediator_plugin.retention.models import LegalHold, PurgeAction, PurgeLogEntry

# The data classes, in the order a purge applies them (a file anonymised whole needs no attachment pass).
CASE_ARCHIVE = "case_archive"
INADMISSIBLE_REQUEST = "inadmissible_request"
ATTACHMENTS = "attachments"
INTAKE_NOT_TAKEN_UP = "intake_not_taken_up"
ONLINE_FILING_NOT_OPENED = "online_filing_not_opened"
CLASSES = (CASE_ARCHIVE, INADMISSIBLE_REQUEST, ATTACHMENTS, INTAKE_NOT_TAKEN_UP, ONLINE_FILING_NOT_OPENED)
# What the parties sent; letters are the mediator's own output and stay with the file until it is anonymised.
ATTACHMENT_KINDS = ("upload", "evidence", "observations")
# Ended files other than refusals: closed with an outcome, or interrupted.
ARCHIVED_STATES = tuple(sorted(ENDED - {State.INADMISSIBLE}))
# An intake request whose personal data was removed; the sync never refreshes it (it only refreshes "pending").
PURGED_INTAKE_STATE = "purged"


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment ``months`` calendar months earlier (the 31st becomes the month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class Plan:
    """The ids due in each class at ``now``, and how many files a hold kept out."""

    now: datetime
    due: Mapping[str, tuple[int, ...]]
    held: int

    def counts(self) -> dict[str, int]:
        return {data_class: len(self.due[data_class]) for data_class in CLASSES}


def _not_held():
    return ~sa.exists().where(LegalHold.case_id == Case.id, LegalHold.lifted_at.is_(None))


def _case_not_anonymised():
    return ~sa.exists().where(PurgeLogEntry.case_id == Case.id,
                              PurgeLogEntry.action == PurgeAction.CASE_ANONYMISED)


def _ended_files(states, cutoff: datetime):
    return sa.and_(Case.state.in_(states), Case.closed_at.is_not(None), Case.closed_at < cutoff,
                   _case_not_anonymised())


def _ids(query) -> tuple[int, ...]:
    return tuple(db.session.execute(query).scalars())


def _predicates(settings: Mapping, now: datetime) -> dict:
    """Per class: the id column of what it purges and the SQL condition of being due at ``now``."""
    months = settings["retention"]
    cutoff = {key: months_before(now, value) for key, value in months.items()}
    archive = _ended_files(ARCHIVED_STATES, cutoff["case_archive_months"])
    refused = _ended_files((State.INADMISSIBLE,), cutoff["inadmissible_request_months"])
    attachments = sa.and_(
        _ended_files(tuple(ENDED), cutoff["attachments_months"]), ~archive, ~refused,
        sa.exists().where(Document.case_id == Case.id, Document.kind.in_(ATTACHMENT_KINDS)))
    not_taken_up = sa.and_(IntakeItem.case_id.is_(None), IntakeItem.state != PURGED_INTAKE_STATE)
    return {
        CASE_ARCHIVE: (Case.id, sa.and_(archive, _not_held())),
        INADMISSIBLE_REQUEST: (Case.id, sa.and_(refused, _not_held())),
        ATTACHMENTS: (Case.id, sa.and_(attachments, _not_held())),
        INTAKE_NOT_TAKEN_UP: (IntakeItem.id, sa.and_(
            not_taken_up, IntakeItem.source.not_in(FILED_SOURCES),
            IntakeItem.last_seen_at < cutoff["intake_not_taken_up_months"])),
        ONLINE_FILING_NOT_OPENED: (IntakeItem.id, sa.and_(
            not_taken_up, IntakeItem.source.in_(FILED_SOURCES),
            IntakeItem.asked_at < cutoff["online_filing_not_opened_months"])),
        "_held": sa.and_(sa.or_(archive, refused, attachments), ~_not_held()),
    }


def plan(settings: Mapping, now: datetime) -> Plan:
    """What a purge at ``now`` would do, per class; reads only."""
    predicates = _predicates(settings, now)
    due = {data_class: _ids(sa.select(column).where(where).order_by(column))
           for data_class, (column, where) in ((c, predicates[c]) for c in CLASSES)}
    held = db.session.execute(sa.select(sa.func.count()).select_from(Case).where(predicates["_held"])).scalar()
    return Plan(now=now, due=due, held=int(held))


def still_due(settings: Mapping, now: datetime, data_class: str, ids) -> list[int]:
    """Those of ``ids`` still due: checked again on the locked rows just before they are purged, since a
    hold may have been placed, a request opened or another host's purge done since the plan."""
    column, where = _predicates(settings, now)[data_class]
    return list(db.session.execute(sa.select(column).where(where, column.in_(list(ids))).order_by(column)).scalars())
