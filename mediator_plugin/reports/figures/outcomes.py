"""Results: interruptions (item 4), outcomes and the amicable share (item 8), implementation (item 6),
read from one grouped pass over the admitted mediations that ended in the year (:func:`ended`); and the
parties' answers per department (R-STATS-4)."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import State
from mediator_plugin.proposals.models import Implementation, PartyAnswer, Proposal
from mediator_plugin.reports.figures.base import INTERRUPTED_STATES, Scope, ratio, rows, total

FAVOURS_CONSUMER = ("FULLY_FAVOURABLE_CONSUMER", "PARTLY_FAVOURABLE")
FAVOURS_PROFESSIONAL = ("UNFAVOURABLE_CONSUMER",)
IMPLEMENTATION_STATUSES = ("done", "partial", "not_done", "unknown")


def accepted_by_both():
    """Whether the consumer and the company both accepted the file's current signed proposal: two counts
    on the file's row, each a seek in the proposals' and answers' indexes. (A count of distinct parties
    makes SQLite sort for every row; EXISTS lets PostgreSQL hash every answer of every year.)"""
    def accepted(party: str):
        return sa.select(sa.func.count()).select_from(Proposal) \
            .join(PartyAnswer, PartyAnswer.proposal_id == Proposal.id) \
            .where(Proposal.case_id == Case.id, Proposal.superseded.is_(False), Proposal.signed_at.is_not(None),
                   PartyAnswer.party == party, PartyAnswer.answer == "accepted").scalar_subquery() > 0

    return sa.and_(accepted("consumer"), accepted("company"))


def latest_implementation():
    """The status of the file's latest implementation record, "unknown" without one."""
    latest = sa.select(Implementation.status).where(Implementation.case_id == Case.id) \
        .order_by(Implementation.id.desc()).limit(1).scalar_subquery()
    return sa.func.coalesce(latest, "unknown")


def ended(scope: Scope) -> list:
    """Admitted mediations closed or interrupted in the year, counted (``n``) by side of the split, state,
    outcome and ``implementation``: for a mediation closed with an outcome and resolved amicably (an
    agreement, or a proposal both parties accepted), the status of its latest implementation record;
    otherwise None. The subqueries run only on the rows closed with an outcome."""
    amicable = sa.and_(Case.state == State.CLOSED, Case.outcome.is_not(None),
                       sa.or_(Case.resolution_mode == "agreement", accepted_by_both()))
    # Grouping the subquery's columns lets PostgreSQL group by expressions that carry bound parameters.
    inner = sa.select(Case.cross_border, Case.state, Case.outcome,
                      sa.case((amicable, latest_implementation())).label("implementation")) \
        .where(scope.ended(Case.notified_at.is_not(None), Case.state.in_((State.CLOSED, *INTERRUPTED_STATES)))) \
        .subquery()
    keys = (inner.c.cross_border, inner.c.state, inner.c.outcome, inner.c.implementation)
    return rows(sa.select(*keys, sa.func.count().label("n")).group_by(*keys))


def _closed_with_outcome(g) -> bool:
    return g.state == State.CLOSED and g.outcome is not None


def interruptions(split: list, causes: list[dict]) -> dict:
    """Table A, item 4: interrupted / admitted mediations that ended in the year, and the causes."""
    by_cause = {c: total(split, lambda g, c=c: g.state == c) for c in INTERRUPTED_STATES}
    interrupted = sum(by_cause.values())
    return {
        "share": ratio(interrupted, total(split, _closed_with_outcome) + interrupted, "interrupted_share"),
        "by_cause": [{"code": c["code"], **ratio(by_cause.get(c["code"], 0), interrupted, "cause_share")}
                     for c in causes],
    }


def results(split: list, outcomes: list[dict]) -> dict:
    """Table A, item 8 (always on for a company-employed mediator, R-REPORT-2): the outcome split,
    the shares in favour of the consumer and of the professional, and the amicable share."""
    by_outcome: dict[str, int] = {}
    for g in split:
        if _closed_with_outcome(g):
            by_outcome[g.outcome] = by_outcome.get(g.outcome, 0) + g.n
    closed = sum(by_outcome.values())
    amicable = total(split, lambda g: g.implementation is not None)
    return {
        "closed": closed,
        "by_outcome": [{"code": o["code"], **ratio(by_outcome.get(o["code"], 0), closed, "outcome_share")}
                       for o in outcomes],
        "favours_consumer": ratio(sum(by_outcome.get(c, 0) for c in FAVOURS_CONSUMER), closed, "favours_consumer"),
        "favours_professional": ratio(sum(by_outcome.get(c, 0) for c in FAVOURS_PROFESSIONAL), closed,
                                      "favours_professional"),
        "amicable": ratio(amicable, closed, "amicable_share"),
    }


def implementation(split: list) -> dict:
    """Table A, item 6: of the files resolved amicably and closed in the year, the status of the latest
    implementation record; a file without one counts as unknown (the unknown share is shown)."""
    by_status = {s: total(split, lambda g, s=s: g.implementation == s) for s in IMPLEMENTATION_STATUSES}
    base = total(split, lambda g: g.implementation is not None)
    return {
        "implemented": ratio(by_status["done"], base, "implemented_share"),
        "unknown": ratio(by_status["unknown"], base, "implementation_unknown"),
        "by_status": [{"code": s, **ratio(by_status[s], base, "implementation_status")}
                      for s in IMPLEMENTATION_STATUSES],
    }


def answers_by_department(scope: Scope) -> dict:
    """R-STATS-4: each party's answers to the current proposal, for the files closed in the year after a
    proposal, per department and overall (one GROUP BY)."""
    grouped = rows(
        sa.select(Case.department, PartyAnswer.party, PartyAnswer.answer, sa.func.count())
        .select_from(Case).join(Proposal, Proposal.case_id == Case.id)
        .join(PartyAnswer, PartyAnswer.proposal_id == Proposal.id)
        .where(scope.closed_with_outcome(Case.resolution_mode == "proposal"), Proposal.superseded.is_(False),
               Proposal.signed_at.is_not(None))
        .group_by(Case.department, PartyAnswer.party, PartyAnswer.answer))
    tally: dict[str, dict[tuple[str, str], int]] = {}
    for department, party, answer, n in grouped:  # a few rows per department, not per file
        for key in (department or "", "*"):
            cell = tally.setdefault(key, {})
            cell[(party, answer)] = cell.get((party, answer), 0) + n

    def rates(cell: dict) -> dict:
        company = sum(n for (party, _), n in cell.items() if party == "company")
        consumer = sum(n for (party, _), n in cell.items() if party == "consumer")
        return {"company_followed": ratio(cell.get(("company", "accepted"), 0), company, "company_follow_rate"),
                "consumer_accepted": ratio(cell.get(("consumer", "accepted"), 0), consumer,
                                           "consumer_acceptance_rate")}

    overall = rates(tally.pop("*", {}))
    return {"overall": overall, "departments": {code: rates(cell) for code, cell in sorted(tally.items())}}

