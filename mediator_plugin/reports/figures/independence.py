"""Independence made visible: accesses to files by people outside the mediator's team, and reminders
sent to the company's departments (R-IND-1, R-FLOW-2)."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.models import Case, ObservationRequest
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.permissions import TEAM_ROLES
from mediator_plugin.reports.figures.base import Scope, count, ratio, rows

# Actors of the machinery itself (seed, command line), not people.
MACHINE_ACTORS = ("cli",)


def _outside_team():
    """Audit rows whose actor held no role of the mediator's team (roles are stored comma-joined)."""
    padded = sa.literal(",") + AuditEntry.roles + sa.literal(",")
    return sa.and_(*[padded.not_like(f"%,{role.value},%") for role in TEAM_ROLES],
                   AuditEntry.actor.not_in(MACHINE_ACTORS))


def accesses(scope: Scope) -> dict:
    """Every audited action on a file in the year (reads and writes) by someone outside the team, by role."""
    start, end = scope.bounds
    grouped = rows(sa.select(AuditEntry.roles, sa.func.count())
                   .where(AuditEntry.at >= start, AuditEntry.at < end, AuditEntry.case_id.is_not(None),
                          _outside_team()).group_by(AuditEntry.roles))
    files = rows(sa.select(sa.func.count(sa.distinct(AuditEntry.case_id)))
                 .where(AuditEntry.at >= start, AuditEntry.at < end, AuditEntry.case_id.is_not(None),
                        _outside_team()))[0][0]
    by_role: dict[str, int] = {}
    for roles, n in grouped:
        key = roles or "none"
        by_role[key] = by_role.get(key, 0) + n
    return {"total": count(sum(by_role.values()), "outside_accesses"), "files": count(files, "outside_files"),
            "by_role": [{"code": k, **count(n, "outside_accesses")} for k, n in sorted(by_role.items())]}


def reminders(scope: Scope) -> dict:
    """Requests for observations sent in the year: reminders per file, overall and per department."""
    start, end = scope.bounds
    # The few files of other party types are left out, rather than each request joined to its file.
    statutory = sa.and_(ObservationRequest.sent_at >= start, ObservationRequest.sent_at < end,
                        ObservationRequest.case_id.not_in(
                            sa.select(Case.id).where(Case.party_type.not_in(scope.statutory))))
    files, sent = (sa.func.count(sa.distinct(ObservationRequest.case_id)),
                   sa.func.coalesce(sa.func.sum(ObservationRequest.reminders_sent), 0))
    grouped = rows(sa.select(ObservationRequest.department, files, sent).where(statutory)
                   .group_by(ObservationRequest.department))
    overall = rows(sa.select(files, sent).where(statutory))[0]
    return {"overall": _per_file(*overall),
            "departments": {department: _per_file(files, sent) for department, files, sent in grouped}}


def _per_file(files: int, sent: int) -> dict:
    return {**ratio(int(sent), int(files), "reminders_per_file"), "files": int(files)}
