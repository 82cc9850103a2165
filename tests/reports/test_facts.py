"""The report's derived columns on each file (reports/facts.py) follow the file through the real services,
whatever writes the records, and the bulk refresh gives the same values (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.cases import admissibility, closure, instruction
from mediator_plugin.cases.models import Case
from mediator_plugin.core.db import db
from mediator_plugin.proposals import services as proposals
from mediator_plugin.reports import facts
from mediator_plugin.reports.figures import compute
from tests.support.clock import paris_today
from tests.support.factories import SECTIONS, admitted_case, new_case


def _facts(case: Case, names=facts.FACTS[:5]) -> dict:
    row = db.session.execute(sa.select(*[getattr(Case, name) for name in names]).where(Case.id == case.id)).one()
    return dict(zip(names, row, strict=True))


def _to_answers(case, people, *, consumer: str, company: str) -> None:
    handler = people.gestionnaire
    proposals.save_proposal(case, handler, **SECTIONS)
    proposals.sign_proposal(case, people.mediatrice, outcome="FULLY_FAVOURABLE_CONSUMER")
    db.session.commit()
    today = paris_today()
    proposals.record_answer(case, handler, party="consumer", answer=consumer, answered_on=today, channel="email")
    refused = company == "refused"
    proposals.record_answer(case, handler, party="company", answer=company, answered_on=today, channel="email",
                            reason_category="CONTRACT_APPLIED" if refused else None,
                            reason="Nous maintenons notre position : le contrat exclut ce remboursement." if refused
                            else None)
    db.session.commit()


@pytest.mark.requirement("R-STATS-4", "R-DEADLINE-5")
def test_facts_follow_a_file_accepted_implemented_and_closed(app, people):
    """Does a file whose proposal both parties accepted carry its years, both answers and the status of its latest
    implementation record — from the end of the mediation on, before the file is closed — and is it counted so in
    the year's figures?"""
    case = admitted_case(people.gestionnaire)
    year = case.received_at.year
    assert _facts(case) == {"received_year": year, "ended_year": None, "consumer_answer": None,
                            "company_answer": None, "amicable_implementation": None}
    _to_answers(case, people, consumer="accepted", company="accepted")
    assert _facts(case)["company_answer"] == "accepted"
    # The mediation ended with both acceptances: its implementation is followed, unknown until recorded.
    assert _facts(case)["ended_year"] == year and _facts(case)["amicable_implementation"] == "unknown"
    for status in ("partial", "done"):
        proposals.record_implementation(case, people.facturation, status=status, done_on=paris_today())
        db.session.commit()
    closure.close(case, people.gestionnaire)
    db.session.commit()
    assert _facts(case) == {"received_year": year, "ended_year": case.ended_at.year, "consumer_answer": "accepted",
                            "company_answer": "accepted", "amicable_implementation": "done"}
    figures = compute(year)
    assert figures["table_a"]["all"]["implementation"]["implemented"]["numerator"] == 1
    assert figures["answers"]["overall"]["company_followed"]["numerator"] == 1


@pytest.mark.requirement("R-DEADLINE-3", "R-DEADLINE-4", "R-DEADLINE-5", "R-STATS-5")
def test_duration_and_extension_follow_the_file(app, people):
    """Does an admitted file whose mediation ended 100 days after its notice, after an extension, carry 100 days,
    day 100 and the extension, count outside the 90-day limit, and keep them when it is closed weeks later?"""
    with freeze_time("2025-03-03 09:00:00"):
        case = admitted_case(people.gestionnaire)
    with freeze_time("2025-05-20 09:00:00"):
        instruction.extend_deadline(case, people.gestionnaire, reason_category="expertise",
                                    justification="Expertise technique du compteur.", new_due=date(2025, 7, 1))
        db.session.commit()
    assert _facts(case, ("duration_days", "extended")) == {"duration_days": None, "extended": True}
    with freeze_time("2025-06-11 09:00:00"):
        instruction.record_agreement(case, people.gestionnaire, text="Avoir de 40 € sur la prochaine facture.")
        db.session.commit()
    ended = {"duration_days": pytest.approx(100.0), "duration_day": 100, "extended": True}
    assert _facts(case, ("duration_days", "duration_day", "extended")) == ended
    with freeze_time("2025-06-30 09:00:00"):
        closure.close(case, people.gestionnaire)
        db.session.commit()
    assert _facts(case, ("duration_days", "duration_day", "extended")) == ended
    durations = compute(2025)["table_a"]["all"]["durations"]
    assert durations["within_limit"]["value"] == 0 and durations["extended"]["value"] == 1
    assert durations["mean"]["value"] == 100.0 and durations["median"]["value"] == 100.0


@pytest.mark.requirement("R-STATS-4")
def test_a_refused_proposal_is_not_amicable(app, people):
    """Does a proposal the company refused leave the file without an implementation status, its refusal counted?"""
    case = admitted_case(people.gestionnaire)
    _to_answers(case, people, consumer="accepted", company="refused")
    closure.close(case, people.gestionnaire)
    db.session.commit()
    assert _facts(case)["amicable_implementation"] is None
    assert _facts(case)["company_answer"] == "refused"
    figures = compute(case.received_at.year)
    assert figures["answers"]["overall"]["company_followed"]["value"] == 0
    assert figures["table_a"]["all"]["results"]["amicable"]["numerator"] == 0


@pytest.mark.requirement("R-STATS-4")
def test_an_agreement_without_implementation_record_is_unknown(app, people):
    """Is a mediation closed on an agreement, with no implementation recorded, counted as unknown (Table A, 6)?"""
    case = admitted_case(people.gestionnaire)
    instruction.record_agreement(case, people.gestionnaire, text="Remboursement de 59,90 € sous 15 jours.")
    closure.close(case, people.gestionnaire)
    db.session.commit()
    assert _facts(case)["amicable_implementation"] == "unknown"


@pytest.mark.parametrize(("moment", "year"), [
    (datetime(2025, 12, 31, 22, 59, tzinfo=UTC), 2025),  # 23:59 in Paris
    (datetime(2025, 12, 31, 23, 0, tzinfo=UTC), 2026),  # midnight in Paris
    (datetime(2025, 6, 30, 22, 30, tzinfo=UTC), 2025),  # summer time: 00:30 on 1 July
])
def test_year_of_receipt_is_the_paris_year(app, people, moment, year):
    """Is a file received late on New Year's Eve in UTC counted in the year it was received in Paris?"""
    with freeze_time(moment):
        case = new_case(people.gestionnaire)
        admissibility.declare_inadmissible(case, people.gestionnaire, ground="MANIFESTLY_UNFOUNDED_OR_ABUSIVE")
        db.session.commit()
    assert _facts(case)["received_year"] == year and _facts(case)["ended_year"] == year


def test_bulk_refresh_gives_what_the_services_wrote(app, people):
    """Does the statement the seed and the migration run recompute exactly what the flushes wrote?"""
    accepted, refused = admitted_case(people.gestionnaire), admitted_case(people.gestionnaire)
    _to_answers(accepted, people, consumer="accepted", company="accepted")
    _to_answers(refused, people, consumer="refused", company="accepted")
    for case in (accepted, refused):
        closure.close(case, people.gestionnaire)
    db.session.commit()
    written = [_facts(case) for case in (accepted, refused)]
    db.session.execute(sa.update(Case).values(**dict.fromkeys(facts.FACTS)))
    facts.refresh(db.session.connection())
    db.session.commit()
    assert [_facts(case) for case in (accepted, refused)] == written
