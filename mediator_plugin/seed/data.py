"""Word lists, French texts and distribution tables for :mod:`mediator_plugin.seed`.

The shares follow the figures published by French company and sector mediators (requirements brief
§2.2, Table B); each table names the figures it imitates.
"""

from __future__ import annotations

import hashlib
import random
import unicodedata

# --- Who files, how, about what -------------------------------------------------------------------

# R-SCOPE-2: consumers almost always; a few non-professionals and professionals (EDF reports its
# business customers apart).
PARTY_TYPES = {"consumer": 95, "non_professional": 3, "professional": 2}
CROSS_BORDER_SHARE = 0.02
# Table B "Channel": telecom 77-83 % online (2018-2024); the rest from closed helpdesk tickets and post.
CHANNELS = {"online": 80, "helpdesk": 12, "post": 8}
# Table B "Category": billing and termination lead (telecom 2018 press: both rising; that year's split is
# UNVERIFIED), contract and technical follow (telecom 2022: technical 28 %, contract 22 %).
# Codes not listed here (a charter may add categories) weigh CATEGORY_DEFAULT_WEIGHT.
CATEGORIES = {"facturation": 31, "resiliation": 25, "contrat": 18, "technique": 16, "qualite": 10}
CATEGORY_DEFAULT_WEIGHT = 8
# Mild seasonality of receipts (January bills, summer lull, autumn contract changes), January first.
MONTHS = (1.15, 1.05, 1.05, 0.95, 0.95, 0.9, 0.8, 0.7, 1.0, 1.1, 1.1, 1.0)
# Online filings arrive on every day of the week, fewer at weekends; Monday first.
WEEKDAYS = (1.25, 1.15, 1.1, 1.05, 1.0, 0.45, 0.35)

# --- The procedure --------------------------------------------------------------------------------

DOCUMENTS_REQUESTED_SHARE = 0.18
# Table B "Admissible": telecom 42-51 %, RATP 67 %, EDF 28 %: about half of the decided files refused.
INADMISSIBLE_SHARE = 0.47
# Table B "Inadmissibility reasons": EDF 2023, 2 out of 3 without a prior written complaint.
GROUNDS = {
    "NO_PRIOR_WRITTEN_COMPLAINT": 64,
    "OUT_OF_SCOPE": 13,
    "MANIFESTLY_UNFOUNDED_OR_ABUSIVE": 8,
    "ALREADY_EXAMINED_OR_PENDING_ELSEWHERE": 7,
    "OVER_ONE_YEAR": 8,
}
# R-DEADLINE-1: about 1 decision in 20 comes after the 21 days and carries its reason.
LATE_DECISION_SHARE = 0.05
# Table A item 4: interruptions among admitted files, and their causes.
INTERRUPTED_SHARE = 0.06
INTERRUPTIONS = {"WITHDRAWN_BY_CONSUMER": 38, "UNREACHABLE": 22, "COMPANY_DECLINED": 9, "COMPANY_NO_REPLY": 6,
                 "COURT_SEIZED": 15, "COI_OBJECTION": 10}
# R-FLOW-2: most departments answer within their 20 working days.
LATE_OBSERVATIONS_SHARE = 0.15
CONSUMER_QUESTION_SHARE = 0.15
# R-STATS-5: % extended (complex disputes).
EXTENSION_SHARE = 0.05
# Table B "Outcome split": EDF 82 % agreements is an outlier; RATP/SNCF-like proposals dominate here.
AGREEMENT_SHARE = 0.08
# RATP 2023: 46 % fully favourable, 9 % partly, 43 % unfavourable, 2 % neutral; SNCF 2017 about 1/3, 1/4, 1/3.
OUTCOMES = {"FULLY_FAVOURABLE_CONSUMER": 45, "PARTLY_FAVOURABLE": 15, "UNFAVOURABLE_CONSUMER": 35,
            "NEUTRAL_INFORMATIVE": 5}
# Table B "Acceptance": telecom consumers 93-97 %, operators 93-97 %. A consumer refuses mostly an
# unfavourable proposal, the company mostly a favourable one; a few never answer.
CONSUMER_REFUSAL = {"FULLY_FAVOURABLE_CONSUMER": 0.01, "PARTLY_FAVOURABLE": 0.03, "UNFAVOURABLE_CONSUMER": 0.08,
                    "NEUTRAL_INFORMATIVE": 0.02}
COMPANY_REFUSAL = {"FULLY_FAVOURABLE_CONSUMER": 0.08, "PARTLY_FAVOURABLE": 0.05, "UNFAVOURABLE_CONSUMER": 0.01,
                   "NEUTRAL_INFORMATIVE": 0.01}
NO_ANSWER_SHARE = {"consumer": 0.02, "company": 0.015}
# Table A item 6: what became of accepted solutions, with an "unknown" share.
IMPLEMENTATION = {"done": 80, "partial": 6, "not_done": 4, "unknown": 10}

# --- People ---------------------------------------------------------------------------------------

# The mediator's team (sub, name): they open, classify, decide and record.
# The first two are the demo's identities, so that "my files" is not empty in the demo.
TEAM = (("gestionnaire", "Lisa Bernard"), ("mediatrice", "Claire Martin"), ("s.haddad", "Samia Haddad"),
        ("f.renard", "Fabien Renard"), ("m.tessier", "Marion Tessier"))
CORRESPONDENTS = ("Hélène Vasseur", "Olivier Carpentier", "Agnès Leblanc", "Rachid Meziane", "Corinne Poulain")
AGENTS = ("Laetitia Brun", "Kevin Lacroix", "Sandrine Colin", "Mickaël Hamon")

FIRST_NAMES = (
    "Adèle", "Agathe", "Albane", "Anaïs", "Annie", "Bernadette", "Brigitte", "Capucine", "Cécile", "Colette",
    "Danielle", "Élodie", "Estelle", "Gisèle", "Hélène", "Jacqueline", "Joséphine", "Laure", "Lucie", "Margaux",
    "Mireille", "Monique", "Noémie", "Océane", "Pauline", "Rose", "Solène", "Sylvie", "Valérie", "Zoé",
    "Arnaud", "Benoît", "Bernard", "Cédric", "Christophe", "Damien", "Didier", "Étienne", "Fabrice", "Florian",
    "Gaël", "Gérard", "Grégoire", "Hervé", "Jérôme", "Loïc", "Marcel", "Maxime", "Noël", "Pascal",
    "Patrice", "Quentin", "Raphaël", "Rémi", "Serge", "Sylvain", "Théo", "Thierry", "Yves", "Youssef",
)
LAST_NAMES = (
    "Aubry", "Barbier", "Baron", "Benoît", "Besson", "Boucher", "Bouvier", "Brunet", "Carré", "Charpentier",
    "Clément", "Collet", "Cordier", "Courtois", "Denis", "Deschamps", "Dumas", "Dupuis", "Fabre", "Fleury",
    "Gaillard", "Gautier", "Germain", "Gilbert", "Giraud", "Guillot", "Hoarau", "Hubert", "Jacob", "Joly",
    "Lebrun", "Leclerc", "Lemoine", "Lucas", "Maillard", "Marchand", "Marie", "Menard", "Meunier", "Noël",
    "Olivier", "Paris", "Pichon", "Poirier", "Prévost", "Renaud", "Rey", "Rivière", "Roche", "Royer",
    "Schmitt", "Tanguy", "Tessier", "Vidal", "Weber",
)
STREETS = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta", "rue des Écoles",
    "place de l'Église", "chemin des Vignes", "rue du Moulin", "allée des Tilleuls", "rue Pasteur",
    "impasse des Lilas", "avenue de la Gare", "rue Nationale", "route de Bordeaux", "quai des Chartrons",
)
# (postcode, town) across metropolitan France and overseas.
TOWNS = (
    ("75011", "Paris"), ("75015", "Paris"), ("13008", "Marseille"), ("69003", "Lyon"), ("31000", "Toulouse"),
    ("06000", "Nice"), ("44000", "Nantes"), ("67000", "Strasbourg"), ("34000", "Montpellier"),
    ("33000", "Bordeaux"), ("59000", "Lille"), ("35000", "Rennes"), ("51100", "Reims"), ("76600", "Le Havre"),
    ("42000", "Saint-Étienne"), ("83000", "Toulon"), ("38000", "Grenoble"), ("21000", "Dijon"),
    ("49000", "Angers"), ("30000", "Nîmes"), ("87000", "Limoges"), ("64100", "Bayonne"), ("29200", "Brest"),
    ("63000", "Clermont-Ferrand"), ("24100", "Bergerac"), ("12000", "Rodez"), ("15000", "Aurillac"),
    ("71100", "Chalon-sur-Saône"), ("97400", "Saint-Denis"), ("97200", "Fort-de-France"),
)
# Cross-border consumers (Directive Art. 7(2)): (postcode, town, country).
FOREIGN_TOWNS = (("1000", "Bruxelles", "Belgique"), ("1204", "Genève", "Suisse"),
                 ("L-1017", "Luxembourg", "Luxembourg"), ("66111", "Sarrebruck", "Allemagne"),
                 ("08001", "Barcelone", "Espagne"))
EMAIL_DOMAINS = ("example.org", "example.com")

# --- French texts ---------------------------------------------------------------------------------

MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre")
# Subjects per level-2 category; {mois} is a month, {montant} an amount.
SUBJECTS = {
    "facturation.contestation": ("Contestation de la facture de {mois}", "Facture de {mois} injustifiée",
                                 "Montant facturé sans rapport avec ma consommation"),
    "facturation.double_prelevement": ("Double prélèvement de {montant}", "Prélevé deux fois en {mois}"),
    "facturation.remboursement": ("Remboursement de {montant} toujours pas reçu",
                                  "Avoir promis en {mois} jamais versé"),
    "resiliation.frais": ("Frais de résiliation de {montant} contestés", "Pénalités de fin de contrat"),
    "resiliation.non_prise_en_compte": ("Résiliation de {mois} non prise en compte",
                                        "Toujours facturé après ma résiliation"),
    "contrat.modification": ("Hausse de tarif sans information préalable", "Changement d'offre imposé"),
    "contrat.souscription": ("Contrat souscrit à mon insu", "Souscription par démarchage contestée"),
    "contrat.engagement": ("Durée d'engagement prolongée sans accord", "Engagement de 24 mois contesté"),
    "technique.panne": ("Coupure de service depuis {mois}", "Panne non réparée malgré mes appels"),
    "technique.installation": ("Raccordement reporté depuis {mois}", "Installation jamais réalisée"),
    "technique.equipement": ("Équipement défectueux non remplacé", "Box en panne facturée {montant}"),
    "qualite.accueil": ("Aucune réponse du service client", "Accueil téléphonique inacceptable"),
    "qualite.delais": ("Dossier en attente depuis {mois}", "Délais de traitement excessifs"),
}
SUBJECT_FALLBACK = "Litige : {label}"
MISSING_DOCUMENTS = ("Copie de la réclamation écrite adressée au service client",
                     "Copie de la facture contestée", "Réponse du service client à votre réclamation",
                     "Justificatif du prélèvement sur votre relevé bancaire")
LATE_REASONS = ("Pièces complémentaires reçues tardivement de la part du consommateur",
                "Absence prolongée de la personne chargée du dossier",
                "Afflux exceptionnel de demandes après la hausse tarifaire")
LATE_SIGNING_REASONS = ("Observations du service reçues tardivement malgré les relances",
                        "Analyse juridique plus longue que prévu")
QUESTIONS = ("Merci de nous transmettre l'historique du compte client et votre position sur la demande.",
             "Pouvez-vous nous communiquer les factures et relevés de la période contestée ?",
             "Merci de préciser les démarches engagées par le service client et leurs dates.")
DEPARTMENT_ANSWERS = ("Après vérification, le relevé de compteur utilisé était une estimation ; nous proposons "
                      "un geste commercial.",
                      "Le contrat prévoit ces frais ; l'information a été donnée lors de la souscription.",
                      "Une erreur de traitement a été identifiée ; une régularisation est possible.",
                      "Nos équipes techniques confirment l'incident sur la période indiquée.")
CONSUMER_QUESTIONS = ("Pouvez-vous nous transmettre la copie de votre contrat ?",
                      "À quelle date avez-vous envoyé votre courrier de résiliation ?",
                      "Disposez-vous d'un relevé de compteur daté ?")
CONSUMER_SUMMARIES = ("Le consommateur a transmis les pièces demandées.",
                      "Le consommateur confirme les dates et joint l'accusé de réception.",
                      "Réponse reçue par téléphone, confirmée par courriel.")
EXTENSION_TEXTS = {"expertise": "Une expertise technique de l'installation est nécessaire.",
                   "multiple_contracts": "Le litige porte sur plusieurs contrats successifs.",
                   "awaiting_documents": "Des pièces détenues par un tiers sont attendues.",
                   "legal_question": "Le litige soulève une question juridique nouvelle."}
COI_CIRCUMSTANCES = ("Le consommateur est un ancien collègue de la personne chargée du dossier.",
                     "La personne chargée du dossier a travaillé dans le service concerné jusqu'à l'an dernier.")
AGREEMENTS = ("La société rembourse {montant} et le consommateur renonce à toute autre demande.",
              "La société annule les frais de {montant} ; le consommateur conserve son contrat.",
              "Les parties conviennent d'un échéancier de six mois sans frais pour le solde de {montant}.")
FACTS = ("{nom} conteste une somme de {montant} réclamée par la société au titre de « {objet} ».",
         "Le litige porte sur « {objet} » ; {nom} demande le remboursement de {montant}.")
CONSUMER_POSITIONS = ("{nom} estime que la somme n'est pas due et produit ses relevés.",
                      "{nom} soutient n'avoir jamais été informé(e) de cette facturation.")
COMPANY_POSITIONS = ("La société considère que la facturation respecte les conditions générales.",
                     "La société reconnaît un retard de traitement mais conteste le montant demandé.")
LAW = ("Les conditions générales de vente (article 8) et le code de la consommation (article L224-3).",
       "Le contrat souscrit, les conditions tarifaires en vigueur et l'article 1231-1 du code civil.")
EQUITY = ("Le médiateur tient compte de l'ancienneté du client et de l'absence d'incident antérieur.",
          "En équité, les démarches répétées du client justifient une prise en compte de ses frais.")
SOLUTIONS = {
    "FULLY_FAVOURABLE_CONSUMER": "Le médiateur propose que la société rembourse {montant} sous trente jours.",
    "PARTLY_FAVOURABLE": "Le médiateur propose un geste commercial de {montant}, la facture restant due pour le "
                         "surplus.",
    "UNFAVOURABLE_CONSUMER": "Le médiateur considère que la somme de {montant} est due et ne propose pas de "
                             "remboursement.",
    "NEUTRAL_INFORMATIVE": "Le médiateur rappelle les conditions applicables et invite les parties à établir un "
                           "échéancier.",
}
COMPANY_REFUSALS = ("La société maintient que la facturation est conforme au contrat.",
                    "Le geste proposé excède ce que prévoit la politique commerciale de la société.")
CONSUMER_REFUSALS = ("Le consommateur estime la proposition insuffisante et envisage de saisir le juge.",)
IMPLEMENTATION_NOTES = {"done": "Remboursement confirmé par le service.", "partial": "Avoir émis, solde en attente.",
                        "not_done": "Aucune suite donnée malgré l'acceptation.",
                        "unknown": "Pas de retour du service à ce jour."}
INTERRUPTION_NOTES = {"WITHDRAWN_BY_CONSUMER": "Retrait signalé par courriel.",
                      "UNREACHABLE": "Trois relances restées sans réponse.",
                      "COMPANY_DECLINED": "Le service refuse d'entrer en médiation.",
                      "COURT_SEIZED": "Le consommateur a saisi le tribunal judiciaire.",
                      "COI_OBJECTION": ""}
TICKET_COMPLAINTS = ("Bonjour, je conteste « {objet} ». Je vous demande de régulariser la situation au plus vite.",
                     "Bonjour, malgré mes appels, rien n'a été fait concernant « {objet} ». Merci de me répondre "
                     "par écrit.")
TICKET_ANSWERS = ("Bonjour {prenom}, après étude, nous ne pouvons pas donner une suite favorable à votre demande.",
                  "Bonjour {prenom}, votre demande a été transmise au service concerné.")
TICKET_FOLLOW_UPS = ("Je maintiens ma réclamation et demande la saisine du médiateur.",
                     "Votre réponse ne me convient pas : je souhaite saisir le médiateur.")
TICKET_CLOSINGS = ("Nous vous confirmons que vous pouvez saisir le médiateur de la société.",)
# A helpdesk ticket's messages before mediation: (moment of the story, written by the requester, texts).
CONVERSATION = (("complaint", True, TICKET_COMPLAINTS), ("ticket_reply", False, TICKET_ANSWERS),
                ("complaint_2", True, TICKET_FOLLOW_UPS), ("ticket_closing", False, TICKET_CLOSINGS))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum() or c == "-")


def person(rng: random.Random, cross_border: bool) -> dict:
    """A consumer: name, e-mail at an example domain, maybe a mobile number, a postal address."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    postcode, town, *country = rng.choice(FOREIGN_TOWNS if cross_border else TOWNS)
    phone = "0" + rng.choice("67") + "".join(f" {rng.randrange(100):02d}" for _ in range(4))
    email = f"{_ascii(first)}.{_ascii(last)}{rng.randrange(1, 100)}@{rng.choice(EMAIL_DOMAINS)}"
    return {"first": first, "name": f"{first} {last}", "email": email,
            "phone": phone if rng.random() < 0.7 else None, "postcode": postcode,
            "address": "\n".join([f"{rng.randrange(1, 140)} {rng.choice(STREETS)}", f"{postcode} {town}", *country]),
            # Derived from the e-mail, not drawn, so that the rest of a seed's draws stay as they were.
            "customer_number": "CL" + str(int(hashlib.sha256(email.encode()).hexdigest()[:10], 16) % 10**8).zfill(8)}


def proposal_sections(rng: random.Random, outcome: str, **fields: str) -> tuple[str, ...]:
    """The six sections of a proposal (R-FLOW-3), in the order of ``proposals.models.SECTIONS``."""
    options = (FACTS, CONSUMER_POSITIONS, COMPANY_POSITIONS, LAW, EQUITY, (SOLUTIONS[outcome],))
    return tuple(rng.choice(texts).format(**fields) for texts in options)


def ticket_comments(rng: random.Random, ticket_id: str, person: dict, subject: str, times: dict) -> list[dict]:
    """A ticket's messages in the ``TicketSnapshot.to_json()`` shape; ``times`` gives each message's ISO time."""
    agent = rng.choice(AGENTS)
    return [{"id": f"{ticket_id}{i:02d}", "author_name": person["name"] if mine else agent, "author_is_requester": mine,
             "public": True, "body": rng.choice(texts).format(objet=subject, prenom=person["first"]),
             "created_at": times[name]}
            for i, (name, mine, texts) in enumerate(part for part in CONVERSATION if part[0] in times)]
