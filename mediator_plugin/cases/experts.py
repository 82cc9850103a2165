"""Expert opinions on a file, and who bears their cost (R-PROC-2).

R612-1: the mediation is open to an expert opinion asked for by either party, at that party's cost, the
cost shared when both ask for it. The company may choose to bear it, and an opinion the mediator asks for
is never at the consumer's cost (mediation is free for the consumer, L612-1). Each request is listed on the
file page, with its dates, and written on the file's history; the proposal editor shows them too.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from mediator_plugin.cases import deadlines, documents, timeline
from mediator_plugin.cases.models import Case, ExpertRequest
from mediator_plugin.cases.workflow import check
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import InvalidTransition, MissingField
from mediator_plugin.core.permissions import Identity

REQUESTERS = ("consumer", "company", "both", "mediator")
COST_BEARERS = ("requesting_party", "shared", "company")
# Who may bear the cost of an opinion, by who asked for it.
ALLOWED_COSTS = {"consumer": ("requesting_party", "company"), "company": ("requesting_party", "company"),
                 "both": ("shared", "company"), "mediator": ("company",)}
EXPERT_MAX_CHARS = 300


def request_expert(case: Case, actor: Identity, *, requested_by: str, expert: str, cost_bearer: str,
                   requested_on: date | None = None, expected_on: date | None = None,
                   note: str = "") -> ExpertRequest:
    """Record that an expert opinion was asked for: by whom, from whom (a name or a field), at whose cost."""
    check("request_expert", case.state, actor)
    if requested_by not in REQUESTERS:
        raise MissingField(_("Say who asks for the expert opinion."), field="requested_by")
    expert = expert.strip()
    if not expert:
        raise MissingField(_("Name the expert, or the field of expertise."), field="expert")
    if len(expert) > EXPERT_MAX_CHARS:
        raise MissingField(_("At most %(num)s characters.", num=EXPERT_MAX_CHARS), field="expert")
    if cost_bearer not in COST_BEARERS:
        raise MissingField(_("Say who bears the cost of the expert opinion."), field="cost_bearer")
    if cost_bearer not in ALLOWED_COSTS[requested_by]:
        raise MissingField(_cost_rule(requested_by), field="cost_bearer")
    today = deadlines.today()
    requested_on = requested_on or today
    if requested_on > today:
        raise MissingField(_("The date cannot be in the future."), field="requested_on")
    if expected_on is not None and expected_on < requested_on:
        raise MissingField(_("The opinion cannot be expected before it was asked for."), field="expected_on")
    request = ExpertRequest(case_id=case.id, requested_by=requested_by, expert=expert, cost_bearer=cost_bearer,
                            requested_on=requested_on, expected_on=expected_on, note=note.strip(),
                            recorded_by=actor.name, recorded_at=utcnow())
    db.session.add(request)
    db.session.flush()
    timeline.log(case, actor, "expert_requested", requested_by=requested_by, expert=expert, cost_bearer=cost_bearer,
                 requested_on=requested_on, expected_on=expected_on)
    return request


def record_opinion(case: Case, actor: Identity, *, expert_request_id: int, received_on: date,
                   report: tuple[str, bytes] | None = None) -> ExpertRequest:
    """The expert's opinion arrived on ``received_on``; ``report`` (filename, content) is stored on the file."""
    check("record_expert_opinion", case.state, actor)
    request = db.session.get(ExpertRequest, expert_request_id)
    if request is None or request.case_id != case.id:
        raise MissingField(_("Unknown expert request."), field="expert_request_id")
    if request.received_on is not None:
        raise InvalidTransition(_("This expert opinion has already been recorded."))
    if received_on > deadlines.today() or received_on < request.requested_on:
        raise MissingField(_("The opinion arrives between the day it was asked for and today."), field="received_on")
    request.received_on = received_on
    timeline.log(case, actor, "expert_opinion_received", expert=request.expert, received_on=received_on)
    if report is not None:
        document = documents.add_upload(case, filename=report[0], content=report[1], actor=actor.name)
        timeline.log(case, actor, "document_added", filename=document.filename, sha256=document.sha256)
    return request


def _cost_rule(requested_by: str) -> str:
    return {
        "consumer": _("An opinion the consumer asks for is at the consumer's cost, unless the company chooses to "
                      "bear it; only a joint request shares the cost."),
        "company": _("An opinion the company asks for is at the company's cost."),
        "both": _("An opinion both parties ask for is at their shared cost, unless the company chooses to bear it."),
        "mediator": _("An opinion the mediator asks for is never at the consumer's cost: the company bears it."),
    }[requested_by]
