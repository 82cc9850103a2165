"""The life of a case example: DRAFT → IN_REVIEW → APPROVED (→ WITHDRAWN) (R-CASE-1, R-GDPR-7).

A closed file gives a separate redacted copy; the author edits it, ticks the R-GDPR-7 checklist and
submits it once the residual-identifier check finds nothing; a second person reviews it; the mediator
approves it for the report. Each step checks role and state, writes the example's history and the
audit log (with the source file's id, so the file's access log shows what was done with its data),
or raises a clear error. None commits: the caller does, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import ENDED
from mediator_plugin.core import audit
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import Duplicate, InvalidTransition, MediationError, MissingField, NotAllowed
from mediator_plugin.core.permissions import Identity, Permission
from mediator_plugin.examples.models import CHECKLIST, FIELDS, CaseExample, ExampleEvent, ExampleState
from mediator_plugin.examples.queries import PublishedExample as PublishedExample  # the report's entry points
from mediator_plugin.examples.queries import published_examples as published_examples
from mediator_plugin.examples.redaction import Identifiers, Residual, find_residuals
from mediator_plugin.examples.source import first_draft, identifiers_of

EDITABLE = ("title", *FIELDS)


@dataclass(frozen=True)
class Finding:
    """A residual identifier and the field it was found in."""

    field: str
    residual: Residual


class ResidualsFound(MediationError):
    """The text still holds identifiers: it cannot go to review."""

    status = 422

    def __init__(self, message: str, findings: list[Finding]):
        super().__init__(message)
        self.findings = findings


def create_from_case(case: Case, actor: Identity) -> CaseExample:
    """A separate redacted copy of a closed file, pre-filled from its proposal; the file is only read."""
    _require(actor, Permission.CASE_WRITE)
    if case.state not in ENDED or case.outcome is None:
        raise InvalidTransition(_("Only a closed file with an outcome can become an example."))
    existing = db.session.execute(sa.select(CaseExample.id).where(
        CaseExample.source_case_id == case.id, CaseExample.state != ExampleState.WITHDRAWN)).scalar()
    if existing:
        raise Duplicate(_("This file already has an example (no. %(id)s).", id=existing))
    draft = first_draft(case, identifiers_of(case))
    example = CaseExample(source_case_id=case.id, state=ExampleState.DRAFT, year=paris_date(case.closed_at).year,
                          category=case.category, subcategory=case.subcategory, created_by=actor.sub,
                          checklist={}, **draft)
    db.session.add(example)
    db.session.flush()
    _log(example, actor, "created", fields=[name for name in EDITABLE if draft[name]])
    return example


def save_draft(example: CaseExample, actor: Identity, *, texts: Mapping[str, str], subcategory: str | None,
               checklist: Mapping[str, bool]) -> list[Finding]:
    """Save the text, the category and the ticks; saving is always allowed, the check's findings come back."""
    _require(actor, Permission.CASE_WRITE)
    _require_state(example, ExampleState.DRAFT)
    unknown = set(texts) - set(EDITABLE)
    if unknown:
        raise MissingField(_("Unknown field."), field=sorted(unknown)[0])
    changed = [name for name in EDITABLE if name in texts and texts[name].strip() != getattr(example, name)]
    for name in changed:
        setattr(example, name, texts[name].strip())
    if subcategory != example.subcategory:
        example.category = _parent(subcategory)
        example.subcategory = subcategory
        changed.append("category")
    ticks = {item: bool(checklist.get(item)) for item in CHECKLIST}
    if ticks != {item: bool(example.checklist.get(item)) for item in CHECKLIST}:
        example.checklist = ticks
        changed.append("checklist")
    findings = residuals(example)
    if changed:
        _log(example, actor, "saved", fields=changed, residuals=_kinds(findings))
    return findings


def submit(example: CaseExample, actor: Identity) -> None:
    """Send to a second reader: every field written, every box ticked, nothing left to identify anyone."""
    _require(actor, Permission.CASE_WRITE)
    _require_state(example, ExampleState.DRAFT)
    empty = [name for name in EDITABLE if not getattr(example, name).strip()]
    if empty:
        raise MissingField(_("The field “%(field)s” is empty.", field=field_labels()[empty[0]]), field=empty[0])
    unticked = [item for item in CHECKLIST if not example.checklist.get(item)]
    if unticked:
        raise MissingField(_("Tick every item of the checklist: “%(item)s” is not ticked.",
                             item=checklist_labels()[unticked[0]]), field=unticked[0])
    findings = residuals(example)
    if findings:
        listed = "; ".join(f"{f.residual.found} ({kind_labels()[f.residual.kind]})" for f in findings)
        raise ResidualsFound(_("The text still identifies someone: %(found)s.", found=listed), findings)
    example.state, example.author, example.submitted_at = ExampleState.IN_REVIEW, actor.sub, utcnow()
    _log(example, actor, "submitted")


def review(example: CaseExample, actor: Identity) -> None:
    """The second-person review (R-GDPR-7): anyone of the team but the author."""
    _require(actor, Permission.CASE_WRITE)
    _require_state(example, ExampleState.IN_REVIEW)
    _second_person(example, actor)
    if example.reviewed_by:
        raise InvalidTransition(_("This example has already been reviewed."))
    example.reviewed_by, example.reviewed_at = actor.sub, utcnow()
    _log(example, actor, "reviewed")


def return_to_draft(example: CaseExample, actor: Identity, *, comment: str) -> None:
    """Send back to the author with what to change; the checklist must be ticked again."""
    _require(actor, Permission.CASE_WRITE)
    _require_state(example, ExampleState.IN_REVIEW)
    if not comment.strip():
        raise MissingField(_("Say what needs changing."), field="comment")
    example.state, example.checklist = ExampleState.DRAFT, {}
    example.author = example.submitted_at = example.reviewed_by = example.reviewed_at = None
    _log(example, actor, "returned", comment=comment.strip())


def approve(example: CaseExample, actor: Identity) -> None:
    """The mediator's sign-off (R-CASE-1): after a second person's review, or as that second person."""
    _require(actor, Permission.EXAMPLE_APPROVE)
    _require_state(example, ExampleState.IN_REVIEW)
    if not example.reviewed_by:
        _second_person(example, actor)
        example.reviewed_by, example.reviewed_at = actor.sub, utcnow()
    findings = residuals(example)
    if findings:
        raise ResidualsFound(_("The text still identifies someone: send it back to its author."), findings)
    example.state, example.approved_by, example.approved_at = ExampleState.APPROVED, actor.sub, utcnow()
    _log(example, actor, "approved", reviewed_by=example.reviewed_by)


def withdraw(example: CaseExample, actor: Identity, *, reason: str) -> None:
    """Take an example out; one already approved for the report only on the mediator's decision."""
    _require(actor, Permission.EXAMPLE_APPROVE if example.state == ExampleState.APPROVED else Permission.CASE_WRITE)
    if example.state == ExampleState.WITHDRAWN:
        raise InvalidTransition(_("This example is already withdrawn."))
    if not reason.strip():
        raise MissingField(_("Give the reason for the withdrawal."), field="reason")
    example.state, example.withdrawn_reason = ExampleState.WITHDRAWN, reason.strip()
    _log(example, actor, "withdrawn", reason=reason.strip())


def residuals(example: CaseExample) -> list[Finding]:
    """What in the example still matches its source file's personal data or looks like an identifier."""
    source = db.session.get(Case, example.source_case_id) if example.source_case_id else None
    ids = identifiers_of(source) if source else Identifiers()
    return [Finding(name, residual) for name in EDITABLE for residual in find_residuals(getattr(example, name), ids)]


def _second_person(example: CaseExample, actor: Identity) -> None:
    if actor.sub == example.author:
        raise NotAllowed(_("The review must be done by someone other than the author."))


def _require(actor: Identity, permission: Permission) -> None:
    if not actor.can(permission):
        raise NotAllowed(_("Your role does not allow this action."))


def _require_state(example: CaseExample, wanted: ExampleState) -> None:
    if example.state != wanted:
        raise InvalidTransition(_("This action is not possible while the example is “%(state)s”.",
                                  state=state_labels()[ExampleState(example.state)]))


def _parent(subcategory: str | None) -> str | None:
    if subcategory is None:
        return None
    try:
        return state().charter.subcategory_parent(subcategory)
    except KeyError:
        raise MissingField(_("Unknown category."), field="subcategory") from None


def _kinds(findings: list[Finding]) -> dict[str, int]:
    """Counts by kind: the history and the audit log never copy the identifiers themselves."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.residual.kind] = counts.get(finding.residual.kind, 0) + 1
    return counts


def _log(example: CaseExample, actor: Identity, kind: str, **data) -> None:
    event = ExampleEvent(example_id=example.id, at=utcnow(), actor=actor.sub, actor_name=actor.name, kind=kind,
                         data=data)
    db.session.add(event)
    audit.record(f"example_{kind}", actor=actor.sub, roles=actor.roles, target=f"example:{example.id}",
                 case_id=example.source_case_id, detail={"state": example.state, **data})


def state_labels() -> dict[ExampleState, str]:
    return {ExampleState.DRAFT: _("Draft"), ExampleState.IN_REVIEW: _("In review"),
            ExampleState.APPROVED: _("Approved for the report"), ExampleState.WITHDRAWN: _("Withdrawn")}


def field_labels() -> dict[str, str]:
    return {"title": _("Title"), "context": _("Context"), "issue": _("Issue in dispute"),
            "positions": _("The parties' positions"), "applicable_rule": _("Applicable rule"),
            "equity": _("Equity considerations"), "outcome": _("Outcome"), "lesson": _("Lesson")}


def checklist_labels() -> dict[str, str]:
    """R-GDPR-7, as the author ticks it."""
    return {
        "no_direct_identifiers": _("No names, addresses, customer, contract or ticket numbers"),
        "no_exact_dates": _("No exact dates (month or year at most)"),
        "amounts_banded": _("Amounts rounded or put in bands"),
        "location_region": _("Location at region level at most"),
        "rare_attributes_removed": _("Rare attributes removed (unusual product, small town, distinctive event)"),
        "second_person_review": _("A second person will review the example before it is published"),
    }


def kind_labels() -> dict[str, str]:
    return {"name": _("name"), "email": _("e-mail"), "phone": _("phone"), "reference": _("file reference"),
            "ticket": _("ticket number"), "number": _("customer or contract number"), "address": _("address"),
            "place": _("postcode or town"), "exact_date": _("exact date"), "exact_amount": _("exact amount")}


def event_labels() -> dict[str, str]:
    """What each line of an example's history says."""
    return {"created": _("Redacted copy made from the file"), "saved": _("Draft saved"),
            "submitted": _("Submitted for review"), "reviewed": _("Reviewed by a second person"),
            "returned": _("Sent back to its author"), "approved": _("Approved for the annual report"),
            "withdrawn": _("Withdrawn")}
