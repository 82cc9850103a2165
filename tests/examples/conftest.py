"""A closed file full of personal data, built through the real services from a helpdesk ticket."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.base import Comment, TicketSnapshot
from mediator_plugin.cases import admissibility, closure, instruction, parties
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.intake.services import open_case
from mediator_plugin.proposals import services as proposals
from tests.support.clock import paris_today

NAME, EMAIL, PHONE, TICKET = "Jeanne Dupont", "jeanne.dupont@example.org", "06 12 34 56 78", "900000042"
ADDRESS = "3 rue des Lilas\n33000 Bordeaux"
AGENT, LAWYER = "Karim Benali", "Paul Lefèvre"


def _snapshot() -> TicketSnapshot:
    at = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
    comments = (
        Comment(id="1", author_name=NAME, author_is_requester=True, public=True, created_at=at,
                body=f"Bonjour, je suis {NAME}, client n° 12345678. Deux prélèvements de 59,90 € le 3 mars 2026."),
        Comment(id="2", author_name=AGENT, author_is_requester=False, public=True, created_at=at + timedelta(days=2),
                body="Nous remboursons un prélèvement ; les frais bancaires de 8 € restent à votre charge."),
    )
    return TicketSnapshot(vendor="zendesk", ticket_id=TICKET, subject="Double prélèvement sur la facture de mars",
                          status="closed", requester_name=NAME, requester_email=EMAIL, created_at=at,
                          updated_at=at + timedelta(days=3), tags=("demande_mediation",), mediation_requested=True,
                          closed_at=at + timedelta(days=3), comments=comments)


def sections(reference: str) -> dict[str, str]:
    """A proposal written as a mediator would, naming the consumer, her contacts and the exact figures."""
    return {
        "facts": (f"Le 12/03/2026, Mme Dupont ({EMAIL}, {PHONE}) a signalé deux prélèvements de 59,90 € "
                  f"(ticket {TICKET}, dossier {reference}). Elle habite 3 rue des Lilas à Bordeaux."),
        "consumer_position": "Mme Jeanne Dupont demande le remboursement du second prélèvement et de 8 € de frais.",
        "company_position": "La société reconnaît le doublon du 3 mars 2026 mais refuse les frais bancaires.",
        "contract_and_law": "L'article 7 des conditions générales prévoit un prélèvement mensuel unique.",
        "equity": f"Les frais découlent de l'erreur de la société ; {LAWYER}, avocat de Mme Dupont, le souligne.",
        "solution": "Rembourser 59,90 € et 8 € de frais bancaires sous 15 jours.",
    }


def build_closed_case(people):
    """Ticket → file with phone, address and lawyer → proposal signed, accepted by both → closed."""
    handler, mediator = people.gestionnaire, people.mediatrice
    snapshot = _snapshot()
    item = IntakeItem(source="zendesk", external_id=TICKET, subject=snapshot.subject, requester_name=NAME,
                      requester_email=EMAIL, asked_at=utcnow(), first_seen_at=utcnow(), last_seen_at=utcnow(),
                      snapshot=snapshot.to_json(), content_sha256=snapshot.content_sha256())
    db.session.add(item)
    db.session.flush()
    case = open_case(item, handler, subcategory="facturation.double_prelevement", department="billing")
    parties.update_contact(case, handler, party="consumer", email=EMAIL, postal_address=ADDRESS, phone=PHONE)
    parties.add_representative(case, handler, party="consumer", kind="avocat", name=LAWYER,
                               mandate="Mandat écrit reçu", email="p.lefevre@avocats.example")
    admissibility.mark_complete(case, handler)
    instruction.declare_interests(case, handler, has_conflict=False)
    admissibility.declare_admissible(case, handler)
    proposals.save_proposal(case, handler, **sections(case.reference))
    proposals.sign_proposal(case, mediator, outcome="FULLY_FAVOURABLE_CONSUMER")
    for party in ("consumer", "company"):
        proposals.record_answer(case, handler, party=party, answer="accepted", answered_on=paris_today(),
                                channel="email")
    closure.close(case, handler)
    db.session.commit()
    return case


@pytest.fixture
def closed_case(app, people):
    return build_closed_case(people)
