"""What the closure letter says of how the mediation ended (R-PRESC-2, R-FLOW-4, R-INFO-2).

The letter states the outcome as it happened — a proposal accepted, refused by one party or left without an
answer, an agreement with its terms, an interruption with its cause — each party's answer with its date,
the reasons the company gave for a refusal, and the day the mediation ended: prescription runs again from
that day. A mediator who is not listed by the CECMC names the listed consumer mediator after a mediation that
ended without an accepted solution or an agreement (R-SCOPE-4). The sentences are the charter's
(``[texts.closure]`` of ``charter/letters.toml``).
"""

from __future__ import annotations

from mediator_plugin import state
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import INTERRUPTED, State, result_of_answers
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.pdf import fr_date
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
