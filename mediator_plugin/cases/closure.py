"""The end of a mediation (R612-5, R-FLOW-1, R-FLOW-5): its outcome, an interruption, the closing of the file.

The mediation ends at its outcome, recorded once (``reach_outcome``), or when it is interrupted; the file
closes later, after any implementation follow-up. The closure letter says how it ended (R-PRESC-2, R-FLOW-4,
R-INFO-2).

The letter states the outcome as it happened — a proposal accepted, refused by one party or left without an
answer, an agreement with its terms, an interruption with its cause — each party's answer with its date,
the reasons the company gave for a refusal, and the day the mediation ended: prescription runs again from
that day. A mediator who is not listed by the CECMC names the listed consumer mediator after a mediation that
ended without an accepted solution or an agreement (R-SCOPE-4). The sentences are the charter's
(``[texts.closure]`` of ``charter/letters.toml``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from connectors.base import MediationLabel
from mediator_plugin import state
from mediator_plugin.cases import deadlines, timeline
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.notices import send_letter
from mediator_plugin.cases.services import queue_helpdesk_label
from mediator_plugin.cases.workflow import INTERRUPTED, OUTCOME_REACHED, State, check, result_of_answers
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import InvalidTransition, MissingField
from mediator_plugin.core.i18n import gettext as _
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import Identity
from mediator_plugin.proposals.queries import answers_of, current_proposal

# The state a proposal's answers led to, before the file was closed: which sentence tells it.
_BY_RESULT = {State.ACCEPTED: "accepted", State.REFUSED_BY_COMPANY: "refused_by_company",
              State.REFUSED_BY_CONSUMER: "refused_by_consumer", State.NO_RESPONSE: "no_response"}


def closure_fields(case: Case) -> dict[str, str]:
    """The closure letter's fields for ``case``, whose mediation has ended (``ended_at`` is set)."""
    texts, charter = state().charter.texts["closure"], state().charter
    company = charter.mediator["company_name"]
    fields = {"ended_on": fr_date(paris_date(case.ended_at)), "closure_answers": "", "closure_reasons": "",
              "agreement_terms": case.agreement_text or "", "closure_recourse": ""}
    if case.state in INTERRUPTED:
        fields["closure_summary"] = texts["interrupted"].format(cause=charter.label("interruption", case.state))
        # A dispute before a court can go to no mediator (L612-2 3°): no recourse to point to then.
        fields["closure_recourse"] = "" if case.state == State.COURT_SEIZED else listed_mediator_recourse()
        return fields
    if case.resolution_mode == "agreement":
        fields["closure_summary"] = texts["agreement"].format(ended_on=fields["ended_on"],
                                                              agreement_terms=case.agreement_text or "")
        return fields
    proposal = current_proposal(case)
    answers = answers_of(proposal)
    result = _result_of(answers)
    if result != "accepted":
        fields["closure_recourse"] = listed_mediator_recourse()
    fields["closure_summary"] = texts[result].format(
        proposal_on=fr_date(paris_date(proposal.signed_at)), company_name=company,
        acceptance_deadline=fr_date(proposal.acceptance_deadline))
    fields["closure_answers"] = texts["answers"].format(
        consumer_answer=_answer_words(answers.get("consumer")), company_answer=_answer_words(answers.get("company")),
        company_name=company)
    refusal = answers.get("company")
    if refusal is not None and refusal.answer == "refused":
        category = charter.label("company_refusal", refusal.reason_category) if refusal.reason_category else ""
        fields["closure_reasons"] = texts["company_reasons"].format(
            company_name=company, reason_category=category, reason=refusal.reason or "")
    return fields


def listed_mediator_recourse() -> str:
    """The sentence naming the listed consumer mediator, for a mediator who is not listed (R-SCOPE-4); empty for a
    listed one, whose letter then leaves the paragraph out."""
    charter = state().charter
    listing = charter.governance["listing"]
    if listing["listed"]:
        return ""
    identity = ", ".join(listing[key] for key in ("listed_mediator_name", "listed_mediator_address",
                                                  "listed_mediator_website"))
    return charter.texts["closure"]["listed_mediator"].format(listed_mediator=identity)


def _result_of(answers: dict) -> str:
    return _BY_RESULT[result_of_answers({party: a.answer for party, a in answers.items()})]


def _answer_words(answer) -> str:
    texts = state().charter.texts["closure"]
    if answer is None or answer.answer == "no_answer":
        return texts["no_answer"]
    key = "accepted_on" if answer.answer == "accepted" else "refused_on"
    return texts[key].format(day=fr_date(answer.answered_on))


def reach_outcome(case: Case, final: State, *, ended_at: datetime, outcome: str) -> None:
    """The mediation has its outcome (both answers, the answer deadline passed, an agreement): the day it ended
    is recorded once (R612-5, R-PRESC-2, R-DEADLINE-5) and every duration runs to it."""
    case.state, case.outcome, case.ended_at = final, outcome, ended_at


def interrupt(case: Case, actor: Identity, *, cause: str, note: str = "") -> None:
    """End the mediation before an outcome (R-FLOW-1); a court action stops the clocks (R-FLOW-5)."""
    check("interrupt", case.state, actor)
    if cause not in INTERRUPTED or cause == State.COI_OBJECTION:
        raise MissingField(_("Choose a cause of interruption."), field="cause")
    if cause in (State.COMPANY_DECLINED, State.COMPANY_NO_REPLY) and case.notified_at is None:
        raise MissingField(_("The company can only decline once the file has been admitted."), field="cause")
    if cause == State.COMPANY_NO_REPLY and not _company_late(case):
        raise MissingField(_("No request to the company is past its deadline without an answer: its silence "
                             "cannot end the mediation yet."), field="cause")
    if cause == State.COURT_SEIZED:
        case.court_case_declared = True  # R-ADM-6: flagged on any later request of the same consumer
    end_mediation(case, actor, State(cause), note=note)


def _company_late(case: Case) -> bool:
    from mediator_plugin.cases.models import ObservationRequest

    return db.session.execute(sa.select(sa.exists().where(
        ObservationRequest.case_id == case.id, ObservationRequest.answered_at.is_(None),
        ObservationRequest.due_on < deadlines.today()))).scalar()


def close(case: Case, actor: Identity, *, note: str = "") -> None:
    """Close a file whose outcome is known, after any implementation follow-up: the closure letter states the
    outcome, each party's answer, the company's reasons and the day the mediation ended (R-PRESC-2)."""
    check("close", case.state, actor)
    if case.state not in OUTCOME_REACHED or case.ended_at is None:
        raise InvalidTransition(_("The mediation has no outcome yet."))
    case.closed_at = utcnow()
    case.state = State.CLOSED
    timeline.log(case, actor, "ended", final_state=State.CLOSED.value, note=note.strip() or None)
    send_letter(case, "closure", actor, fields=closure_fields(case))
    queue_helpdesk_label(case, MediationLabel.ENDED)


def end_mediation(case: Case, actor: Identity, final: State, *, note: str) -> None:
    """End the mediation early (an interruption, an objection): it ends now, and the file closes with it."""
    now = utcnow()
    case.ended_at = case.closed_at = now
    recipients = ["consumer", "company"] if case.notified_at else ["consumer"]
    case.state = final
    timeline.log(case, actor, "ended", final_state=final.value, note=note.strip() or None)
    send_letter(case, "closure", actor, recipients=recipients, fields=closure_fields(case))
    queue_helpdesk_label(case, MediationLabel.ENDED)
