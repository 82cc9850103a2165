"""What the API tells about a file or a recommendation, as plain dicts the schemas dump.

A file's status only: states, dates, deadlines, requests and the proposal's progress. Never a
party's details, the conversation, a question, an answer's text or the proposal's text.
"""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin import state
from mediator_plugin.cases.models import Case, ObservationRequest
from mediator_plugin.cases.presenters import answer_label, department_label
from mediator_plugin.cases.schedule import file_deadlines
from mediator_plugin.cases.workflow import state_label
from mediator_plugin.core.db import db
from mediator_plugin.proposals.models import Proposal
from mediator_plugin.proposals.queries import answers_of, current_proposal
from mediator_plugin.recommendations.models import Recommendation
from mediator_plugin.recommendations.presenters import withheld

# The columns the file list reads (cases.queries.list_files pages and filters them).
FILE_COLUMNS = (Case.reference, Case.state, Case.category, Case.department, Case.received_at, Case.rejection_due,
                Case.outcome_due, Case.closed_at, Case.outcome)


def _coded(code: str | None, label) -> dict | None:
    return None if code is None else {"code": code, "label": label(code)}


def _charter_label(kind: str):
    def label(code: str) -> str:
        try:
            return state().charter.label(kind, code)
        except KeyError:  # a code the current charter no longer lists: its code is its best label
            return code
    return label


def file_status(row) -> dict:
    """The status of a file from a row of :data:`FILE_COLUMNS` or a :class:`Case`."""
    return {
        "reference": row.reference, "state": _coded(row.state, state_label),
        "category": _coded(row.category, _charter_label("category")),
        "department": _coded(row.department, department_label),
        "received_at": row.received_at, "rejection_due": row.rejection_due, "outcome_due": row.outcome_due,
        "closed_at": row.closed_at, "outcome": _coded(row.outcome, _charter_label("outcome")),
    }


def file_detail(case: Case) -> dict:
    """The status, the deadlines with their legal basis, the open requests and the proposal's progress."""
    proposal = current_proposal(case)
    open_requests = db.session.execute(
        sa.select(ObservationRequest).where(ObservationRequest.case_id == case.id,
                                            ObservationRequest.answered_at.is_(None))
        .order_by(ObservationRequest.id)).scalars().all()
    applying = file_deadlines(case, acceptance_deadline=proposal.acceptance_deadline if proposal else None,
                              open_requests=open_requests, department_label=department_label)
    return {
        **file_status(case),
        "deadlines": [{"label": d.label, "due": d.due, "basis": d.basis, "status": d.status} for d in applying],
        "open_observation_requests": [
            {"department": _coded(r.department, department_label), "sent_at": r.sent_at, "due_on": r.due_on,
             "reminders_sent": r.reminders_sent, "escalated_at": r.escalated_at} for r in open_requests],
        "proposal": _proposal(proposal) if proposal else None,
    }


def _proposal(proposal: Proposal) -> dict:
    answers = answers_of(proposal)
    return {
        "version": proposal.version, "drafted_at": proposal.drafted_at, "signed": proposal.is_signed,
        "signed_at": proposal.signed_at, "acceptance_deadline": proposal.acceptance_deadline,
        "answers": [{"party": party, "answer": _coded(answers[party].answer, answer_label),
                     "answered_on": answers[party].answered_on} for party in ("consumer", "company")
                    if party in answers],
    }


def recommendation_summary(recommendation: Recommendation, version: int) -> dict:
    """A line of the register."""
    names = ("id", "reference", "year", "title", "addressee", "status", "company_response", "issued_on", "due_on",
             "last_review_on")
    return {**{name: getattr(recommendation, name) for name in names}, "version": version}


def recommendation_detail(recommendation: Recommendation, *, reveal_files: bool) -> dict:
    """A recommendation, its follow-up and its history; the finding's file references (and any in the history)
    only for the mediator's team (``reveal_files``), as the console shows them."""
    names = ("text", "category_codes", "owner", "response_text", "action_plan", "evidence", "public_explanation")

    def shown(value):
        return withheld(value, reveal_files=reveal_files) if isinstance(value, str) else value

    history = [{"at": e.at, "actor": e.actor, "status_from": e.status_from, "status_to": e.status_to,
                "changes": {name: [shown(v) for v in change] if isinstance(change, list) else shown(change)
                            for name, change in (e.changes or {}).items()},
                "note": shown(e.note)} for e in recommendation.history]
    return {**recommendation_summary(recommendation, len(history)),
            "finding": shown(recommendation.finding), **{name: getattr(recommendation, name) for name in names},
            "history": history}
