"""Writing a file's history: the timeline line the team reads and the audit entry, together.

The audit log is append-only and outlives the file's retention period, so its entry keeps only the codes,
dates and hashes of the line (:data:`AUDIT_KEYS`) and names the other fields it left out: what was
written — a note, a name, a question — stays on the timeline, which the purge anonymises (R-GDPR-3).
"""

from __future__ import annotations

from mediator_plugin.cases.models import Case, TimelineEvent
from mediator_plugin.core import audit
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.permissions import Identity

# Values that are codes, dates, numbers or hashes: the audit entry copies them; any other field is only named.
AUDIT_KEYS = frozenset({
    "acceptance_deadline", "alert_day", "answer", "answered_on", "certified_written_complaint", "changes",
    "channel", "charter_version", "complete_on", "cost_bearer", "court_cases", "department", "document_id",
    "document_ids", "done_on", "due_on", "ended_on", "expected_on", "fields", "final_state", "first_complaint_on",
    "ground", "has_conflict", "hold", "late", "letter", "lifted_withholding", "matched_on", "messages", "new_due",
    "number", "objection_until", "outcome", "outcome_due", "party", "party_type", "previous", "previous_due",
    "previous_sha256", "reason", "reason_category", "received_on", "recipient", "references", "rejection_due",
    "representative_kind", "requested_by", "requested_on", "sha256", "size", "source", "status", "sub_reason",
    "superseded_answers", "to_post", "vendor", "version",
})


def audit_detail(data: dict) -> dict:
    """The audit entry's copy of a timeline line: :data:`AUDIT_KEYS` kept, other fields named in ``withheld``."""
    detail = {key: value for key, value in data.items() if key in AUDIT_KEYS}
    withheld = sorted(key for key in data if key not in AUDIT_KEYS)
    return {**detail, "withheld": withheld} if withheld else detail


def log(case: Case, actor: Identity, kind: str, **data) -> TimelineEvent:
    """Record ``kind`` on the file's timeline and in the audit log, in the current transaction."""
    event = TimelineEvent(case_id=case.id, at=utcnow(), actor=actor.name, kind=kind, data=_jsonable(data))
    db.session.add(event)
    audit.record(kind, actor=actor.sub, roles=actor.roles, target=case.reference, case_id=case.id,
                 detail=audit_detail(event.data))
    return event


def _jsonable(data: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items() if v is not None}
