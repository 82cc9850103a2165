"""The demo's published year: anonymised case examples and the mediator's texts, so that the report the demo
publishes for last year has a "Cas concrets" chapter, a foreword, comments and tips for consumers (issue 13).

Everything goes through the services the team uses: a redacted copy of a closed file of that year, its seven
fields written by hand without any personal data (the residual check finds nothing), submitted by the case
handler and approved by the mediator (R-CASE-1, R-GDPR-7); the texts saved as the mediator would.
"""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.db import db
from mediator_plugin.core.permissions import Identity, Role
from mediator_plugin.examples import services as examples
from mediator_plugin.examples.models import CHECKLIST, FIELDS, CaseExample
from mediator_plugin.examples.redaction import find_residuals
from mediator_plugin.examples.source import identifiers_of
from mediator_plugin.reports import texts
from mediator_plugin.seed.recommendations import MEDIATOR

HANDLER = Identity(sub="gestionnaire", name="Lisa Bernard", roles=frozenset({Role.CASE_HANDLER}))

# Written as the team would: no name, no exact date or amount, nothing rare (R-GDPR-7).
EXAMPLES = {
    "facturation.double_prelevement": {
        "title": "Un prélèvement passé deux fois et les frais de rejet qui ont suivi",
        "context": "Une abonnée constate que sa facture mensuelle a été prélevée deux fois le même mois. Le second "
                   "prélèvement rend son compte débiteur et sa banque lui facture des frais de rejet.",
        "issue": "La société doit-elle rembourser, en plus du prélèvement en double, les frais bancaires qu'il a "
                 "provoqués ?",
        "positions": "L'abonnée demande le remboursement du doublon et des frais. La société reconnaît l'erreur "
                     "mais estime que les frais bancaires relèvent de la relation entre la cliente et sa banque.",
        "applicable_rule": "Les conditions générales prévoient un prélèvement unique par échéance ; le "
                           "professionnel répond des dommages directs causés par l'inexécution de ses obligations.",
        "equity": "Les frais découlent directement de l'erreur de la société ; les laisser à la charge de "
                  "l'abonnée la pénaliserait pour une faute qu'elle n'a pas commise.",
        "outcome": "La médiatrice a proposé le remboursement du doublon et des frais de rejet, soit environ 70 € ; "
                   "les deux parties ont accepté.",
        "lesson": "Un prélèvement en double se rembourse avec les frais qu'il a causés, sans attendre la "
                  "réclamation.",
    },
    "resiliation.frais": {
        "title": "Des frais de résiliation anticipée jamais annoncés",
        "context": "Un abonné résilie son contrat après un déménagement et reçoit une facture de frais de "
                   "résiliation anticipée dont il ignorait l'existence.",
        "issue": "Les frais de résiliation anticipée sont-ils dus lorsqu'ils ne figuraient pas dans le "
                 "récapitulatif remis avant la signature ?",
        "positions": "L'abonné conteste des frais qu'on ne lui a jamais présentés. La société invoque les "
                     "conditions générales acceptées lors de la souscription.",
        "applicable_rule": "Le code de la consommation impose d'informer le consommateur, avant la conclusion du "
                           "contrat, des conditions de résiliation et de leur coût.",
        "equity": "Le déménagement était imprévu et l'abonné avait toujours payé ses factures à l'heure.",
        "outcome": "La médiatrice a recommandé l'annulation des frais, entre 100 et 200 € ; la société a suivi "
                   "la proposition.",
        "lesson": "Les frais de résiliation doivent être annoncés clairement avant la signature.",
    },
    "technique.panne": {
        "title": "Trois rendez-vous manqués pour une panne",
        "context": "Privé de service pendant plusieurs semaines, un abonné a attendu trois fois un technicien "
                   "qui n'est pas venu.",
        "issue": "Quel dédommagement pour une interruption de service prolongée et des rendez-vous manqués ?",
        "positions": "L'abonné demande le remboursement de l'abonnement de la période et un geste pour le temps "
                     "perdu. La société propose un avoir d'un mois.",
        "applicable_rule": "Le contrat prévoit le rétablissement du service dans un délai raisonnable et une "
                           "indemnisation forfaitaire au-delà.",
        "equity": "Chaque rendez-vous manqué a coûté à l'abonné une demi-journée de congé.",
        "outcome": "Remboursement de la période sans service et indemnisation de chaque rendez-vous manqué, "
                   "environ 90 € au total ; solution acceptée par les deux parties.",
        "lesson": "Un rendez-vous manqué s'indemnise sans que le client ait à le réclamer.",
    },
}

FOREWORD = ("Cette année encore, la plupart des litiges portent sur la facturation et la résiliation : des sujets "
            "où une information claire, donnée au bon moment, éviterait bien des réclamations.\n\n"
            "Mes recommandations vont dans ce sens. Je remercie les services de la société pour leurs réponses "
            "et les consommateurs pour leur confiance.")
COMMENTS = {
    "statutory": "Le taux de refus reste élevé : la plupart des demandes refusées n'avaient pas été précédées "
                 "d'une réclamation écrite au service client.",
    "examples": "Ces trois cas illustrent les situations les plus fréquentes de l'année.",
}
TIPS = ("Avant de saisir la médiatrice, adressez une réclamation écrite au service client et gardez-en une copie.\n"
        "Relevez vos index de compteur à la date d'un déménagement et photographiez le compteur.\n"
        "Pour résilier, utilisez le formulaire de votre espace client : la date de la demande y est enregistrée.")


def prepare_published_year(year: int) -> int:
    """Approve the demo examples of ``year`` (one per subject, each from a closed file of that year whose own
    data the text does not contain) and save the mediator's texts if none are; returns the examples approved.
    The caller commits."""
    approved = 0
    for subcategory, fields in EXAMPLES.items():
        case = _source(year, subcategory, fields)
        if case is None:
            continue
        example = examples.create_from_case(case, HANDLER)
        examples.save_draft(example, HANDLER, texts=fields, subcategory=subcategory,
                            checklist=dict.fromkeys(CHECKLIST, True))
        examples.submit(example, HANDLER)
        examples.approve(example, MEDIATOR)
        approved += 1
    if texts.texts_of(year) is None:
        texts.save_texts(year, MEDIATOR, foreword=FOREWORD, comments=COMMENTS, version=0, consumer_tips=TIPS)
    return approved


def _source(year: int, subcategory: str, fields: dict) -> Case | None:
    """A closed file of ``year`` on this subject, not yet used for an example, whose personal data appears
    nowhere in ``fields``; None when the year has none."""
    used = sa.select(CaseExample.source_case_id).where(CaseExample.source_case_id.is_not(None))
    candidates = db.session.scalars(
        sa.select(Case).where(Case.ended_year == year, Case.state == State.CLOSED, Case.outcome.is_not(None),
                              Case.subcategory == subcategory, Case.id.not_in(used)).order_by(Case.id).limit(20))
    for case in candidates:
        ids = identifiers_of(case)
        if not any(find_residuals(fields[name], ids) for name in ("title", *FIELDS)):
            return case
    return None
