"""French seed data for the Zendesk simulator: the customers, agents and conversations of a
telecom and energy supplier, generated deterministically from a seed.

Tickets and users are plain dicts in the simulator's internal form: Zendesk field names, times as
Unix seconds (the simulator renders them as ISO 8601), comments built lazily per ticket.
"""

from __future__ import annotations

import random

DAY = 86_400
MEDIATION_TAG = "demande_mediation"
# Custom ticket fields of the simulated account (ids in Zendesk's range).
FIELD_MOTIF = 360_000_101
FIELD_MEDIATION_REQUEST = 360_000_102
FIELD_MEDIATION_LABEL = 360_000_103
# The drop-down where agents record how a complaint ended; Zendesk keeps an option's tag as the field's value.
FIELD_COMPLAINT_OUTCOME = 360_000_104
COMPLAINT_OUTCOMES = ("acceptee", "partielle", "refusee")
# Custom statuses of the solved category the account created for mediation: id → (agent label, end-user label).
CUSTOM_STATUSES = {360_100_001: ("Médiation en cours", "Résolu"), 360_100_002: ("Médiation terminée", "Résolu")}
STATUS_MEDIATION_IN_PROGRESS, STATUS_MEDIATION_ENDED = CUSTOM_STATUSES

# fmt: off
FIRST_NAMES = (
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Emma", "Louise", "Claire", "Nathalie",
    "Sophie", "Isabelle", "Martine", "Françoise", "Hugo", "Lucas", "Thomas", "Nicolas", "Julien", "Antoine",
    "Mathieu", "Pierre", "Jean", "Michel", "Alain", "Philippe", "Karim", "Mehdi", "Yannick",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Chevalier",
)
# fmt: on
AGENTS = ("Aurélie Masson", "Sébastien Renaud", "Delphine Caron", "Romain Gauthier", "Nadia Benali")

# Each case: subject, first customer message, agent's answer, and the document a customer may attach.
THEMES = {
    "facturation": (
        (
            "Facture de {mois} anormalement élevée",
            "Bonjour, ma facture de {mois} s'élève à {montant}, soit trois fois mon montant habituel. Ma "
            "consommation n'a pourtant pas changé. Pouvez-vous vérifier le relevé ?",
            "Bonjour {prenom}, après vérification, la facture repose sur un relevé réel de votre compteur. "
            "Le montant est donc dû.",
            ("facture_{mois_fichier}.pdf", "application/pdf"),
        ),
        (
            "Prélèvement en double sur mon compte",
            "Bonjour, vous m'avez prélevé deux fois {montant} ce mois-ci. Je demande le remboursement "
            "immédiat du prélèvement en trop.",
            "Bonjour {prenom}, nous avons bien identifié le prélèvement. Il sera déduit de votre prochaine "
            "facture ; un remboursement immédiat n'est pas possible.",
            ("releve_bancaire.pdf", "application/pdf"),
        ),
    ),
    "resiliation": (
        (
            "Résiliation non prise en compte",
            "Bonjour, j'ai résilié mon contrat {ref} par courrier recommandé il y a deux mois et je suis "
            "toujours facturé. Merci de régulariser.",
            "Bonjour {prenom}, nous n'avons pas reçu votre demande de résiliation. Elle sera effective à "
            "compter de ce jour.",
            ("accuse_reception_LRAR.jpg", "image/jpeg"),
        ),
        (
            "Frais de résiliation contestés",
            "Bonjour, vous me réclamez {montant} de frais de résiliation alors que je déménage, ce qui est "
            "un motif légitime.",
            "Bonjour {prenom}, les frais correspondent aux mensualités restant dues jusqu'à la fin de votre "
            "période d'engagement.",
            ("justificatif_demenagement.pdf", "application/pdf"),
        ),
    ),
    "contrat": (
        (
            "Hausse de tarif sans information",
            "Bonjour, mon offre a été modifiée sans mon accord et mon abonnement passe à {montant} par "
            "mois. Je n'ai jamais signé cet avenant.",
            "Bonjour {prenom}, la modification tarifaire vous a été notifiée un mois à l'avance "
            "conformément aux conditions générales.",
            ("avenant_contrat.pdf", "application/pdf"),
        ),
        (
            "Contrat souscrit par démarchage téléphonique",
            "Bonjour, un conseiller m'a fait souscrire le contrat {ref} par téléphone en me présentant un "
            "simple devis. Je souhaite l'annuler.",
            "Bonjour {prenom}, l'enregistrement de l'appel confirme votre accord ; le délai de rétractation "
            "est désormais dépassé.",
            ("conditions_generales.pdf", "application/pdf"),
        ),
    ),
    "technique": (
        (
            "Coupures internet à répétition",
            "Bonjour, ma connexion internet coupe plusieurs fois par jour depuis {jours} jours. Je "
            "télétravaille et c'est intenable.",
            "Bonjour {prenom}, un technicien est intervenu et n'a constaté aucun défaut sur la ligne. Le "
            "dysfonctionnement provient de votre installation.",
            ("capture_test_debit.png", "image/png"),
        ),
        (
            "Compteur Linky : relevé erroné",
            "Bonjour, l'index relevé sur mon compteur ne correspond pas à celui de ma facture. Je joins une "
            "photo du compteur.",
            "Bonjour {prenom}, le gestionnaire de réseau confirme l'index transmis. Aucune correction n'est "
            "possible.",
            ("photo_compteur.jpg", "image/jpeg"),
        ),
    ),
    "qualite_service": (
        (
            "Aucune réponse à mes réclamations",
            "Bonjour, c'est ma quatrième réclamation sans réponse. J'attends une solution depuis {jours} "
            "jours.",
            "Bonjour {prenom}, nous vous présentons nos excuses pour ce délai. Votre dossier est désormais "
            "traité en priorité.",
            ("capture_echanges.png", "image/png"),
        ),
        (
            "Rendez-vous technicien non honoré",
            "Bonjour, j'ai posé une journée de congé pour le rendez-vous du technicien, qui n'est jamais "
            "venu. Je demande un dédommagement.",
            "Bonjour {prenom}, nous regrettons ce contretemps. Un geste commercial de 15 € a été appliqué "
            "sur votre prochaine facture.",
            ("attestation_employeur.pdf", "application/pdf"),
        ),
    ),
}
DISAGREEMENTS = (
    "Votre réponse ne règle rien. Je maintiens ma demande et je conteste cette décision.",
    "Je ne suis pas d'accord : j'ai fourni toutes les preuves nécessaires. Merci de réexaminer mon dossier.",
    "Cette proposition n'est pas acceptable au regard du préjudice subi.",
)
MEDIATION_REQUESTS = (
    "Puisque nous ne trouvons pas d'accord, je souhaite saisir le médiateur de la consommation.",
    "Je vous informe que je vais saisir le médiateur. Merci de me transmettre ses coordonnées.",
)
FINAL_ANSWERS = (
    "Bonjour {prenom}, nous maintenons notre position. Il s'agit de notre réponse définitive.",
    "Bonjour {prenom}, nous ne pouvons pas donner une suite plus favorable à votre demande. Si vous le "
    "souhaitez, vous pouvez saisir notre médiateur de la consommation.",
)
INTERNAL_NOTES = (
    "Note interne : geste commercial refusé par le niveau 2.",
    "Note interne : client déjà indemnisé l'an dernier pour le même motif.",
)
# fmt: off
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
    "novembre", "décembre",
)
# fmt: on


def seed_accounts(rng: random.Random, requesters: int, admin_email: str) -> dict[int, dict]:
    """The admin used by the mediator (id 1), the agents (ids 2…), then the end users."""
    users = {1: make_user(1, "Médiateur (intégration)", admin_email, "admin")}
    for name in AGENTS:
        uid = len(users) + 1
        users[uid] = make_user(uid, name, _email(name, "example.com"), "agent")
    for _ in range(requesters):
        uid = len(users) + 1
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        domain = rng.choice(("example.org", "example.com"))
        users[uid] = make_user(uid, name, _email(name, domain, uid), "end-user")
    return users


def make_user(uid: int, name: str, email: str, role: str) -> dict:
    """A user in internal form (the simulator adds ``url``, ``active``… when rendering)."""
    return {"id": uid, "name": name, "email": email, "role": role, "locale": "fr", "time_zone": "Paris"}


def _email(name: str, domain: str, uid: int | None = None) -> str:
    plain = name.lower().translate(str.maketrans("àâçéèêëîïôöùûü ", "aaceeeeiioouuu."))
    return f"{plain}{uid or ''}@{domain}"


def seed_ticket(rng: random.Random, ticket_id: int, now: int, requester: dict, agent_id: int) -> dict:
    """One ticket whose status follows its age: old tickets are closed, recent ones still moving."""
    # Recent activity is denser than old: about a fifth of the tickets moved in the last four weeks.
    updated_at = now - 120 - int(400 * DAY * rng.random() ** 1.6)
    created_at = updated_at - rng.randint(3600, 30 * DAY)
    age = (now - updated_at) / DAY
    if age > 28:  # Zendesk closes every solved ticket 28 days after solving, whatever the automations say.
        status = rng.choices(("closed", "open", "pending"), (97, 2, 1))[0]
    elif age > 4:
        status = rng.choices(("closed", "solved", "open", "pending", "hold"), (55, 25, 10, 8, 2))[0]
    else:
        status = rng.choices(("new", "open", "pending", "hold", "solved"), (15, 35, 20, 5, 25))[0]
    motif = rng.choice(tuple(THEMES))
    case = rng.randrange(len(THEMES[motif]))
    conversation_seed = rng.randrange(2**32)
    context = _context(random.Random(conversation_seed), requester)  # the conversation draws the same facts
    subject, complaint = THEMES[motif][case][:2]
    tags = [motif, rng.choice(("particulier", "professionnel"))]
    ask = (status == "closed" and rng.random() < 0.07) or (status == "solved" and rng.random() < 0.12)
    if ask:
        tags.append(MEDIATION_TAG)
    return {
        "id": ticket_id,
        "subject": subject.format(**context),
        "description": complaint.format(**context),
        "status": status,
        "priority": rng.choice(("low", "normal", "normal", "high")),
        "type": rng.choice(("question", "incident", "problem")),
        "requester_id": requester["id"],
        "assignee_id": None if status == "new" else agent_id,
        "tags": tags,
        "custom_fields": {FIELD_MOTIF: motif, FIELD_MEDIATION_REQUEST: None, FIELD_MEDIATION_LABEL: None,
                          FIELD_COMPLAINT_OUTCOME: None},
        "via": rng.choice(("email", "web", "email", "api")),
        "created_at": created_at,
        "updated_at": updated_at,
        "deleted": rng.random() < 0.015,
        "case": (motif, case),
        "conversation_seed": conversation_seed,
    }


def _context(rng: random.Random, requester: dict) -> dict:
    month = rng.randrange(12)
    return {
        "prenom": requester["name"].split()[0],
        "mois": f"{MONTHS[month]} {rng.choice((2024, 2025))}",
        "mois_fichier": f"2025-{month + 1:02d}",
        "montant": f"{rng.randint(40, 900)},{rng.randint(0, 99):02d} €",
        "ref": f"CT-{rng.randint(100_000, 999_999)}",
        "jours": rng.randint(5, 45),
    }


def seed_conversation(ticket: dict, requester: dict) -> list[dict]:
    """The ticket's comments: complaint, answer, then (for finished tickets) dispute and final answer."""
    rng = random.Random(ticket["conversation_seed"])
    context = _context(rng, requester)
    motif, case = ticket["case"]
    answer, (file_name, content_type) = THEMES[motif][case][2:]
    customer, agent = ticket["requester_id"], ticket["assignee_id"] or 2
    steps = [(customer, ticket["description"], True)]
    if ticket["status"] != "new":
        steps.append((agent, answer.format(**context), True))
    if ticket["status"] in ("solved", "closed"):
        steps.append((customer, rng.choice(DISAGREEMENTS), True))
        if rng.random() < 0.3:
            steps.append((agent, rng.choice(INTERNAL_NOTES), False))
        if MEDIATION_TAG in ticket["tags"]:
            steps.append((customer, rng.choice(MEDIATION_REQUESTS), True))
        steps.append((agent, rng.choice(FINAL_ANSWERS).format(**context), True))
    span = max(ticket["updated_at"] - ticket["created_at"], len(steps))
    offsets = sorted(rng.randrange(span) for _ in steps[1:])
    comments = []
    for index, ((author, body, public), offset) in enumerate(zip(steps, [0, *offsets], strict=True)):
        files = []
        if author == customer and rng.random() < 0.2:
            files.append(
                {
                    "file_name": file_name.format(**context),
                    "content_type": content_type,
                    "size": rng.randint(20_000, 2_000_000),
                }
            )
        comments.append(
            new_comment(ticket["id"], index, author, body, public, ticket["created_at"] + offset, files)
        )
    return comments


def new_comment(
    ticket_id: int, index: int, author_id: int, body: str, public: bool, at: int, attachments: list[dict]
) -> dict:
    """A comment in internal form; ids derive from the ticket so that lazy seeding stays deterministic."""
    comment_id = ticket_id * 1000 + index + 1
    files = [{"id": comment_id * 10 + k, **a} for k, a in enumerate(attachments)]
    return {
        "id": comment_id,
        "author_id": author_id,
        "body": body,
        "public": public,
        "created_at": at,
        "attachments": files,
    }
