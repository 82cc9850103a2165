"""A few general recommendations and their follow-up, so the demo's register and reports are not empty.

They go through the register's own services, as the mediator would issue and review them (R-RECO-1, -2).
"""

from __future__ import annotations

from datetime import date

from mediator_plugin import state
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import utcnow
from mediator_plugin.core.permissions import Identity, Role
from mediator_plugin.recommendations import services

MEDIATOR = Identity(sub="mediatrice", name="Claire Martin", roles=frozenset({Role.MEDIATOR}))

# (year offset, title, finding, text, addressee index, follow-ups as (month, status, explanation))
_REGISTER = [
    (-1, "Rembourser d'office les doubles prélèvements",
     "Un quart des litiges de facturation portent sur un prélèvement effectué deux fois.",
     "Détecter automatiquement les doubles prélèvements et les rembourser sans attendre la réclamation.", 0,
     [(3, "ACCEPTED", "La direction financière a validé le principe."),
      (9, "IMPLEMENTED", "Contrôle automatique en production depuis septembre.")]),
    (-1, "Confirmer la résiliation par écrit sous 48 heures",
     "Les consommateurs continuent d'être facturés après une résiliation non confirmée.",
     "Envoyer une confirmation écrite de la date d'effet de toute résiliation dans les 48 heures.", 1,
     [(4, "IN_PROGRESS", "Nouveau modèle de courrier en cours de déploiement.")]),
    (0, "Expliquer les frais de résiliation avant la signature",
     "Les frais de résiliation anticipée surprennent les consommateurs dans un litige sur cinq.",
     "Faire figurer le montant des frais de résiliation anticipée dans le récapitulatif remis avant signature.", 1,
     [(6, "ACCEPTED", "Le service contrats reprend le récapitulatif précontractuel.")]),
    (0, "Fixer un délai d'intervention technique garanti",
     "Les pannes non réparées après plusieurs rendez-vous manqués reviennent chaque mois.",
     "Garantir une intervention sous dix jours et indemniser automatiquement chaque rendez-vous manqué.", 2, []),
    (0, "Ouvrir le paiement échelonné aux régularisations",
     "Les factures de régularisation élevées mettent des foyers en difficulté.",
     "Proposer d'office un échéancier sans frais pour toute régularisation supérieure à 150 €.", 0,
     [(10, "DECLINED", "La direction refuse l'échéancier automatique ; le médiateur maintient sa recommandation.")]),
]


def seed_recommendations(last_year: int) -> int:
    """Issue the demo register's recommendations for ``last_year - 1`` and ``last_year``; returns how many."""
    departments = list(state().settings["departments"])
    for offset, title, finding, text, addressee, follow_ups in _REGISTER:
        year = last_year + offset
        recommendation = services.issue(
            MEDIATOR, title=title, finding=finding, text=text, addressee=departments[addressee % len(departments)],
            issued_on=date(year, 2, 15), owner="Direction " + departments[addressee % len(departments)],
            due_on=date(year + 1, 1, 31))
        for month, status, explanation in follow_ups:
            services.follow_up(recommendation, MEDIATOR, status=status, explanation=explanation,
                               reviewed_on=min(date(year, month, 20), paris_date(utcnow())))
    return len(_REGISTER)
