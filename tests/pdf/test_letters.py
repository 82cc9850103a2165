"""The five letters, rendered from the real charter and read back from the PDF."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from mediator_plugin.cases.letters import render_letter
from mediator_plugin.core.charter import load_charter
from mediator_plugin.core.pdf import fr_date, fr_number

CHARTER = load_charter()
TODAY = date(2026, 11, 21)
NOTIFIED = date(2026, 10, 9)
GROUND = CHARTER.ground("NO_PRIOR_WRITTEN_COMPLAINT")
FIELDS = {
    "reference": "MED-2026-0142",
    "consumer_name": "Mme Élodie Lefèvre",
    "received_on": fr_date(date(2026, 10, 2)),
    "notified_on": fr_date(NOTIFIED),
    "outcome_due": fr_date(NOTIFIED + timedelta(days=90)),
    "ground_label": GROUND["label"],
    "next_steps": GROUND["next_steps"].format(company_name=CHARTER.mediator["company_name"],
                                              sector_mediator=CHARTER.sector_mediator()),
    "rejection_clock_start": CHARTER.texts["rejection_clock_receipt"].format(received_on=fr_date(date(2026, 10, 2))),
    "acceptance_deadline": fr_date(TODAY + timedelta(days=14)),
    "extension_reason": "expertise du compteur par un laboratoire indépendant",
    "previous_due": fr_date(date(2027, 1, 7)),
    "new_due": fr_date(date(2027, 3, 1)),
    "ended_on": fr_date(TODAY),
    "correction_notice": "",
    "agreement_terms": "Avoir de 40 € sur la prochaine facture.",
    "closure_summary": "La proposition de solution adressée aux parties le 2 novembre 2026 a été acceptée par les "
                       "deux parties.",
    "closure_answers": "Réponse du consommateur : acceptée le 5 novembre 2026.",
    "closure_reasons": "",
    "closure_recourse": "",
}
RECIPIENT = {"name": "Mme Élodie Lefèvre", "address": "12 allée des Tilleuls\n69003 Lyon",
             "email": "elodie.lefevre@example.org"}
SECTIONS = [
    ("Les faits", "Le 3 mars 2026, Mme Lefèvre a reçu une facture de régularisation.\nElle l'a contestée."),
    ("Position du consommateur", "Mme Lefèvre estime la consommation facturée sans rapport avec son usage."),
    ("Position de la société", "La société maintient que le relevé du compteur est exact."),
    ("Contrat et droit applicable", "Les conditions générales, article 7, prévoient un relevé annuel."),
    ("Considérations d'équité", "Le relevé n'a pas été effectué pendant deux ans."),
    ("Solution proposée", f"La société accorde un avoir de {fr_number(1234.5, 2)} € à Mme Lefèvre."),
]


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def normalised(s: str) -> str:
    return " ".join(s.split())


def render(kind: str, **overrides) -> bytes:
    options = {"charter": CHARTER, "fields": FIELDS, "recipient": RECIPIENT, "today": TODAY,
               "website": "https://mediation.exemple.fr",
               "sections": SECTIONS if kind == "proposal" else None, **overrides}
    return render_letter(kind, **options)


@pytest.mark.requirement("R-INFO-1", "R-INFO-4", "R-PRESC-2", "R-ADM-5")
@pytest.mark.parametrize("kind", sorted(CHARTER.letters))
def test_letter_carries_every_mandatory_mention(kind):
    """Does each letter print, in full, every mention the charter declares for it?"""
    text = text_of(render(kind))
    for name in CHARTER.letters[kind]["mentions"]:
        assert normalised(CHARTER.mentions[name].format_map(FIELDS)) in text, name


@pytest.mark.requirement("R-CONF-4")
@pytest.mark.parametrize("kind", sorted(CHARTER.letters))
def test_letter_shows_heading_recipient_and_footer(kind):
    """Does each letter show its title, reference, French date, recipient, signature and footer?"""
    pdf = render(kind, signed_by="Claire Martin")
    text = text_of(pdf)
    title = CHARTER.letters[kind]["title"]
    assert f"Objet : {title}" in text
    assert "Référence : MED-2026-0142" in text
    assert "Paris, le 21 novembre 2026" in text
    assert "Mme Élodie Lefèvre 12 allée des Tilleuls 69003 Lyon" in text
    assert "Madame, Monsieur," in text
    assert "Signé électroniquement par Claire Martin" in text
    assert CHARTER.mediator["mediator_title"] in text
    assert "Confidentiel – médiation" in text
    assert "Page 1 sur" in text
    assert "https://mediation.exemple.fr" in text  # the letterhead gives the deployment's public address
    assert PdfReader(io.BytesIO(pdf)).metadata.title == f"{title} — MED-2026-0142"


@pytest.mark.requirement("R-FLOW-3")
def test_proposal_prints_sections_before_closing_mentions():
    """Does the proposal print its reasoned sections, then the reminders, in that order?"""
    text = text_of(render("proposal"))
    positions = [text.index(heading) for heading, _ in SECTIONS]
    assert positions == sorted(positions)
    assert text.index("Solution proposée") < text.index(normalised(CHARTER.mentions["free_to_accept"]))
    assert "un avoir de 1 234,50 € à Mme Lefèvre" in text


def test_missing_field_raises_key_error_naming_it():
    """Does a letter with a missing field refuse to render and name the field?"""
    fields = {k: v for k, v in FIELDS.items() if k != "outcome_due"}
    with pytest.raises(KeyError, match="outcome_due"):
        render("seizure", fields=fields)


def test_user_text_is_printed_literally():
    """Is markup-like user text (<b>&) printed as typed, not interpreted?"""
    fields = {**FIELDS, "closure_summary": "accord <b>signé</b> & exécuté"}
    recipient = {**RECIPIENT, "name": "Dupont & Fils <SARL>"}
    text = text_of(render("closure", fields=fields, recipient=recipient))
    assert "accord <b>signé</b> & exécuté" in text
    assert "Dupont & Fils <SARL>" in text


def test_sections_belong_to_the_proposal_only():
    """Are sections refused outside the proposal, and required in it?"""
    with pytest.raises(ValueError, match="sections"):
        render("closure", sections=SECTIONS)
    with pytest.raises(ValueError, match="sections"):
        render("proposal", sections=None)


def test_email_only_recipient():
    """Does a recipient with no postal address still get a recipient block with the e-mail?"""
    text = text_of(render("rejection", recipient={"name": "M. Karim Benali", "address": "",
                                                  "email": "k.benali@example.net"}))
    assert "M. Karim Benali Courriel : k.benali@example.net" in text
