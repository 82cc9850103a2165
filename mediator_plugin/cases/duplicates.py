"""The duplicate check (R-ADM-6, L612-2 3°): other files of the same consumer, and a declared court case.

A consumer is recognised by any of what they give: the e-mail address (whatever its case), the name
without accents or case ("Hélène Dupont" is "helene dupont"), the customer or contract number without its
separators, or the helpdesk ticket the request is about. Each is compared through its own index, so the
check stays cheap however many files there are. It is a flag for the team: ground 3 is theirs to decide.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from mediator_plugin.cases.models import Case, Party, TicketCopy
from mediator_plugin.core.db import db
from mediator_plugin.core.text import match_key, number_key


@dataclass(frozen=True)
class PossibleDuplicate:
    """Another file of the same consumer, what matched, and whether a court case was declared on it."""

    reference: str
    court_case: bool
    matched_on: tuple[str, ...]


def _consumers(column, value) -> sa.Select:
    return sa.select(Party.case_id).where(Party.role == "consumer", column == value)


def possible_duplicates(*, email: str | None, name: str | None, customer_number: str | None = None,
                        ticket_ids: tuple[str, ...] = (),
                        exclude_case_id: int | None = None) -> list[PossibleDuplicate]:
    """The other files matching any of the consumer's details, oldest first."""
    probes = {
        "email": _consumers(sa.func.lower(Party.email), email.strip().lower()) if email else None,
        "name": _consumers(Party.name_key, match_key(name)) if match_key(name) else None,
        "customer_number": _consumers(Party.customer_number, number_key(customer_number))
        if number_key(customer_number) else None,
        "ticket": sa.select(TicketCopy.case_id).where(TicketCopy.ticket_id.in_(ticket_ids)) if ticket_ids else None,
    }
    matched: dict[int, list[str]] = {}
    for what, probe in probes.items():
        if probe is None:
            continue
        for case_id in db.session.execute(probe).scalars():
            if case_id != exclude_case_id:
                matched.setdefault(case_id, []).append(what)
    if not matched:
        return []
    rows = db.session.execute(sa.select(Case.id, Case.reference, Case.court_case_declared)
                              .where(Case.id.in_(matched)).order_by(Case.id)).all()
    return [PossibleDuplicate(reference, bool(court), tuple(matched[case_id])) for case_id, reference, court in rows]
