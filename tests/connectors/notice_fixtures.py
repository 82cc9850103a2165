"""The mediator's contact block as the connectors receive it (built from the charter in the application)."""

from __future__ import annotations

from connectors.notice import MediatorNotice

NOTICE = MediatorNotice(
    subject="Votre réclamation : vous pouvez saisir la médiatrice de la consommation",
    closure="Si cette réponse ne vous satisfait pas, vous pouvez saisir gratuitement la médiatrice de la "
            "consommation :\nClaire Martin, Médiatrice de la société Exemple\n"
            "Adresse postale : Médiation Exemple, 10 rue de la Paix, 75002 Paris\nSite internet (saisine en ligne) : https://mediation.example.com",
    unanswered="Votre réclamation n'a pas reçu de réponse définitive depuis 2 mois. Claire Martin, Médiation Exemple, "
               "10 rue de la Paix, 75002 Paris, https://mediation.example.com",
    unanswered_hours=2 * 31 * 24,
)
IDENTITY = ("Claire Martin", "Médiation Exemple, 10 rue de la Paix, 75002 Paris", "https://mediation.example.com")
