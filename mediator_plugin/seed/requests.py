"""Online requests waiting in the intake queue, of different ages, for the demo.

A newcomer should see the three weeks of L612-2 at work: a request filed a month ago whose refusal deadline has
passed, one at the J+14 alert and a fresh one. Each is filed through the real service
(:func:`mediator_plugin.public.filing.file_online`), then dated back as if it had arrived that day.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from mediator_plugin.core.db import db, utcnow
from mediator_plugin.intake.models import IntakeItem, OnlineFiling
from mediator_plugin.public.filing import FilingRequest, file_online

# (days ago, name, e-mail, what happened, what is asked, certified a prior written complaint)
REQUESTS = (
    (30, "Sylvie Marchand", "sylvie.marchand@example.org",
     "Ma box est coupée depuis six semaines ; le service client m'a répondu qu'aucune panne n'était constatée.",
     "Le remboursement de l'abonnement pendant la coupure.", True),
    (15, "Karim Benali", "karim.benali@example.net",
     "On me facture des frais de résiliation alors que j'ai résilié pendant la période d'essai.",
     "L'annulation des frais de résiliation.", True),
    (2, "Odile Ferrand", "odile.ferrand@example.org",
     "Mon prélèvement de novembre a été fait deux fois.", "Le remboursement du second prélèvement.", False),
)


def seed_pending_requests() -> int:
    """File the demo's online requests, dated back; returns how many were filed. The caller commits."""
    now = utcnow()
    with current_app.test_request_context():
        for days, name, email, happened, asked, certified in REQUESTS:
            filed = file_online(FilingRequest(
                name=name, email=email, postal_address="12 rue des Acacias\n69003 Lyon",
                first_complaint_on=(now - timedelta(days=days + 40)).date() if certified else None,
                what_happened=happened, what_asked=asked, certified_written_complaint=certified))
            moment = now - timedelta(days=days)
            db.session.execute(sa.update(IntakeItem).where(IntakeItem.external_id == filed.reference)
                               .values(asked_at=moment, first_seen_at=moment, last_seen_at=moment))
            db.session.execute(sa.update(OnlineFiling).where(OnlineFiling.reference == filed.reference)
                               .values(filed_at=moment))
    return len(REQUESTS)
