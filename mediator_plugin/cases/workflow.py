"""The state machine of a mediation file (R-FLOW-1): states, and who may move a file where.

This table is the one place to read the process. Services call :func:`check` before any change.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from mediator_plugin.core.errors import InvalidTransition, NotAllowed
from mediator_plugin.core.i18n import N_, catalog, translated
from mediator_plugin.core.i18n import gettext as _
from mediator_plugin.core.permissions import Identity, Permission


class State(enum.StrEnum):
    RECEIVED = "RECEIVED"
    INCOMPLETE = "INCOMPLETE"
    ADMISSIBILITY_REVIEW = "ADMISSIBILITY_REVIEW"
    INADMISSIBLE = "INADMISSIBLE"
    ADMITTED = "ADMITTED"
    INSTRUCTION = "INSTRUCTION"
    AWAITING_COMPANY = "AWAITING_COMPANY"
    AWAITING_CONSUMER = "AWAITING_CONSUMER"
    AGREEMENT = "AGREEMENT"
    PROPOSAL_ISSUED = "PROPOSAL_ISSUED"
    AWAITING_RESPONSES = "AWAITING_RESPONSES"
    ACCEPTED = "ACCEPTED"
    REFUSED_BY_CONSUMER = "REFUSED_BY_CONSUMER"
    REFUSED_BY_COMPANY = "REFUSED_BY_COMPANY"
    NO_RESPONSE = "NO_RESPONSE"
    IMPLEMENTATION_TRACKING = "IMPLEMENTATION_TRACKING"
    CLOSED = "CLOSED"
    WITHDRAWN_BY_CONSUMER = "WITHDRAWN_BY_CONSUMER"
    COMPANY_DECLINED = "COMPANY_DECLINED"
    COMPANY_NO_REPLY = "COMPANY_NO_REPLY"
    COURT_SEIZED = "COURT_SEIZED"
    COI_OBJECTION = "COI_OBJECTION"
    UNREACHABLE = "UNREACHABLE"


BEFORE_ADMISSION = frozenset({State.RECEIVED, State.INCOMPLETE, State.ADMISSIBILITY_REVIEW})
INSTRUCTING = frozenset({State.ADMITTED, State.INSTRUCTION, State.AWAITING_COMPANY, State.AWAITING_CONSUMER})
AWAITING_ANSWERS = frozenset({State.PROPOSAL_ISSUED, State.AWAITING_RESPONSES})
# The 90-day clock runs from the notification until an outcome is reached (R-DEADLINE-3).
CLOCK_RUNNING = INSTRUCTING | AWAITING_ANSWERS
INTERRUPTED = frozenset({State.WITHDRAWN_BY_CONSUMER, State.COMPANY_DECLINED, State.COMPANY_NO_REPLY,
                         State.COURT_SEIZED, State.COI_OBJECTION, State.UNREACHABLE})
OUTCOME_REACHED = frozenset({State.AGREEMENT, State.ACCEPTED, State.REFUSED_BY_CONSUMER,
                             State.REFUSED_BY_COMPANY, State.NO_RESPONSE, State.IMPLEMENTATION_TRACKING})
ENDED = frozenset({State.INADMISSIBLE, State.CLOSED}) | INTERRUPTED
OPEN = frozenset(State) - ENDED


@dataclass(frozen=True)
class Transition:
    """An action on a file: the states it starts from and the permission it needs."""

    sources: frozenset[State]
    permission: Permission


TRANSITIONS: dict[str, Transition] = {
    "request_documents": Transition(frozenset({State.RECEIVED, State.INCOMPLETE}), Permission.CASE_WRITE),
    "mark_complete": Transition(frozenset({State.RECEIVED, State.INCOMPLETE}), Permission.CASE_WRITE),
    "declare_inadmissible": Transition(BEFORE_ADMISSION, Permission.CASE_ADMISSIBILITY),
    "declare_admissible": Transition(frozenset({State.ADMISSIBILITY_REVIEW}), Permission.CASE_ADMISSIBILITY),
    "declare_interests": Transition(BEFORE_ADMISSION | CLOCK_RUNNING, Permission.CASE_WRITE),
    "record_objection": Transition(CLOCK_RUNNING | BEFORE_ADMISSION, Permission.CASE_WRITE),
    "request_observations": Transition(INSTRUCTING, Permission.CASE_WRITE),
    "answer_observations": Transition(INSTRUCTING | AWAITING_ANSWERS, Permission.CORRESPONDENT_SPACE),
    "record_observations": Transition(INSTRUCTING | AWAITING_ANSWERS, Permission.CASE_WRITE),
    "request_consumer_info": Transition(INSTRUCTING, Permission.CASE_WRITE),
    "record_consumer_info": Transition(frozenset({State.AWAITING_CONSUMER}), Permission.CASE_WRITE),
    "extend_deadline": Transition(CLOCK_RUNNING, Permission.CASE_WRITE),
    "record_agreement": Transition(INSTRUCTING, Permission.CASE_WRITE),
    "save_proposal": Transition(INSTRUCTING, Permission.CASE_WRITE),
    "sign_proposal": Transition(INSTRUCTING, Permission.PROPOSAL_SIGN),
    "correct_proposal": Transition(AWAITING_ANSWERS, Permission.PROPOSAL_SIGN),
    "record_answer": Transition(AWAITING_ANSWERS, Permission.CASE_WRITE),
    "record_implementation": Transition(frozenset({State.AGREEMENT, State.ACCEPTED, State.IMPLEMENTATION_TRACKING}),
                                        Permission.IMPLEMENTATION_RECORD),
    "close": Transition(OUTCOME_REACHED, Permission.CASE_CLOSE),
    "interrupt": Transition(BEFORE_ADMISSION | CLOCK_RUNNING, Permission.CASE_WRITE),
    # Keeping an open file up to date: documents, classification, parties' details.
    "edit_file": Transition(OPEN, Permission.CASE_WRITE),
    # The team's notebook stays open after the end: follow-ups of an implementation, a late call.
    "add_note": Transition(frozenset(State), Permission.CASE_WRITE),
    # A party may ask for the file at any time, after the end too (R612-3, R-PROC-3); what is not shared says why
    # (R-CHARTER-2), and what is not needed may be blacked out as long as the file is kept (R-GDPR-2).
    "share_documents": Transition(frozenset(State), Permission.CASE_WRITE),
    "withhold_document": Transition(frozenset(State), Permission.CASE_WRITE),
    "redact_document": Transition(frozenset(State), Permission.CASE_WRITE),
    # Expert opinions while the file is examined (R-PROC-2); one asked for may arrive until the outcome.
    "request_expert": Transition(INSTRUCTING, Permission.CASE_WRITE),
    "record_expert_opinion": Transition(CLOCK_RUNNING, Permission.CASE_WRITE),
}


def result_of_answers(given: Mapping[str, str]) -> State:
    """Where both parties' answers to a proposal lead (R-STATS-4): a refusal by the company first, then by the
    consumer, then a missing answer (its own result, R-INFO-2); both accepted otherwise."""
    if given["company"] == "refused":
        return State.REFUSED_BY_COMPANY
    if given["consumer"] == "refused":
        return State.REFUSED_BY_CONSUMER
    if "no_answer" in given.values():
        return State.NO_RESPONSE
    return State.ACCEPTED


def allowed_actions(state: str, identity: Identity) -> list[str]:
    """The actions the identity may take on a file in ``state`` (what the file page offers)."""
    return [name for name, t in TRANSITIONS.items() if State(state) in t.sources and identity.can(t.permission)]


def check(action: str, state: str, identity: Identity) -> None:
    """Raise :class:`NotAllowed` or :class:`InvalidTransition` unless ``action`` is allowed now."""
    transition = TRANSITIONS[action]
    if not identity.can(transition.permission):
        raise NotAllowed(_("Your role does not allow this action."))
    if State(state) not in transition.sources:
        raise InvalidTransition(_("This action is not possible while the file is in the state \"%(state)s\".",
                                  state=state_label(state)))


def state_label(state: str) -> str:
    """French label of a state, for messages and pages."""
    return catalog().ugettext(_STATE_LABELS[State(state)])


def STATE_LABELS() -> Mapping[State, str]:
    """Every state with its label in the current language."""
    return translated(_STATE_LABELS)


# English msgids, marked for extraction (N_) and translated when asked for.
_STATE_LABELS = {
    State.RECEIVED: N_("Received"),
    State.INCOMPLETE: N_("Incomplete"),
    State.ADMISSIBILITY_REVIEW: N_("Admissibility review"),
    State.INADMISSIBLE: N_("Inadmissible"),
    State.ADMITTED: N_("Admitted"),
    State.INSTRUCTION: N_("Under examination"),
    State.AWAITING_COMPANY: N_("Awaiting the company"),
    State.AWAITING_CONSUMER: N_("Awaiting the consumer"),
    State.AGREEMENT: N_("Amicable agreement"),
    State.PROPOSAL_ISSUED: N_("Proposal issued"),
    State.AWAITING_RESPONSES: N_("Awaiting answers"),
    State.ACCEPTED: N_("Proposal accepted"),
    State.REFUSED_BY_CONSUMER: N_("Refused by the consumer"),
    State.REFUSED_BY_COMPANY: N_("Refused by the company"),
    State.NO_RESPONSE: N_("No answer"),
    State.IMPLEMENTATION_TRACKING: N_("Implementation follow-up"),
    State.CLOSED: N_("Closed"),
    State.WITHDRAWN_BY_CONSUMER: N_("Withdrawn by the consumer"),
    State.COMPANY_DECLINED: N_("Declined by the company"),
    State.COMPANY_NO_REPLY: N_("No reply from the company"),
    State.COURT_SEIZED: N_("Court seized"),
    State.COI_OBJECTION: N_("Ended by an objection (conflict of interest)"),
    State.UNREACHABLE: N_("Consumer unreachable"),
}
