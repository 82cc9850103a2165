"""French seed data for the Freshdesk simulator: the customers, agents and conversations of the online
shop of the same company (deliveries, returns, warranty, subscriptions), generated from a seed.

Tickets, contacts and conversations are plain dicts in the simulator's internal form: Freshdesk field
names, times as Unix seconds (the simulator renders them as ``YYYY-MM-DDTHH:MM:SSZ``), conversations
built lazily per ticket. The ticket's first message is its ``description``, not a conversation, as in
Freshdesk.
"""

from __future__ import annotations

import random

DAY = 86_400
MEDIATION_TAG = "demande_mediation"
# Custom ticket fields of the simulated account; Freshdesk names them cf_<label> (helpdesk-apis.md §2.4).
FIELD_MOTIF = "cf_motif"
FIELD_MEDIATION_REQUEST = "cf_demande_mediation"
FIELD_MEDIATION_LABEL = "cf_mediation"
# The drop-down where agents record how a complaint ended.
FIELD_COMPLAINT_OUTCOME = "cf_issue_reclamation"
FIELD_CHOICES = {FIELD_MEDIATION_LABEL: ("En cours", "Terminée"),
                 FIELD_COMPLAINT_OUTCOME: ("Acceptée", "Partielle", "Refusée")}
# 2 Open, 3 Pending, 4 Resolved, 5 Closed, 6 a custom status ("En attente d'un tiers"), unresolved.
STATUSES = (2, 3, 4, 5, 6)
ARCHIVE_AFTER = 120 * DAY  # closed and inactive that long: archived (§2.2)
GROUP_ID = 43_000_100_001
AGENT_BASE, CONTACT_BASE = 43_000_000_000, 43_020_000_000
CONVERSATION_BASE, ATTACHMENT_BASE = 43_100_000_000, 43_200_000_000

# fmt: off
FIRST_NAMES = (
    "Amandine", "Bérénice", "Céline", "Élodie", "Fanny", "Gaëlle", "Hélène", "Justine", "Laëtitia", "Margaux",
    "Noémie", "Océane", "Pauline", "Sandrine", "Valérie", "Adrien", "Bastien", "Cédric", "Damien", "Fabrice",
    "Grégory", "Jérôme", "Kévin", "Loïc", "Maxime", "Olivier", "Quentin", "Rachid", "Stéphane", "Xavier",
)
LAST_NAMES = (
    "Arnaud", "Barbier", "Brunet", "Carpentier", "Charpentier", "Clément", "Colin", "Denis", "Dumont",
    "Fontaine", "Gaillard", "Gautier", "Giraud", "Hubert", "Joly", "Lacroix", "Lemaire", "Lemoine", "Leroux",
    "Marchand", "Masson", "Meunier", "Noël", "Perret", "Picard", "Renard", "Rey", "Roger", "Schmitt", "Vidal",
)
# fmt: on
AGENTS = ("Caroline Besson", "Thierry Lemaître", "Samia Haddad", "Vincent Poirier", "Agnès Royer")

# Each case: subject, first customer message, agent's answer, and the document a customer may attach.
THEMES = {
    "livraison": (
        (
            "Commande {commande} jamais livrée",
            "Bonjour, ma commande {commande} est indiquée comme livrée mais je n'ai jamais reçu le colis. Je "
            "demande le remboursement de {montant}.",
            "Bonjour {prenom}, le transporteur confirme la livraison contre signature. Nous ne pouvons pas "
            "procéder au remboursement.",
            ("bon_de_commande_{commande}.pdf", "application/pdf"),
        ),
        (
            "Colis endommagé à la réception",
            "Bonjour, le téléviseur de la commande {commande} est arrivé avec l'écran fissuré. Je joins la "
            "photo du colis.",
            "Bonjour {prenom}, aucune réserve n'a été portée sur le bon du transporteur : la prise en charge "
            "est refusée.",
            ("photo_colis.jpg", "image/jpeg"),
        ),
    ),
    "retour": (
        (
            "Remboursement d'un retour toujours en attente",
            "Bonjour, j'ai renvoyé l'article de la commande {commande} il y a {jours} jours, dans le délai de "
            "rétractation, et je n'ai toujours pas été remboursé de {montant}.",
            "Bonjour {prenom}, l'article retourné présente des traces d'utilisation ; le remboursement sera partiel.",
            ("preuve_depot_retour.pdf", "application/pdf"),
        ),
        (
            "Frais de retour facturés à tort",
            "Bonjour, vous m'avez facturé {frais} de frais de retour alors que l'article reçu ne correspondait "
            "pas à ma commande {commande}.",
            "Bonjour {prenom}, les frais de retour restent à votre charge selon nos conditions générales de vente.",
            ("capture_commande.png", "image/png"),
        ),
    ),
    "garantie": (
        (
            "Smartphone en panne sous garantie",
            "Bonjour, mon smartphone acheté il y a {mois} mois ne s'allume plus et vous refusez la garantie "
            "légale de conformité.",
            "Bonjour {prenom}, le diagnostic révèle une oxydation : la panne est exclue de la garantie.",
            ("rapport_diagnostic.pdf", "application/pdf"),
        ),
        (
            "Réparation facturée malgré la garantie",
            "Bonjour, la réparation de ma box m'a été facturée {montant} alors que l'appareil est encore sous "
            "garantie.",
            "Bonjour {prenom}, la casse constatée relève d'une mauvaise utilisation et n'est pas couverte.",
            ("facture_reparation.pdf", "application/pdf"),
        ),
    ),
    "abonnement": (
        (
            "Abonnement premium souscrit sans mon accord",
            "Bonjour, je découvre un prélèvement mensuel de {montant} pour un abonnement premium que je n'ai "
            "jamais demandé.",
            "Bonjour {prenom}, l'abonnement a été activé depuis votre espace client ; il peut être résilié pour "
            "l'avenir.",
            ("releve_bancaire.pdf", "application/pdf"),
        ),
        (
            "Carte cadeau refusée",
            "Bonjour, ma carte cadeau de {montant} est refusée sur le site alors qu'elle est valable jusqu'en {annee}.",
            "Bonjour {prenom}, cette carte a déjà été utilisée : il ne reste aucun solde disponible.",
            ("carte_cadeau.jpg", "image/jpeg"),
        ),
    ),
}
DISAGREEMENTS = (
    "Je conteste votre réponse, qui ne tient aucun compte des pièces que je vous ai envoyées.",
    "Votre position n'est pas acceptable. Je vous demande de réexaminer ma réclamation.",
    "Je ne suis pas d'accord et je maintiens intégralement ma demande.",
)
MEDIATION_REQUESTS = (
    "Faute d'accord, je vais saisir le médiateur de la consommation. Merci de m'indiquer ses coordonnées.",
    "Je vous informe que je saisis le médiateur de la consommation pour ce litige.",
)
FINAL_ANSWERS = (
    "Bonjour {prenom}, nous confirmons notre position. Ceci constitue notre réponse définitive.",
    "Bonjour {prenom}, nous ne pouvons pas aller plus loin. Vous pouvez, si vous le souhaitez, saisir notre "
    "médiateur de la consommation.",
)
INTERNAL_NOTES = (
    "Note interne : geste commercial refusé par le responsable d'équipe.",
    "Note interne : client déjà remboursé une fois pour une commande similaire.",
)
# Sources (§2.2): 1 email, 2 portal, 3 phone, 7 chat, 9 feedback widget, 10 outbound email.
SOURCES, SOURCE_WEIGHTS = (1, 2, 3, 7, 9, 10), (40, 30, 10, 15, 3, 2)


def seed_people(rng: random.Random, contacts: int) -> tuple[dict[int, dict], dict[int, dict]]:
    """The agents and the customers (contacts) of the account, each keyed by Freshdesk user id."""
    agents = {
        AGENT_BASE + i: make_person(AGENT_BASE + i, name, email_for(name, "example.com"))
        for i, name in enumerate(AGENTS, 1)
    }
    people = {}
    for n in range(1, contacts + 1):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        email = email_for(name, rng.choice(("example.org", "example.com")), n)
        people[CONTACT_BASE + n] = make_person(CONTACT_BASE + n, name, email)
    return agents, people


def make_person(uid: int, name: str, email: str) -> dict:
    """A contact or agent in internal form (the simulator renders Freshdesk's shapes from it)."""
    return {"id": uid, "name": name, "email": email, "phone": None, "mobile": None}


def email_for(name: str, domain: str, number: int | None = None) -> str:
    """``prenom.nom<number>@domain`` without accents."""
    plain = name.lower().translate(str.maketrans("àâäçéèêëîïôöùûüÿ ", "aaaceeeeiioouuuy."))
    return f"{plain}{number or ''}@{domain}"


def seed_ticket(rng: random.Random, ticket_id: int, now: int, requester: dict, agent_id: int) -> dict:
    """One ticket whose status follows its age: old tickets are closed, recent ones still moving."""
    # Recent activity is denser than old; about a quarter of the tickets have been idle for 120+ days.
    updated_at = now - 120 - int(200 * DAY * rng.random() ** 1.8)
    created_at = updated_at - rng.randint(3600, 30 * DAY)
    age = now - updated_at
    if age > 14 * DAY:
        status = rng.choices(STATUSES, (1, 1, 4, 92, 2))[0]
    elif age > 3 * DAY:
        status = rng.choices(STATUSES, (12, 10, 25, 45, 8))[0]
    else:
        status = rng.choices(STATUSES, (45, 25, 20, 0, 10))[0]
    motif = rng.choice(tuple(THEMES))
    case = rng.randrange(len(THEMES[motif]))
    conversation_seed = rng.randrange(2**32)
    context = _context(random.Random(conversation_seed), requester)  # the conversation draws the same facts
    subject, complaint = THEMES[motif][case][:2]
    ask = (status == 5 and rng.random() < 0.07) or (status == 4 and rng.random() < 0.12)
    tags = [motif, rng.choice(("particulier", "professionnel"))] + ([MEDIATION_TAG] if ask else [])
    resolved_at = max(created_at, updated_at - rng.randint(0, 3 * DAY)) if status == 5 else updated_at
    files = []
    if rng.random() < 0.2:
        name, content_type = THEMES[motif][case][3]
        files.append(
            {
                "id": ATTACHMENT_BASE + ticket_id * 10_000,
                "name": name.format(**context),
                "content_type": content_type,
                "size": rng.randint(20_000, 2_000_000),
            }
        )
    archived = status == 5 and age > ARCHIVE_AFTER and rng.random() < 0.75  # "depending on ticket traffic"
    return {
        "id": ticket_id,
        "subject": subject.format(**context),
        "description_text": complaint.format(**context),
        "status": status,
        "priority": rng.choices((1, 2, 3, 4), (30, 45, 20, 5))[0],
        "source": rng.choices(SOURCES, SOURCE_WEIGHTS)[0],
        "type": rng.choice(("Réclamation", "Réclamation", "Question", "Incident")),
        "requester_id": requester["id"],
        "responder_id": None if status == 2 and rng.random() < 0.3 else agent_id,
        "tags": tags,
        "custom_fields": {FIELD_MOTIF: motif, FIELD_MEDIATION_REQUEST: ask, FIELD_MEDIATION_LABEL: None,
                          FIELD_COMPLAINT_OUTCOME: None},
        "attachments": files,
        "created_at": created_at,
        "updated_at": updated_at,
        "first_responded_at": min(updated_at, created_at + rng.randint(1800, 2 * DAY)),
        "resolved_at": resolved_at if status in (4, 5) else None,
        "closed_at": updated_at if status == 5 else None,
        "archived": archived,
        "deleted": not archived and rng.random() < 0.015,
        "spam": not archived and rng.random() < 0.01,
        "case": (motif, case),
        "conversation_seed": conversation_seed,
    }


def _context(rng: random.Random, requester: dict) -> dict:
    return {
        "prenom": requester["name"].split()[0],
        "commande": f"CMD-{rng.randint(100_000, 999_999)}",
        "montant": f"{rng.randint(19, 1_200)},{rng.randint(0, 99):02d} €",
        "frais": f"{rng.randint(4, 15)},{rng.randint(0, 99):02d} €",
        "jours": rng.randint(15, 60),
        "mois": rng.randint(3, 22),
        "annee": rng.choice((2026, 2027)),
    }


def seed_conversation(ticket: dict, requester: dict) -> list[dict]:
    """The replies and notes after the description: answer, then dispute and final answer when finished."""
    rng = random.Random(ticket["conversation_seed"])
    context = _context(rng, requester)
    motif, case = ticket["case"]
    answer, (file_name, content_type) = THEMES[motif][case][2:]
    customer, agent = ticket["requester_id"], ticket["responder_id"] or AGENT_BASE + 1
    steps = []  # (user, text, private)
    if ticket["status"] != 2 or ticket["responder_id"]:
        steps.append((agent, answer.format(**context), False))
    if ticket["status"] == 6:
        steps.append((agent, "Note interne : en attente du retour du transporteur.", True))
    if ticket["status"] in (4, 5):
        steps.append((customer, rng.choice(DISAGREEMENTS), False))
        if rng.random() < 0.3:
            steps.append((agent, rng.choice(INTERNAL_NOTES), True))
        if MEDIATION_TAG in ticket["tags"]:
            steps.append((customer, rng.choice(MEDIATION_REQUESTS), False))
        steps.append((agent, rng.choice(FINAL_ANSWERS).format(**context), False))
    span = max(ticket["updated_at"] - ticket["created_at"], len(steps) + 1)
    offsets = sorted(rng.randrange(1, span) for _ in steps)
    conversation = []
    for index, ((user, text, private), offset) in enumerate(zip(steps, offsets, strict=True)):
        files = []
        if user == customer and rng.random() < 0.2:
            files.append(
                {
                    "name": file_name.format(**context),
                    "content_type": content_type,
                    "size": rng.randint(20_000, 2_000_000),
                }
            )
        at = ticket["created_at"] + offset
        conversation.append(new_conversation(ticket["id"], index, user, text, private, user == customer, at, files))
    return conversation


def new_conversation(
    ticket_id: int, index: int, user_id: int, text: str, private: bool, incoming: bool, at: int, attachments: list[dict]
) -> dict:
    """A reply or note in internal form; ids derive from the ticket so that lazy seeding stays deterministic."""
    conversation_id = CONVERSATION_BASE + ticket_id * 1000 + index + 1
    # Ticket attachments take ATTACHMENT_BASE + ticket_id * 10_000: the "* 10 + k" ids below never meet them.
    files = [
        {"id": ATTACHMENT_BASE + (conversation_id - CONVERSATION_BASE) * 10 + k, **a} for k, a in enumerate(attachments)
    ]
    return {
        "id": conversation_id,
        "ticket_id": ticket_id,
        "user_id": user_id,
        "body_text": text,
        "private": private,
        "incoming": incoming,
        "source": 2 if private else 0,  # 0 reply, 2 note
        "created_at": at,
        "attachments": files,
    }
