"""Two people acting on the same file at the same moment: the second gets a 409, nothing is lost."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mediator_plugin.cases import admissibility
from mediator_plugin.cases.models import Case
from mediator_plugin.core.db import db
from mediator_plugin.core.transactions import ConcurrentChange, run_step
from tests.support.factories import new_case


def test_stale_version_is_a_clear_conflict(app, people):
    """If the file changed after it was read, is the second change refused with ConcurrentChange?"""
    case = new_case(people.gestionnaire)
    reference = case.reference
    db.session.expunge_all()
    mine = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one()
    with db.engine.begin() as connection:  # another worker commits a change first
        table = Case.__table__
        connection.execute(sa.update(table).where(table.c.reference == reference)
                           .values(subject="Changé ailleurs", version=table.c.version + 1))
    with pytest.raises(ConcurrentChange, match="même moment"):
        run_step(lambda: admissibility.request_documents(mine, people.gestionnaire, missing="Facture"))
    db.session.expunge_all()
    stored = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one()
    assert (stored.subject, stored.state) == ("Changé ailleurs", "RECEIVED")
