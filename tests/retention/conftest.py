"""Files past their retention period, built on each database: the known year 2025 and one file written
through the console's services (note, representative, upload, request for observations)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from mediator_plugin import state
from mediator_plugin.cases import experts, instruction, notebook, parties, sharing
from mediator_plugin.cases.documents import add_upload
from mediator_plugin.cases.models import Case
from mediator_plugin.core.db import db
from mediator_plugin.reports import facts
from tests.reports.known_year import build
from tests.support.factories import CONSUMER, admitted_case

# Five years and a bit after the known year: every file of 2025 is past its archive period (60 months).
AFTER_RETENTION = datetime(2031, 3, 1, 9, 0, tzinfo=UTC)
UPLOAD = b"Lettre de Jeanne Dupont, 3 rue des Lilas, au sujet du double prelevement.\n"


def ended_in_2025(case: Case) -> None:
    """Date the file's receipt, notice and end in 2025 (the services stamp today)."""
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(
        state="CLOSED", outcome="AMICABLE_AGREEMENT", resolution_mode="agreement",
        received_at=datetime(2025, 3, 3, 9, tzinfo=UTC), notified_at=datetime(2025, 3, 10, 9, tzinfo=UTC),
        closed_at=datetime(2025, 6, 30, 12, tzinfo=UTC)))
    # A bulk UPDATE passes by the flush that keeps the report's columns current: recompute them, as the seed does.
    facts.refresh(db.session.connection(), Case.id == case.id)
    db.session.commit()


def build_worked_file(people) -> SimpleNamespace:
    """A file handled through the services, with every kind of personal text, ended in mid-2025."""
    case = admitted_case(people.gestionnaire)
    notebook.add_note(case, people.gestionnaire, text="Appel de Jeanne Dupont au 06 11 22 33 44, très remontée.")
    parties.add_representative(case, people.gestionnaire, party="consumer", kind="association",
                               name="Marcel Lenoir", mandate="Mandat du 2 mars", email="marcel.lenoir@ufc.example")
    instruction.request_observations(case, people.gestionnaire, department="billing",
                                     question="Mme Dupont affirme avoir été prélevée deux fois : vos observations ?")
    document = add_upload(case, filename="lettre-dupont.txt", content=UPLOAD, actor=people.gestionnaire.name)
    kept = add_upload(case, filename="certificat-dupont.txt", content=b"Certificat medical.\n",
                      actor=people.gestionnaire.name)
    for recipient in ("consumer", "company"):
        sharing.share_documents(case, people.gestionnaire, document_ids=[document.id], recipient=recipient,
                                requested_by="consumer", note="Demande de Jeanne Dupont par téléphone")
    sharing.mark_not_shared(case, people.gestionnaire, document_id=kept.id, reason="Santé de Jeanne Dupont")
    experts.request_expert(case, people.gestionnaire, requested_by="consumer", expert="Octave Vidal, électricien",
                           cost_bearer="requesting_party")
    db.session.commit()
    ended_in_2025(case)
    return SimpleNamespace(case=case, sha256=document.sha256,
                           texts=[CONSUMER["name"], CONSUMER["email"], "3 rue des Lilas", "Marcel Lenoir",
                                  "marcel.lenoir@ufc.example", "06 11 22 33 44", "lettre-dupont", "certificat-dupont",
                                  "Octave Vidal"])


@pytest.fixture
def worked_file(app, people):
    return build_worked_file(people)


@pytest.fixture
def past_files(app, monkeypatch, worked_file):
    """The known year (40 saisines and more) plus the worked file, all ended in 2025."""
    return SimpleNamespace(year=build(monkeypatch), worked=worked_file)


def database_text() -> str:
    """Every row of every table of the plugin, as one string (for the privacy scan)."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).mappings():
            parts.append(json.dumps(dict(row), default=str, ensure_ascii=False))
    return "\n".join(parts)


def storage_text() -> str:
    """Every blob under the storage folder, decoded loosely."""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in state().storage_dir.rglob("*") if p.is_file())
