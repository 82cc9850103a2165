"""What the annual report reads from a file, kept on the file's row whenever the file changes.

The report groups a year of files (issue 5: 200,000 files in at most twice the time of 20,000). Read from
the rows as they are, that costs a sort of every row on SQLite (the year is a date range, so no index gives
the groups in order) and, for every file closed with an outcome, three probes into the proposals, answers
and implementations. So each file carries a few derived columns, always recomputed by one SQL statement
(:func:`refresh`) from the file and its records:

- ``received_year`` and ``ended_year``: the Paris year of receipt and of the end of the procedure — the end
  of the mediation (its outcome, an interruption, a refusal: ``ended_at``, R612-5), not the day the team
  closed the file after the implementation follow-up — which an index can put first, before the codes a
  pass groups by;
- ``consumer_answer`` and ``company_answer``: each party's answer to the file's current signed proposal;
- ``amicable_implementation``: for a mediation that reached an outcome and was resolved amicably (an
  agreement, or a proposal both parties accepted), the status of its latest implementation record,
  ``unknown`` without one (Table A, item 6); NULL otherwise;
- ``duration_days``, ``duration_day`` and ``extended``: for an admitted file whose mediation ended, the days
  from the notice of seizure to its end (R-DEADLINE-5), the same rounded up to whole days (the limit and the
  bands are whole days), and whether the deadline was extended (R-DEADLINE-4).

:func:`listen` recomputes them after every flush that touched a file, a proposal, an answer, an
implementation record or an extension, whatever wrote it. A bulk INSERT or UPDATE passes by the flush: a
bulk writer that sets what these columns derive from calls :func:`refresh` (the seed, the migration; the
purge's UPDATEs only blank texts).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from mediator_plugin.cases.models import Case, Extension
from mediator_plugin.proposals.models import Implementation, PartyAnswer, Proposal

FACTS = ("received_year", "ended_year", "consumer_answer", "company_answer", "amicable_implementation",
         "duration_days", "duration_day", "extended")


def paris_year(column, dialect: str):
    """SQL: the Paris year of a UTC moment. Paris is on UTC+1 around every New Year (summer time runs from
    March to October), so it is the UTC year of the moment one hour later, on both backends."""
    if dialect == "postgresql":
        return sa.cast(sa.extract("year", column + sa.text("interval '1 hour'")), sa.SmallInteger)
    return sa.cast(sa.func.strftime("%Y", column, "+1 hour"), sa.Integer)


def days_between(start, end, dialect: str):
    """SQL: the days (fractional) from ``start`` to ``end``."""
    if dialect == "postgresql":
        return sa.extract("epoch", end - start) / 86400.0
    return sa.func.julianday(end) - sa.func.julianday(start)


def ceiling(expression, dialect: str):
    """SQL: the smallest whole number ≥ ``expression``. SQLite has ``ceil`` only when built with its math
    functions: the truncation, plus one when it is below."""
    if dialect == "postgresql":
        return sa.cast(sa.func.ceil(expression), sa.Integer)
    truncated = sa.cast(expression, sa.Integer)
    return truncated + sa.case((expression > truncated, 1), else_=0)


def _answer(party: str):
    """The party's answer to the file's current signed proposal, NULL without one."""
    return sa.select(PartyAnswer.answer).join(Proposal, Proposal.id == PartyAnswer.proposal_id) \
        .where(Proposal.case_id == Case.id, Proposal.superseded.is_(False), Proposal.signed_at.is_not(None),
               PartyAnswer.party == party).limit(1).scalar_subquery()


def _amicable_implementation():
    latest = sa.select(Implementation.status).where(Implementation.case_id == Case.id) \
        .order_by(Implementation.id.desc()).limit(1).scalar_subquery()
    amicable = sa.and_(Case.ended_at.is_not(None), Case.outcome.is_not(None),
                       sa.or_(Case.resolution_mode == "agreement",
                              sa.and_(_answer("consumer") == "accepted", _answer("company") == "accepted")))
    return sa.case((amicable, sa.func.coalesce(latest, "unknown")))


def refresh(connection: sa.Connection, where=None) -> None:
    """Recompute the derived columns of the files matching ``where`` (every file when None)."""
    dialect = connection.dialect.name
    admitted_and_ended = sa.and_(Case.ended_at.is_not(None), Case.notified_at.is_not(None))
    duration = days_between(Case.notified_at, Case.ended_at, dialect)
    statement = sa.update(Case.__table__).values(
        received_year=paris_year(Case.received_at, dialect),
        ended_year=sa.case((Case.ended_at.is_not(None), paris_year(Case.ended_at, dialect))),
        consumer_answer=_answer("consumer"),
        company_answer=_answer("company"),
        amicable_implementation=_amicable_implementation(),
        duration_days=sa.case((admitted_and_ended, duration)),
        duration_day=sa.case((admitted_and_ended, ceiling(duration, dialect))),
        extended=sa.exists().where(Extension.case_id == Case.id),
    )
    connection.execute(statement if where is None else statement.where(where))


def _touched_cases(session: Session) -> tuple[set[int], set[int]]:
    """Ids of the files, and of the proposals, that the flush wrote or deleted."""
    cases, proposals = set(), set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Case) and instance.id is not None:
            cases.add(instance.id)
        elif isinstance(instance, (Proposal, Implementation, Extension)) and instance.case_id is not None:
            cases.add(instance.case_id)
        elif isinstance(instance, PartyAnswer) and instance.proposal_id is not None:
            proposals.add(instance.proposal_id)
    return cases, proposals


def _after_flush(session: Session, _context) -> None:
    cases, proposals = _touched_cases(session)
    if proposals:
        cases |= set(session.connection().execute(
            sa.select(Proposal.case_id).where(Proposal.id.in_(proposals))).scalars())
    if cases:
        refresh(session.connection(), Case.id.in_(cases))
        session.info.setdefault("refreshed_facts", set()).update(cases)


def _after_flush_postexec(session: Session, _context) -> None:
    """Objects loaded in the session must not keep the values from before the statement."""
    for case_id in session.info.pop("refreshed_facts", ()):
        case = session.identity_map.get(session.identity_key(Case, case_id))
        if case is not None:
            session.expire(case, FACTS)


def listen(session_factory) -> None:
    """Keep the derived columns current on every flush of ``session_factory``'s sessions."""
    if not event.contains(session_factory, "after_flush", _after_flush):
        event.listen(session_factory, "after_flush", _after_flush)
        event.listen(session_factory, "after_flush_postexec", _after_flush_postexec)
