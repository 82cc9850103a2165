"""Drafting, signing and correcting the proposal; recording answers and implementation.

R-FLOW-3 (sections), R612-4 / R-INFO-1 (mentions, acceptance deadline), R-INFO-2 (answers and
no answer), R-FLOW-4 (a company refusal gives a category and its reasons), R-STATS-4 (implementation).
When both answers are in, the mediation has its outcome and ends that day (R612-5, R-PRESC-2): the
implementation follow-up comes after its end.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time

from mediator_plugin import state
from mediator_plugin.cases import deadlines, documents, timeline
from mediator_plugin.cases.closure import reach_outcome
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.notices import base_fields, postal_roles, send_letter
from mediator_plugin.cases.workflow import State, check, result_of_answers
from mediator_plugin.core.calendar import PARIS, paris_date
from mediator_plugin.core.charter import OUTCOMES
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import DeadlinePassed, InvalidTransition, MissingField, NotAllowed
from mediator_plugin.core.i18n import gettext as _
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import Identity
from mediator_plugin.proposals.models import SECTIONS, Implementation, PartyAnswer, Proposal
from mediator_plugin.proposals.queries import answers_of, current_proposal

ANSWERS = ("accepted", "refused", "no_answer")
CHANNELS = ("email", "post", "online", "phone")
IMPLEMENTATION_STATUSES = ("done", "partial", "not_done", "unknown")
# A company's refusal is relayed to the consumer: its reasons must say something ("Non." does not).
MIN_REASON_CHARACTERS, MIN_REASON_WORDS = 30, 5


def section_titles() -> dict[str, str]:
    """French headings of the proposal's sections, as printed in the letter."""
    return {
        "facts": _("The facts"),
        "consumer_position": _("The consumer's position"),
        "company_position": _("The company's position"),
        "contract_and_law": _("Contract and applicable law"),
        "equity": _("Equity considerations"),
        "solution": _("Proposed solution"),
    }


def save_proposal(case: Case, actor: Identity, **sections: str) -> Proposal:
    """Create or update the draft; a signed proposal is never edited (correct it instead)."""
    check("save_proposal", case.state, actor)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise MissingField(_("Unknown section."), field=sorted(unknown)[0])
    proposal = current_proposal(case)
    if proposal is not None and proposal.is_signed:
        raise InvalidTransition(_("The proposal is signed: it can only be corrected by a new version."))
    if proposal is None:
        proposal = Proposal(case_id=case.id, version=1, drafted_by=actor.name, drafted_at=utcnow())
        db.session.add(proposal)
    for name, text in sections.items():
        setattr(proposal, name, (text or "").strip())
    proposal.drafted_by, proposal.drafted_at = actor.name, utcnow()
    db.session.flush()
    timeline.log(case, actor, "proposal_saved", version=proposal.version)
    return proposal


def sign_proposal(case: Case, actor: Identity, *, outcome: str, acceptance_deadline: date | None = None,
                  late_reason: str | None = None) -> Proposal:
    """The mediator signs: the proposal is frozen and sent to both parties with its mentions."""
    check("sign_proposal", case.state, actor)
    proposal = current_proposal(case)
    if proposal is None or proposal.is_signed:
        raise InvalidTransition(_("There is no draft proposal to sign."))
    late = deadlines.require_in_time(case.outcome_due, _("ending the mediation (90 days)"), late_reason)
    _sign(case, proposal, actor, outcome=outcome, acceptance_deadline=acceptance_deadline)
    case.late_reason = late or case.late_reason
    return proposal


def correct_proposal(case: Case, actor: Identity, *, reason: str, outcome: str,
                     acceptance_deadline: date | None = None, late_reason: str | None = None,
                     **sections: str) -> Proposal:
    """A signed proposal stays as it was; the correction is a new signed version that names its reason.

    Its class of outcome is decided again (``outcome``), both parties receive it with a new answer deadline,
    and past the end of the mediation it needs the reason for the delay, as a first signature does. The
    answers already given stay with the version they answered, in the history; the new version is answered
    afresh."""
    check("correct_proposal", case.state, actor)
    if not reason.strip():
        raise MissingField(_("Give the reason for the correction."), field="reason")
    late = deadlines.require_in_time(case.outcome_due, _("ending the mediation (90 days)"), late_reason)
    previous = current_proposal(case)
    given = answers_of(previous)
    corrected = Proposal(case_id=case.id, version=previous.version + 1, drafted_by=actor.name, drafted_at=utcnow(),
                         supersedes_id=previous.id, correction_reason=reason.strip(),
                         **{name: (sections.get(name) or getattr(previous, name)).strip() for name in SECTIONS})
    previous.superseded = True
    db.session.add(corrected)
    db.session.flush()
    if given:
        timeline.log(case, actor, "answers_superseded", version=previous.version,
                     superseded_answers={party: [a.answer, a.answered_on.isoformat()] for party, a in given.items()})
    notice = state().charter.texts["correction"].format(
        previous_on=fr_date(paris_date(previous.signed_at)), correction_reason=reason.strip())
    _sign(case, corrected, actor, outcome=outcome, acceptance_deadline=acceptance_deadline,
          correction_notice=notice)
    case.late_reason = late or case.late_reason
    return corrected


def _sign(case: Case, proposal: Proposal, actor: Identity, *, outcome: str, acceptance_deadline: date | None,
          correction_notice: str = ""):
    empty = [name for name in SECTIONS if not getattr(proposal, name).strip()]
    if empty:
        raise MissingField(_("The section “%(section)s” is empty.", section=section_titles()[empty[0]]),
                           field=empty[0])
    if outcome not in OUTCOMES or outcome == "AMICABLE_AGREEMENT":
        raise MissingField(_("Say whether the solution favours the consumer."), field="outcome")
    today = deadlines.today()
    deadline = acceptance_deadline or deadlines.acceptance_deadline_from(today)
    if deadline <= today:
        raise MissingField(_("The acceptance deadline must be after today."), field="acceptance_deadline")
    fields = {**base_fields(case), "acceptance_deadline": fr_date(deadline), "correction_notice": correction_notice}
    charter = state().charter
    proposal.mentions = {name: charter.mentions[name].format(**fields)
                         for name in charter.letters["proposal"]["mentions"]}
    proposal.outcome, proposal.acceptance_deadline = outcome, deadline
    content = {name: getattr(proposal, name) for name in SECTIONS}
    content.update(outcome=outcome, acceptance_deadline=deadline.isoformat(), mentions=proposal.mentions,
                   version=proposal.version, reference=case.reference)
    proposal.content_sha256 = hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    titles = section_titles()
    letters = send_letter(case, "proposal", actor, fields=fields, signed_by=actor.name,
                          sections=[(titles[name], getattr(proposal, name)) for name in SECTIONS])
    # Signing comes last: from this flush on, the proposal is frozen.
    proposal.letter_document_id = letters[0].id
    proposal.signed_by, proposal.signed_at = actor.name, utcnow()
    case.state, case.resolution_mode = State.PROPOSAL_ISSUED, "proposal"
    timeline.log(case, actor, "proposal_signed", version=proposal.version, outcome=outcome,
                 acceptance_deadline=deadline, sha256=proposal.content_sha256,
                 correction_reason=proposal.correction_reason, to_post=postal_roles(case, "proposal") or None)


def record_answer(case: Case, actor: Identity, *, party: str, answer: str, answered_on: date, channel: str,
                  reason: str | None = None, reason_category: str | None = None) -> PartyAnswer:
    """One party's answer; when both are in, the mediation has its outcome and ends (R-STATS-4, R612-5).

    A company's refusal names a category of the charter and its reasons of substance, relayed to the consumer
    in the closure letter (R-FLOW-4). An answer is dated between the signature and today."""
    check("record_answer", case.state, actor)
    proposal = current_proposal(case)
    if party not in ("consumer", "company"):
        raise MissingField(_("Say which party answers."), field="party")
    if answer not in ANSWERS:
        raise MissingField(_("Choose the answer."), field="answer")
    if channel not in CHANNELS:
        raise MissingField(_("Choose how the answer came."), field="channel")
    if party in answers_of(proposal):
        raise InvalidTransition(_("This party's answer is already recorded."))
    today = deadlines.today()
    if answered_on > today:
        raise MissingField(_("The date of the answer cannot be in the future."), field="answered_on")
    if answered_on < paris_date(proposal.signed_at):
        raise MissingField(_("The answer cannot be dated before the proposal was signed, on %(signed)s.",
                             signed=fr_date(paris_date(proposal.signed_at))), field="answered_on")
    deadline = proposal.acceptance_deadline
    if answer == "no_answer" and today <= deadline:
        raise DeadlinePassed(_("The parties have until %(deadline)s to answer.", deadline=fr_date(deadline)))
    if answer != "no_answer" and answered_on > deadline:
        raise DeadlinePassed(_("The answer came after the deadline of %(deadline)s: record it as “no answer”.",
                               deadline=fr_date(deadline)))
    company_refusal = answer == "refused" and party == "company"
    if company_refusal:
        _check_company_reasons(reason_category, reason)
    recorded = PartyAnswer(proposal_id=proposal.id, party=party, answer=answer, answered_on=answered_on,
                           channel=channel, reason=(reason or "").strip() or None, recorded_by=actor.name,
                           reason_category=reason_category if company_refusal else None, recorded_at=utcnow())
    db.session.add(recorded)
    db.session.flush()
    timeline.log(case, actor, "answer", party=party, answer=answer, answered_on=answered_on, channel=channel,
                 reason_category=recorded.reason_category)
    answers = answers_of(proposal)
    if len(answers) < 2:
        case.state = State.AWAITING_RESPONSES
    else:
        final = result_of_answers({p: a.answer for p, a in answers.items()})
        reach_outcome(case, final, ended_at=max(_answer_moment(a, proposal) for a in answers.values()),
                      outcome=proposal.outcome)
    return recorded


def _check_company_reasons(category: str | None, reason: str | None) -> None:
    codes = {r["code"] for r in state().charter.rules["company_refusal_reasons"]}
    if category not in codes:
        raise MissingField(_("Choose the category of the company's reasons."), field="reason_category")
    text = (reason or "").strip()
    if len(text) < MIN_REASON_CHARACTERS or len(text.split()) < MIN_REASON_WORDS:
        raise MissingField(_("The company's refusal must give its reasons in a few sentences: they are relayed to "
                             "the consumer."), field="reason")


def _answer_moment(answer: PartyAnswer, proposal: Proposal) -> datetime:
    """When an answer reached the mediator: the moment it was recorded if that day, noon in Paris on an earlier
    day (a letter received that day), and for no answer the end of the deadline's last day."""
    if answer.answer == "no_answer":
        return deadlines.deadline_ends_at(proposal.acceptance_deadline)
    if answer.answered_on == paris_date(answer.recorded_at):
        return answer.recorded_at
    return datetime.combine(answer.answered_on, time(12), PARIS)


def record_implementation(case: Case, actor: Identity, *, status: str, done_on: date | None = None,
                          note: str = "", evidence: tuple[str, bytes] | None = None) -> Implementation:
    """What became of the accepted solution, with evidence; a correspondent records it for their department."""
    check("record_implementation", case.state, actor)
    if not actor.on_team and case.department not in actor.departments:
        raise NotAllowed(_("This file concerns another department."))
    if status not in IMPLEMENTATION_STATUSES:
        raise MissingField(_("Choose what became of the solution."), field="status")
    if status in ("done", "partial") and done_on is None:
        raise MissingField(_("Give the date it was carried out."), field="done_on")
    if done_on and done_on > paris_date(utcnow()):
        raise MissingField(_("The date cannot be in the future."), field="done_on")
    document = None
    if evidence is not None:
        # Sent by a correspondent, it is their department's own document (they see it in their space).
        document = documents.add_upload(case, filename=evidence[0], content=evidence[1], actor=actor.name,
                                        kind="evidence", department=None if actor.on_team else case.department)
    implementation = Implementation(case_id=case.id, status=status, done_on=done_on, note=note.strip(),
                                    evidence_document_id=document.id if document else None,
                                    recorded_by=actor.name, recorded_at=utcnow())
    db.session.add(implementation)
    case.state = State.IMPLEMENTATION_TRACKING
    timeline.log(case, actor, "implementation", status=status, done_on=done_on)
    return implementation
