"""Automatic redaction and the residual-identifier check (R-GDPR-7), as pure functions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mediator_plugin.examples.patterns import band, parse_amount
from mediator_plugin.examples.redaction import Identifiers, Residual, find_residuals, redact

IDS = Identifiers(
    consumer_names=("Jeanne Dupont",), other_names=("Maître Paul Lefèvre", "Karim"),
    emails=("jeanne.dupont@example.org",), phones=("06 12 34 56 78",),
    address_lines=("3 rue des Lilas", "33000 Bordeaux"), towns=("Bordeaux",),
    references=("MED-2026-00012",), ticket_ids=("900000042",),
    amounts=frozenset({Decimal("59.90"), Decimal("8")}),
)
NOBODY = Identifiers()


def plain(text: str) -> str:
    """The redaction writes no-break spaces before € and in thousands; compare with plain spaces."""
    return text.replace("\u00a0", " ")


@pytest.mark.requirement("R-GDPR-7")
@pytest.mark.parametrize(("text", "expected"), [
    ("Le 12 mars 2026, la facture est arrivée.", "En mars 2026, la facture est arrivée."),
    ("Prélevé le 12/03/2026.", "Prélevé en mars 2026."),
    ("Prélevé le 12-03-26.", "Prélevé en mars 2026."),
    ("Prélevé le 2026-03-12.", "Prélevé en mars 2026."),
    ("Copie du 2026-03-12T10:15:00+01:00 dans le dossier.", "Copie de mars 2026 dans le dossier."),
    ("Relancé le 1er avril 2026.", "Relancé en avril 2026."),
    ("À partir du 3 avril 2026, plus rien.", "À partir d'avril 2026, plus rien."),
    ("Coupé depuis le 5 août.", "Coupé depuis août."),
    ("Absent du 3 au 15 mars 2026.", "Absent en mars 2026."),
    ("Lundi 2 février 2026 au matin.", "Février 2026 au matin."),
    ("Le 21 mars, rien ; le 31 décembre 2025 non plus.", "En mars, rien ; en décembre 2025 non plus."),
])
def test_exact_dates_become_month_and_year(text, expected):
    """Does every French and ISO date form lose its day and keep a readable sentence?"""
    assert redact(text, NOBODY) == expected


@pytest.mark.parametrize(("raw", "value"), [
    ("59,90", Decimal("59.90")), ("1 234,50", Decimal("1234.50")), ("1\u202f234,50", Decimal("1234.50")),
    ("1.234,50", Decimal("1234.50")), ("59.90", Decimal("59.90")), ("1.234", Decimal("1234")), ("60", Decimal("60")),
])
def test_amounts_are_read_in_french_and_english_notation(raw, value):
    """Is each written form of an amount read as the right number?"""
    assert parse_amount(raw) == value


@pytest.mark.requirement("R-GDPR-7")
@pytest.mark.parametrize(("amount", "expected"), [
    ("8", "moins de 10 €"), ("59.90", "environ 60 €"), ("95", "environ 100 €"), ("234", "entre 200 et 300 €"),
    ("1234.50", "entre 1 000 et 2 000 €"), ("12000", "plus de 10 000 €"),
])
def test_bands(amount, expected):
    """Is each amount put in a band that no longer gives the exact figure?"""
    assert plain(band(Decimal(amount))) == expected


@pytest.mark.requirement("R-GDPR-7")
@pytest.mark.parametrize(("text", "expected"), [
    ("Deux prélèvements de 59,90 € chacun.", "Deux prélèvements d'environ 60 € chacun."),
    ("Une facture de 1 234,50 € contestée.", "Une facture d'entre 1 000 et 2 000 € contestée."),
    ("Un geste de 60 euros.", "Un geste d'environ 60 €."),
    ("Frais : 8 EUR et €250.", "Frais : moins de 10 € et entre 200 et 300 €."),
])
def test_amounts_in_text_are_banded(text, expected):
    """Are amounts written with €, euros or EUR replaced by their band, grammar kept?"""
    assert plain(redact(text, NOBODY)) == expected


@pytest.mark.requirement("R-GDPR-7")
def test_parties_contacts_and_numbers_are_removed():
    """Do names, e-mail, phones, address, postcode, reference, ticket and contract numbers all go?"""
    text = ("Mme Jeanne DUPONT (jeanne.dupont@example.org, 06 12 34 56 78, +33 1 23 45 67 89), "
            "3 rue des Lilas, 33000 Bordeaux. Dossier MED-2026-00012, ticket 900000042, client n° 12345678, "
            "numéro de contrat : C-2023-0042. Maître Paul Lefèvre l'assiste ; M. Karim Benali a répondu.")
    out = redact(text, IDS)
    assert out == ("Le consommateur ([courriel], [téléphone], [téléphone]), [adresse], [adresse]. "
                   "Dossier [référence], ticket [ticket], client n° [numéro], numéro de contrat : [numéro]. "
                   "[nom] l'assiste ; [nom] a répondu.")


@pytest.mark.requirement("R-GDPR-7")
def test_unknown_postcode_street_and_long_numbers_go_too():
    """Are identifiers not in the file (another address, a postcode, a long number) removed as well?"""
    out = redact("Livré au 12 bis avenue Foch, 69003 Lyon ; compte 98765432101 ; ticket #4521.", NOBODY)
    assert out == "Livré au [adresse], [lieu] ; compte [numéro] ; ticket [numéro]."


@pytest.mark.requirement("R-GDPR-7")
def test_names_in_every_position_keep_the_sentence_french():
    """Does "de Mme Dupont" become "du consommateur" and a sentence start keep its capital?"""
    out = redact("La demande de Mme Dupont. dupont et l'avis d'Jeanne. Jeanne Dupont écrit à Jeanne.", IDS)
    assert out == "La demande du consommateur. dupont et l'avis du consommateur. Le consommateur écrit au consommateur."


def test_common_words_that_look_like_names_or_towns_stay():
    """Are ordinary words kept ("un petit montant", "dans le sens"), however close to a name or a town?"""
    ids = Identifiers(consumer_names=("Louis Petit",), towns=("Sens",))
    assert redact("Un petit montant, dans le sens du contrat.", ids) == "Un petit montant, dans le sens du contrat."
    assert redact("M. Petit habite Sens.", ids) == "Le consommateur habite [lieu]."


@pytest.mark.requirement("R-GDPR-7")
def test_accents_and_case_do_not_hide_a_name():
    """Is "Lefevre" without its accent, or in capitals, still found?"""
    ids = Identifiers(consumer_names=("Hélène Lefèvre",))
    assert redact("Helene LEFEVRE et Mme Lefevre.", ids) == "Le consommateur et le consommateur."


def test_redaction_is_idempotent_and_leaves_ordinary_text():
    """Does a second pass change nothing, and text without identifiers stay as it was?"""
    text = "Le 3 mars, deux prélèvements de 59,90 € pour Mme Dupont (client n° 12345678)."
    once = redact(text, IDS)
    assert redact(once, IDS) == once
    ordinary = "L'article 7 des conditions générales prévoit un prélèvement unique sous 15 jours."
    assert redact(ordinary, IDS) == ordinary


@pytest.mark.requirement("R-GDPR-7")
def test_residual_check_names_what_is_left():
    """Does the check list each identifier still in the text, with its kind, in order?"""
    text = ("Mme Dupont a écrit le 12/03/2026 depuis jeanne.dupont@example.org au sujet de MED-2026-00012 "
            "(ticket 900000042) : 59,90 € prélevés deux fois, à Bordeaux.")
    assert find_residuals(text, IDS) == [
        Residual("name", "Mme Dupont"), Residual("exact_date", "12/03/2026"),
        Residual("email", "jeanne.dupont@example.org"), Residual("reference", "MED-2026-00012"),
        Residual("ticket", "900000042"), Residual("exact_amount", "59,90 €"), Residual("place", "Bordeaux"),
    ]


def test_residual_check_accepts_what_the_redaction_writes():
    """Are redacted text, bands and amounts not in the file left alone by the check?"""
    text = redact("Le 3 mars, Mme Dupont a payé 59,90 € et 8 €, ticket 900000042.", IDS)
    assert find_residuals(text, IDS) == []
    assert find_residuals("Un forfait de 15 € s'applique à tous les clients.", IDS) == []
