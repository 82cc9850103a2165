"""Writing a file's history: the timeline line the team reads and the audit entry, together."""

from __future__ import annotations

from mediator_plugin.cases.models import Case, TimelineEvent
from mediator_plugin.core import audit
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.permissions import Identity


def log(case: Case, actor: Identity, kind: str, **data) -> TimelineEvent:
    """Record ``kind`` on the file's timeline and in the audit log, in the current transaction."""
    event = TimelineEvent(case_id=case.id, at=utcnow(), actor=actor.name, kind=kind, data=_jsonable(data))
    db.session.add(event)
    audit.record(kind, actor=actor.sub, roles=actor.roles, target=case.reference, case_id=case.id, detail=event.data)
    return event


def _jsonable(data: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items() if v is not None}
