"""Building files through the real services, as the console would."""

from __future__ import annotations

from mediator_plugin.cases import admissibility, instruction, services
from mediator_plugin.core.db import db, utcnow

CONSUMER = {"name": "Jeanne Dupont", "email": "jeanne.dupont@example.org",
            "postal_address": "3 rue des Lilas\n33000 Bordeaux", "postcode": "33000"}


def new_case(actor, **consumer):
    """A file received now, by the online channel."""
    case = services.create_case(actor=actor, channel="online", subject="Double prélèvement sur la facture de mars",
                                received_at=utcnow(), consumer={**CONSUMER, **consumer})
    db.session.commit()
    return case


def admitted_case(actor, department: str = "billing", **consumer):
    """A file complete, declared free of conflict, classified and admitted (seizure notified)."""
    case = new_case(actor, **consumer)
    admissibility.mark_complete(case, actor)
    services.classify(case, actor, subcategory="facturation.double_prelevement", department=department)
    instruction.declare_interests(case, actor, has_conflict=False)
    admissibility.declare_admissible(case, actor)
    db.session.commit()
    return case


SECTIONS = {
    "facts": "Le 3 mars, deux prélèvements de 59,90 € ont été effectués pour la même facture.",
    "consumer_position": "Mme Dupont demande le remboursement du second prélèvement et des frais bancaires.",
    "company_position": "La société reconnaît le doublon mais refuse les frais bancaires.",
    "contract_and_law": "L'article 7 des conditions générales prévoit un prélèvement mensuel unique.",
    "equity": "Les frais bancaires découlent directement de l'erreur de la société.",
    "solution": "Rembourser 59,90 € et 8 € de frais bancaires sous 15 jours.",
}
