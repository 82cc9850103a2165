"""Where a filed request stands, told to the consumer who holds its reference and its code.

A wrong pair, whatever is wrong in it, gives the same answer in about the same time (no oracle): the
code is hashed and compared in constant time even when the reference is unknown. The status is told in
plain words with the next date that matters — never the file's content, never a staff member's name.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import AWAITING_ANSWERS, INSTRUCTING, INTERRUPTED, OUTCOME_REACHED, State
from mediator_plugin.core import audit
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.intake.models import OnlineFiling
from mediator_plugin.public.filing import decision_promise, hash_code

REFERENCE = re.compile(r"^MED-\d{4}-\d{5}$")
_NO_SUCH_HASH = "0" * 64  # compared against when the reference is unknown, so both paths cost the same


@dataclass(frozen=True)
class PublicStatus:
    """What the tracking page says: a short headline and one or two plain sentences."""

    reference: str
    headline: str
    detail: str
    filed_on: date


def find_filing(reference: str, code: str) -> OnlineFiling | None:
    """The filing when ``reference`` and ``code`` belong together, else None (whatever was wrong)."""
    reference = reference.strip().upper()
    filing = None
    if REFERENCE.match(reference):
        filing = db.session.execute(
            sa.select(OnlineFiling).where(OnlineFiling.reference == reference)).scalar_one_or_none()
    matches = hmac.compare_digest(filing.code_sha256 if filing else _NO_SUCH_HASH, hash_code(code))
    return filing if filing is not None and matches else None


def consult(filing: OnlineFiling) -> PublicStatus:
    """The status of ``filing`` for its consumer; the consultation is audited."""
    case = db.session.get(Case, filing.intake_item.case_id) if filing.intake_item.case_id else None
    audit.record("public_tracking", actor="public", target=filing.reference, case_id=case.id if case else None)
    headline, detail = _words(case)
    return PublicStatus(reference=filing.reference, headline=headline, detail=detail,
                        filed_on=paris_date(filing.filed_at))


def _day(value: date | None) -> str:
    return fr_date(value) if value else _("a date we will tell you")


def _words(case: Case | None) -> tuple[str, str]:
    if case is None or case.state == State.RECEIVED:
        return (_("Received — waiting for the mediator's team"),
                _("Your request has arrived safely. The team will look at it shortly and check that your file is "
                  "complete. %(promise)s", promise=decision_promise()))
    if case.state == State.INCOMPLETE:
        return (_("Received — a document is missing"),
                _("The team has written to you to ask for a document it needs. As soon as it arrives, your "
                  "request will be examined."))
    if case.state == State.ADMISSIBILITY_REVIEW:
        return (_("Being examined"),
                _("The team is checking whether the mediator can examine your dispute. You will have the answer "
                  "by %(due)s at the latest.", due=_day(case.rejection_due)))
    if case.state in INSTRUCTING:
        return (_("Mediation in progress"),
                _("The mediator is examining your dispute and hears both sides. The mediation will end by "
                  "%(due)s at the latest, unless it is extended for a complex dispute, in which case you will be "
                  "told.", due=_day(case.outcome_due)))
    if case.state in AWAITING_ANSWERS:
        from mediator_plugin.proposals.queries import current_proposal

        proposal = current_proposal(case)
        return (_("A solution has been proposed to you"),
                _("The mediator has sent you her proposal. You are free to accept or refuse it: please answer by "
                  "%(due)s.", due=_day(proposal.acceptance_deadline if proposal else None)))
    if case.state in OUTCOME_REACHED:
        return (_("The mediation has ended"),
                _("The mediation ended on %(on)s. The mediator is following what was agreed and will then close "
                  "your file; you will receive a letter when she does.",
                  on=fr_date(paris_date(case.ended_at)) if case.ended_at else ""))
    return _ended(case)


def _ended(case: Case) -> tuple[str, str]:
    charter = state().charter
    on = fr_date(paris_date(case.ended_at or case.closed_at)) if (case.ended_at or case.closed_at) else ""
    if case.state == State.INADMISSIBLE:
        return (_("Ended — the mediator cannot examine this request"),
                _("Reason: %(ground)s. The letter sent to you on %(on)s explains what you can do next.",
                  ground=charter.label("ground", case.inadmissibility_ground), on=on))
    if case.state in INTERRUPTED:
        return (_("Ended"), _("The mediation ended on %(on)s: %(cause)s.", on=on,
                              cause=charter.label("interruption", case.state)))
    outcome = charter.label("outcome", case.outcome) if case.outcome else ""
    return (_("Ended"), _("The mediation ended on %(on)s. Outcome: %(outcome)s. You remain free to go to court.",
                          on=on, outcome=outcome))
