"""Results: interruptions (item 4), outcomes and the amicable share (item 8), implementation (item 6) and
the parties' answers per department (R-STATS-4), read from one grouped pass over the admitted mediations
that ended in the year (:func:`ended`)."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.reports.figures.base import INTERRUPTED_STATES, Scope, ratio, rows, total

FAVOURS_CONSUMER = ("FULLY_FAVOURABLE_CONSUMER", "PARTLY_FAVOURABLE")
FAVOURS_PROFESSIONAL = ("UNFAVOURABLE_CONSUMER",)
IMPLEMENTATION_STATUSES = ("done", "partial", "not_done", "unknown")


# In the order of the index on the year of the end (migration 0008), so that SQLite reads the groups in order.
ENDED_KEYS = (Case.cross_border, Case.state, Case.outcome, Case.amicable_implementation.label("implementation"),
              Case.resolution_mode, Case.department, Case.consumer_answer, Case.company_answer)


def ended(scope: Scope) -> list:
    """Admitted mediations that ended in the year (an outcome or an interruption), counted (``n``) by
    :data:`ENDED_KEYS`: the side
    of the split, the state, the outcome, ``implementation`` (for a mediation resolved amicably, the status of
    its latest implementation record, see :mod:`mediator_plugin.reports.facts`; otherwise None), and for
    the parties' answers, the department and each party's answer to the current proposal."""
    return rows(sa.select(*ENDED_KEYS, sa.func.count().label("n"))
                .where(scope.ended(Case.notified_at.is_not(None),
                                   sa.or_(Case.outcome.is_not(None), Case.state.in_(INTERRUPTED_STATES))))
                .group_by(*ENDED_KEYS))


def _with_outcome(g) -> bool:
    return g.outcome is not None


def interruptions(split: list, causes: list[dict]) -> dict:
    """Table A, item 4: interrupted / admitted mediations that ended in the year, and the causes."""
    by_cause = {c: total(split, lambda g, c=c: g.state == c) for c in INTERRUPTED_STATES}
    interrupted = sum(by_cause.values())
    return {
        "share": ratio(interrupted, total(split, _with_outcome) + interrupted, "interrupted_share"),
        "by_cause": [{"code": c["code"], **ratio(by_cause.get(c["code"], 0), interrupted, "cause_share")}
                     for c in causes],
    }


def results(split: list, outcomes: list[dict]) -> dict:
    """Table A, item 8 (always on for a company-employed mediator, R-REPORT-2): the outcome split,
    the shares in favour of the consumer and of the professional, and the amicable share."""
    by_outcome: dict[str, int] = {}
    for g in split:
        if _with_outcome(g):
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


def answers_by_department(split: list) -> dict:
    """R-STATS-4: each party's answer to the current proposal, for the mediations closed in the year after a
    proposal, per department and overall (``split``: the groups of :func:`ended` of every file)."""
    tally: dict[str, dict[tuple[str, str], int]] = {}
    for g in split:  # a few groups per department, not per file
        if not (_with_outcome(g) and g.resolution_mode == "proposal"):
            continue
        for key in (g.department or "", "*"):
            cell = tally.setdefault(key, {})
            for party, answer in (("consumer", g.consumer_answer), ("company", g.company_answer)):
                if answer is not None:
                    cell[(party, answer)] = cell.get((party, answer), 0) + g.n

    def rates(cell: dict) -> dict:
        company = sum(n for (party, _), n in cell.items() if party == "company")
        consumer = sum(n for (party, _), n in cell.items() if party == "consumer")
        # A reasoned refusal and the company's silence are counted apart (R-FLOW-4, R-INFO-2).
        return {"company_followed": ratio(cell.get(("company", "accepted"), 0), company, "company_follow_rate"),
                "company_refused": ratio(cell.get(("company", "refused"), 0), company, "company_refusal_rate"),
                "company_silent": ratio(cell.get(("company", "no_answer"), 0), company, "company_silence_rate"),
                "consumer_accepted": ratio(cell.get(("consumer", "accepted"), 0), consumer,
                                           "consumer_acceptance_rate")}

    overall = rates(tally.pop("*", {}))
    return {"overall": overall, "departments": {code: rates(cell) for code, cell in sorted(tally.items())}}
