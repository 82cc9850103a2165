"""Issuing and following up the mediator's general recommendations (R-RECO-1), every change kept.

Only the mediator manages the register; each change records who, when, the fields changed and the
status before and after, which is what the annual report's follow-up table reads (R-RECO-2). The register is
read by the executives and published: its texts may name no one and no file (R-RECO-3, issue 15) — the
case examples' residual check refuses an e-mail, a phone, an address, a customer number or a titled name in
them, and a file reference anywhere but in the finding.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.core import audit
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import MissingField, NotAllowed
from mediator_plugin.core.permissions import Identity, Permission
from mediator_plugin.examples.redaction import Identifiers, find_residuals
from mediator_plugin.recommendations.models import COMPANY_RESPONSES, STATUSES, Recommendation, RecommendationEvent

EDITABLE = ("title", "finding", "text", "category_codes", "addressee", "owner", "company_response", "response_text",
            "action_plan", "due_on", "status", "evidence", "public_explanation", "last_review_on")


# The texts the executives or the public read; the owner is a company role, named in the comex edition only.
READ_OUTSIDE = ("title", "finding", "text", "response_text", "action_plan", "evidence", "public_explanation")
# A recommendation may cite a date or an amount ("since 1 January", "fees of 20 €"): they identify no one. Its
# finding may cite the files it rests on: the team follows them, every other reader gets a neutral mark
# (recommendations.presenters.withheld: console, API, annual report).
_ALLOWED_KINDS = ("exact_date", "exact_amount")


def _check_identifiers(fields: dict) -> None:
    """:class:`MissingField` on the first text of ``fields`` holding what identifies a person or a file."""
    for name, value in fields.items():
        if name not in (*READ_OUTSIDE, "note") or not isinstance(value, str):
            continue
        allowed = (*_ALLOWED_KINDS, "reference") if name == "finding" else _ALLOWED_KINDS
        found = [r.found for r in find_residuals(value, Identifiers()) if r.kind not in allowed]
        if found:
            raise MissingField(_("This text holds what may identify a person or a file: %(found)s. Take it out: "
                                 "the register is read by the executives and published.",
                                 found=", ".join(found)), field="note" if name == "note" else name)


def _require_manager(actor: Identity) -> None:
    if not actor.can(Permission.RECOMMENDATION_MANAGE):
        raise NotAllowed(_("Only the mediator manages the register of recommendations."))


def issue(actor: Identity, *, title: str, finding: str, text: str, addressee: str, issued_on: date,
          category_codes=(), owner: str = "", due_on: date | None = None) -> Recommendation:
    """A new recommendation ``YYYY-NN`` in status ISSUED."""
    _require_manager(actor)
    for name, value in (("title", title), ("finding", finding), ("text", text)):
        if not value.strip():
            raise MissingField(_("This field is required."), field=name)
    _check_identifiers({"title": title, "finding": finding, "text": text})
    if addressee not in state().settings["departments"]:
        raise MissingField(_("Unknown department."), field="addressee")
    known = {c["code"] for c in state().charter.categories_flat()}
    if set(category_codes) - known:
        raise MissingField(_("Unknown category."), field="category_codes")
    year = issued_on.year
    number = db.session.execute(sa.select(sa.func.count()).select_from(Recommendation)
                                .where(Recommendation.year == year)).scalar() + 1
    recommendation = Recommendation(
        reference=f"{year}-{number:02d}", year=year, title=title.strip(), finding=finding.strip(),
        text=text.strip(), category_codes=list(category_codes), addressee=addressee, owner=owner.strip(),
        issued_on=issued_on, due_on=due_on, status="ISSUED")
    db.session.add(recommendation)
    db.session.flush()
    _record(recommendation, actor, None, {"created": recommendation.reference})
    return recommendation


def update(recommendation: Recommendation, actor: Identity, *, note: str = "", **changes) -> RecommendationEvent:
    """Change fields (status, company response, action plan…); the history keeps before and after."""
    _require_manager(actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise MissingField(_("Unknown field."), field=sorted(unknown)[0])
    if "status" in changes and changes["status"] not in STATUSES:
        raise MissingField(_("Unknown status."), field="status")
    if changes.get("company_response") not in (None, *COMPANY_RESPONSES):
        raise MissingField(_("Unknown company response."), field="company_response")
    if changes.get("company_response") == "declined" and not (changes.get("response_text")
                                                              or recommendation.response_text):
        raise MissingField(_("A declined recommendation needs the company's reasons."), field="response_text")
    _check_identifiers({**changes, "note": note})
    previous_status = recommendation.status
    diff = {}
    for name, value in changes.items():
        before = getattr(recommendation, name)
        if before != value:
            diff[name] = [before.isoformat() if isinstance(before, date) else before,
                          value.isoformat() if isinstance(value, date) else value]
            setattr(recommendation, name, value)
    return _record(recommendation, actor, previous_status, diff, note)


def follow_up(recommendation: Recommendation, actor: Identity, *, status: str, explanation: str, reviewed_on: date,
              **changes) -> RecommendationEvent:
    """Record a follow-up of ``recommendation`` (a review, a status change, the company's answer…).

    The explanation is mandatory: it is the "why" the history and the annual report's follow-up table
    show next to the change (R-RECO-2). ``reviewed_on`` becomes the last review date.
    """
    _require_manager(actor)
    if not explanation.strip():
        raise MissingField(_("Explain this follow-up: the history keeps why the status changed."), field="note")
    return update(recommendation, actor, note=explanation, status=status, last_review_on=reviewed_on, **changes)


def _record(recommendation, actor, previous_status, changes, note="") -> RecommendationEvent:
    event = RecommendationEvent(recommendation_id=recommendation.id, at=utcnow(), actor=actor.name,
                                status_from=previous_status, status_to=recommendation.status, changes=changes,
                                note=note.strip())
    db.session.add(event)
    audit.record("recommendation", actor=actor.sub, roles=actor.roles, target=recommendation.reference,
                 detail=changes)
    return event
