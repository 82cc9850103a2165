"""A consumer without an e-mail address (R-PROC-1): the letters are stored for the post, and nothing — page,
history, outbox, SMTP — says they were sent; the company's copy still leaves by mail. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mediator_plugin.cases import admissibility, instruction
from mediator_plugin.core.db import db
from mediator_plugin.core.delivery import deliver_outbox
from mediator_plugin.core.outbox import OutboxKind, OutboxMessage
from mediator_plugin.intake.services import open_case
from mediator_plugin.proposals import services as proposals
from tests.support.clock import paris_today
from tests.support.factories import SECTIONS
from tests.support.letters import letter_text
from tests.support.offline import csrf_of, page_text, registered

COMPANY = "juridique@example.com"
SEIZURE = "Notification de la saisine du médiateur"


def _file_without_email(actor):
    case = open_case(registered(actor, received_on=paris_today()), actor)
    db.session.commit()
    return case


def _act(client, reference: str, action: str, **fields):
    token = csrf_of(client.get(f"/console/dossiers/{reference}"))
    response = client.post(f"/console/dossiers/{reference}/actions/{action}", data={**fields, "csrf_token": token})
    assert response.status_code == 303, page_text(response)[:2000]
    return page_text(client.get(response.headers["Location"]))


def _mail_recipients(case) -> list[list[str]]:
    db.session.expire_all()
    return [m.payload["to"] for m in db.session.execute(sa.select(OutboxMessage).where(
        OutboxMessage.case_id == case.id, OutboxMessage.kind == OutboxKind.MAIL).order_by(OutboxMessage.id)).scalars()]


@pytest.mark.requirement("R-PROC-1", "R-INFO-1")
def test_consumer_without_email_gets_a_seizure_notice_to_post_and_nothing_claims_it_was_emailed(
        app, people, client_for, smtp):
    """Admitting the file of a letter without an e-mail address: the consumer's notice is stored, addressed to the
    postal address, and said to be sent by post; only the company's copy is queued, and only it reaches SMTP."""
    case = _file_without_email(people.gestionnaire)
    lisa = client_for("gestionnaire")
    _act(lisa, case.reference, "mark_complete")
    _act(lisa, case.reference, "declare_interests", has_conflict="no")
    page = _act(lisa, case.reference, "declare_admissible")

    assert (f"Le dossier est déclaré recevable. Courrier « {SEIZURE} » : en cours d'envoi par courriel (société) ; "
            "enregistré au dossier, à envoyer par courrier (consommateur).") in page
    assert ("Déclaré recevable ; notification de la saisine aux deux parties (à envoyer par courrier : "
            "consommateur).") in page
    assert (f"Courrier « {SEIZURE} » (destinataire : consommateur) enregistré au dossier, à envoyer par courrier : "
            "aucune adresse de courriel n'est connue.") in page
    assert "en cours d'envoi aux deux parties" not in page and "saisine notifiée aux deux parties" not in page

    notice = letter_text(case, "seizure", "consumer")
    assert "Marcel Lefèvre" in notice and "24100 Bergerac" in notice and "retirer" in notice
    assert _mail_recipients(case) == [[COMPANY]]
    smtp.inbox.messages.clear()
    assert deliver_outbox().failed == 0
    assert [m["To"] for m in smtp.inbox.messages] == [COMPANY]


@pytest.mark.requirement("R-PROC-1", "R-INFO-1")
def test_proposal_to_a_consumer_without_email_is_signed_and_left_for_the_post(app, people, client_for):
    """The mediator signs: the page and the history say the consumer's letter is to be sent by post, not sent."""
    case = _file_without_email(people.gestionnaire)
    admissibility.mark_complete(case, people.gestionnaire)
    instruction.declare_interests(case, people.gestionnaire, has_conflict=False)
    admissibility.declare_admissible(case, people.gestionnaire)
    proposals.save_proposal(case, people.gestionnaire, **SECTIONS)
    db.session.commit()
    claire = client_for("mediatrice")
    token = csrf_of(claire.get(f"/console/dossiers/{case.reference}/avis/"))
    response = claire.post(f"/console/dossiers/{case.reference}/avis/signer",
                           data={"outcome": "PARTLY_FAVOURABLE", "csrf_token": token})
    assert response.status_code == 303, page_text(response)[:2000]
    page = page_text(claire.get(response.headers["Location"]))
    assert ("La proposition est signée. Courrier « Proposition de solution du médiateur » : en cours d'envoi par "
            "courriel (société) ; enregistré au dossier, à envoyer par courrier (consommateur).") in page
    assert "Proposition de solution, version 1, signée (à envoyer par courrier : consommateur)" in page
    assert "signée et envoyée" not in page and "en cours d'envoi aux deux parties" not in page
    assert _mail_recipients(case) == [[COMPANY], [COMPANY]]  # the company's notice of seizure, then its proposal


@pytest.mark.requirement("R-INFO-1")
def test_both_parties_with_email_are_told_the_letters_are_on_their_way(app, people, client_for):
    """With an e-mail address on both sides nothing changes: one mail each, and the page says so."""
    case = open_case(registered(people.gestionnaire, received_on=paris_today(), email="marcel@example.net"),
                     people.gestionnaire)
    admissibility.mark_complete(case, people.gestionnaire)
    instruction.declare_interests(case, people.gestionnaire, has_conflict=False)
    db.session.commit()
    page = _act(client_for("gestionnaire"), case.reference, "declare_admissible")
    assert "la notification de la saisine est en cours d'envoi aux deux parties" in page
    assert "saisine notifiée aux deux parties" in page and "à envoyer par courrier" not in page
    assert _mail_recipients(case) == [["marcel@example.net"], [COMPANY]]
