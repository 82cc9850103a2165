"""Registering a request received by post, e-mail, phone or at the desk, as the team does in the console."""

from __future__ import annotations

import html
import re
from datetime import date
from io import BytesIO

from mediator_plugin.core.db import db
from mediator_plugin.intake.offline import OfflineRequest, register
from tests.support import samples

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_URL = "/console/arrivees/enregistrer"
SCAN = samples.pdf("Lettre du consommateur")
LETTER = {
    "channel": "post", "name": "Marcel Lefèvre", "postal_address": "12 chemin des Vignes\n24100 Bergerac",
    "email": "", "phone": "05 53 00 00 00", "customer_number": "C-40917", "first_complaint_on": "",
    "what_happened": "Résiliation demandée par lettre recommandée le 2 janvier ; la société facture encore "
                     "février et mars.",
    "what_asked": "L'annulation des factures de février et mars.",
    "note": "Lettre manuscrite, tampon d'arrivée lisible.",
}


def csrf_of(response) -> str:
    return CSRF.search(response.get_data(as_text=True)).group(1)


def post_registration(client, *, files=(("lettre-lefevre.pdf", SCAN),), **changes):
    """Fill in the console form as a person would and submit it; ``files`` as (name, bytes) pairs."""
    token = csrf_of(client.get(FORM_URL))
    data = {**LETTER, **changes, "csrf_token": token,
            "documents": [(BytesIO(content), name) for name, content in files]}
    return client.post(FORM_URL, data=data, content_type="multipart/form-data")


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def registered(actor, *, received_on: date, channel: str = "post", email: str = "",
               documents=(("lettre.pdf", SCAN),), **changes):
    """A request registered through the service, committed (what the console form calls)."""
    fields = {key: value for key, value in LETTER.items() if key not in ("channel", "email", "first_complaint_on")}
    item = register(OfflineRequest(**{**fields, **changes}, channel=channel, email=email, received_on=received_on,
                                   documents=list(documents)), actor)
    db.session.commit()
    return item
