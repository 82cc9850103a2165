"""A court action reported by a party stops the file's clocks (R-FLOW-5): beside a file still under way, the
one taken to court leaves the deadlines of the dashboard, its late request is no longer chased, and the year's
figures count it as interrupted by a court action."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time

from mediator_plugin.cases import closure, instruction, queries
from mediator_plugin.cases.reminders import send_due_reminders
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.db import db
from mediator_plugin.reports.figures import compute
from tests.support.factories import admitted_case


def _on_the_dashboard(people) -> tuple[list[str], list[str]]:
    board = queries.dashboard(people.gestionnaire.sub)
    return [row.reference for row in board["due"]], [row["reference"] for row in board["late_requests"]]


@pytest.mark.requirement("R-FLOW-5")
def test_a_court_action_stops_the_clocks_of_its_file_only(app, people):
    """Admitted on 2 March 2026 (mediation due 31 May, observations due 30 March), both files are chased on the
    due day; after the court action on 1 April, is the file out of the dashboard's deadlines and late requests,
    skipped by the reminders and the escalation, while the other file goes on being chased?"""
    handler = people.gestionnaire
    with freeze_time("2026-03-02 10:00:00"):
        taken_to_court = admitted_case(handler, email="paul.martin@example.org")
        still_running = admitted_case(handler)
        for case in (taken_to_court, still_running):
            instruction.request_observations(case, handler, department="billing", question="Vos observations ?")
        db.session.commit()
    assert taken_to_court.outcome_due == date(2026, 5, 31)
    assert send_due_reminders(datetime(2026, 3, 30, 10, 0, tzinfo=PARIS)) == 2  # the due day: both chased

    with freeze_time("2026-04-01 09:00:00"):
        closure.interrupt(taken_to_court, handler, cause="COURT_SEIZED", note="Assignation devant le tribunal")
        db.session.commit()
    assert taken_to_court.state == State.COURT_SEIZED and taken_to_court.court_case_declared
    assert taken_to_court.closed_at == datetime(2026, 4, 1, 9, 0, tzinfo=UTC)

    assert send_due_reminders(datetime(2026, 4, 7, 10, 0, tzinfo=PARIS)) == 1  # second reminder: the other file
    assert send_due_reminders(datetime(2026, 4, 8, 10, 0, tzinfo=PARIS)) == 1  # escalation: the other file
    assert [e.kind for e in taken_to_court.events].count("reminder_sent") == 1
    assert "escalated" not in [e.kind for e in taken_to_court.events]
    with freeze_time("2026-05-28 10:00:00"):
        due, late = _on_the_dashboard(people)
    assert due == [still_running.reference] and late == [still_running.reference]

    interruptions = compute(2026)["table_a"]["all"]["interruptions"]["by_cause"]
    assert {c["code"]: c["numerator"] for c in interruptions}["COURT_SEIZED"] == 1
