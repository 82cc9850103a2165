"""Results: interruptions (item 4), outcomes and the amicable share (item 8), implementation (item 6),
and the parties' answers per department (R-STATS-4)."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.proposals.models import Implementation, PartyAnswer, Proposal
from mediator_plugin.reports.figures.base import INTERRUPTED_STATES, Scope, ratio, rows, scalar

FAVOURS_CONSUMER = ("FULLY_FAVOURABLE_CONSUMER", "PARTLY_FAVOURABLE")
FAVOURS_PROFESSIONAL = ("UNFAVOURABLE_CONSUMER",)
IMPLEMENTATION_STATUSES = ("done", "partial", "not_done", "unknown")


def interruptions(scope: Scope, causes: list[dict]) -> dict:
    """Table A, item 4: interrupted / admitted mediations that ended in the year, and the causes."""
    ended = scalar(sa.select(sa.func.count()).select_from(Case).where(scope.admitted_ended()))
    by_cause = dict(rows(sa.select(Case.state, sa.func.count())
                         .where(scope.admitted_ended(Case.state.in_(INTERRUPTED_STATES))).group_by(Case.state)))
    interrupted = sum(by_cause.values())
    return {
        "share": ratio(interrupted, ended, "interrupted_share"),
        "by_cause": [{"code": c["code"], **ratio(by_cause.get(c["code"], 0), interrupted, "cause_share")}
                     for c in causes],
    }


def accepted_by_both():
    """Ids of the files whose current proposal both parties accepted."""
    return (sa.select(Proposal.case_id).join(PartyAnswer, PartyAnswer.proposal_id == Proposal.id)
            .where(Proposal.superseded.is_(False), Proposal.signed_at.is_not(None), PartyAnswer.answer == "accepted")
            .group_by(Proposal.case_id).having(sa.func.count(sa.distinct(PartyAnswer.party)) == 2))


def amicable_clause():
    """Resolved amicably: an agreement during the mediation, or a proposal both parties accepted."""
    return sa.or_(Case.resolution_mode == "agreement", Case.id.in_(accepted_by_both()))


def results(scope: Scope, outcomes: list[dict]) -> dict:
    """Table A, item 8 (always on for a company-employed mediator, R-REPORT-2): the outcome split,
    the shares in favour of the consumer and of the professional, and the amicable share."""
    by_outcome = dict(rows(sa.select(Case.outcome, sa.func.count()).where(scope.closed_with_outcome())
                           .group_by(Case.outcome)))
    closed = sum(by_outcome.values())
    amicable = scalar(sa.select(sa.func.count()).select_from(Case)
                      .where(scope.closed_with_outcome(amicable_clause())))
    return {
        "closed": closed,
        "by_outcome": [{"code": o["code"], **ratio(by_outcome.get(o["code"], 0), closed, "outcome_share")}
                       for o in outcomes],
        "favours_consumer": ratio(sum(by_outcome.get(c, 0) for c in FAVOURS_CONSUMER), closed, "favours_consumer"),
        "favours_professional": ratio(sum(by_outcome.get(c, 0) for c in FAVOURS_PROFESSIONAL), closed,
                                      "favours_professional"),
        "amicable": ratio(amicable, closed, "amicable_share"),
    }


def implementation(scope: Scope) -> dict:
    """Table A, item 6: of the files resolved amicably and closed in the year, the status of the latest
    implementation record; a file without one counts as unknown (the unknown share is shown)."""
    latest = (sa.select(Implementation.case_id, sa.func.max(Implementation.id).label("id"))
              .group_by(Implementation.case_id).subquery())
    status = sa.func.coalesce(Implementation.status, "unknown")
    by_status = dict(rows(
        sa.select(status, sa.func.count())
        .select_from(Case).outerjoin(latest, latest.c.case_id == Case.id)
        .outerjoin(Implementation, Implementation.id == latest.c.id)
        .where(scope.closed_with_outcome(amicable_clause())).group_by(status)))
    base = sum(by_status.values())
    return {
        "implemented": ratio(by_status.get("done", 0), base, "implemented_share"),
        "unknown": ratio(by_status.get("unknown", 0), base, "implementation_unknown"),
        "by_status": [{"code": s, **ratio(by_status.get(s, 0), base, "implementation_status")}
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
