"""What a request shows of the grounds of L612-2, for the team that decides (R-ADM-1 to R-ADM-4).

The product never refuses a request by itself: these are hints shown on the intake card and the file page,
and the ground a refusal form offers first. The decision, and its letter, stay the team's (R-ADM-2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mediator_plugin.cases import deadlines
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.i18n import gettext as _
from mediator_plugin.core.pdf import fr_date

NO_COMPLAINT, OVER_ONE_YEAR, OUT_OF_SCOPE = "NO_PRIOR_WRITTEN_COMPLAINT", "OVER_ONE_YEAR", "OUT_OF_SCOPE"
ELSEWHERE = "ALREADY_EXAMINED_OR_PENDING_ELSEWHERE"


@dataclass(frozen=True)
class GroundHint:
    """A ground of L612-2 the request seems to meet, and why, in a sentence for the team."""

    ground: str
    reason: str


def ground_hints(*, received_on: date, first_complaint: date | None, last_complaint: date | None,
                 certified_complaint: bool | None, party_type: str | None,
                 court_cases: tuple[str, ...] = ()) -> list[GroundHint]:
    """The grounds the request's own data point to, most likely first (none for a request that meets them all).

    ``certified_complaint`` is what the consumer declared on the online form (None when not asked);
    ``court_cases`` the other files of the same consumer where a court case was declared (R-ADM-6)."""
    hints = []
    if court_cases:  # a declared court case is a fact; the other hints are the request's own data
        hints.append(GroundHint(ELSEWHERE, _("A court case was declared on the consumer's file %(refs)s.",
                                             refs=", ".join(court_cases))))
    if certified_complaint is False or (certified_complaint is None and first_complaint is None):
        hints.append(GroundHint(NO_COMPLAINT, _("The consumer did not state a prior written complaint to the "
                                                "company.")))
    if deadlines.over_complaint_limit(received_on, first_complaint, last_complaint):
        limit = deadlines.complaint_limit(first_complaint, last_complaint)
        hints.append(GroundHint(OVER_ONE_YEAR, _("Received on %(received)s, after the one-year limit from the "
                                                 "written complaint (%(limit)s).", received=fr_date(received_on),
                                                 limit=fr_date(limit))))
    if party_type == "professional":
        hints.append(GroundHint(OUT_OF_SCOPE, _("The requester is marked as a professional: consumer mediation "
                                                "does not cover disputes between professionals.")))
    return hints


def file_hints(view) -> list[GroundHint]:
    """The hints of a file, from its page's view (the online filing's declaration is in its history)."""
    case = view.case
    certified = next((e.data.get("certified_written_complaint") for e in view.events if e.kind == "filed_online"),
                     None)
    return ground_hints(received_on=paris_date(case.received_at),
                        first_complaint=case.first_written_complaint_on,
                        last_complaint=case.last_written_complaint_on, certified_complaint=certified,
                        party_type=case.party_type, court_cases=tuple(view.court_cases))
