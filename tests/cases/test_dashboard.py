"""The team's dashboard: the reminders the jobs will send, and then the escalation (R-FLOW-2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from mediator_plugin.cases import instruction
from mediator_plugin.cases.models import ObservationRequest
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.pdf import fr_date
from tests.support.factories import admitted_case


@pytest.mark.requirement("R-FLOW-2")
def test_late_department_shows_next_reminder_then_escalation(app, people, login):
    """A request 3 days late with no reminder: next reminder today; after the charter's reminders: escalation."""
    case = admitted_case(people.gestionnaire)
    instruction.request_observations(case, people.gestionnaire, department="billing", question="Observations ?")
    db.session.commit()
    request = db.session.execute(sa.select(ObservationRequest)).scalar_one()
    request.due_on = paris_date(utcnow()) - timedelta(days=3)
    db.session.commit()
    client = app.test_client()
    login(client, "gestionnaire")
    page = client.get("/console/").get_data(as_text=True)
    section = page.split('id="late-h"')[1].split("</section>")[0]
    assert case.reference in section
    offsets = app.extensions["mediator"].charter.deadlines["reminder_offsets_days"]
    assert f"relance automatique le {fr_date(request.due_on + timedelta(days=offsets[0]))}" in section

    request.reminders_sent = len(offsets)
    db.session.commit()
    section = client.get("/console/").get_data(as_text=True).split('id="late-h"')[1].split("</section>")[0]
    assert "transmission au médiateur" in section
