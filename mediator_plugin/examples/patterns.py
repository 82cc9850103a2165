"""The shapes of personal data in French text: dates, amounts, phones, addresses, numbers, names.

Pure regular expressions and the small conversions they need (a date to "mars 2026", an amount to
a band); :mod:`mediator_plugin.examples.redaction` combines them into rules.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
_MONTH_WORDS = {**{m: i for i, m in enumerate(MONTHS, 1)}, "fevrier": 2, "aout": 8, "decembre": 12}
_MONTH = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
_DAY = r"(?:1er|[12]\d|3[01]|0?[1-9])"
_WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+"
_PREP = r"(?P<prep>\b(?:[Ll]e|[Dd]u)\s+)?"
_YEAR = r"(?:19|20)\d{2}"

# "le 12 mars 2026", "du 3 au 15 mars", "lundi 1er avril"; the year is optional.
TEXT_DATE = re.compile(
    rf"{_PREP}(?:{_WEEKDAY})?(?<!\d)(?P<range>{_DAY}\s+(?:au|et)\s+(?:le\s+)?)?(?<!\d)(?P<day>{_DAY})\s+"
    rf"(?P<month>{_MONTH})"
    rf"(?:\s+(?P<year>{_YEAR}))?\b", re.IGNORECASE)
# "12/03/2026", "12-03-26", "12.03.2026".
NUMERIC_DATE = re.compile(
    rf"{_PREP}(?<![\d/.-])(?P<day>0?[1-9]|[12]\d|3[01])(?P<sep>[/.-])(?P<month>0?[1-9]|1[0-2])(?P=sep)"
    r"(?P<year>\d{4}|\d{2})(?![\d/])")
# "2026-03-12", "2026-03-12T10:15:00+01:00".
ISO_DATE = re.compile(
    rf"{_PREP}\b(?P<year>{_YEAR})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)")
DATE_PATTERNS = (ISO_DATE, NUMERIC_DATE, TEXT_DATE)
# Words after which "le 3 mars" becomes "mars", not "en mars".
_NO_EN = re.compile(r"\b(?:depuis|dès|avant|après|jusqu'au|jusqu’au|vers|pendant)\s*$", re.IGNORECASE)

NBSP = "\u00a0"
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_INTEGER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+"
_EURO = r"\s?(?:€|euros?\b|EUR\b)"
# A band written by the redaction ("environ 60 €", "entre 200 et 300 €") is left as it is.
AMOUNT = re.compile(
    rf"(?P<band>\b(?:environ|moins de|plus de)\s+(?:{_INTEGER}){_EURO}|\bentre\s+(?:{_INTEGER})\s+et\s+"
    rf"(?:{_INTEGER}){_EURO})|(?P<num>{_NUMBER}){_EURO}|€\s?(?P<num2>{_NUMBER})", re.IGNORECASE)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
FILE_REFERENCE = re.compile(r"\bMED-\d{4}-\d{5}\b")
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)33[\s.-]?\(?0?\)?[1-9]|0[1-9])(?:[\s.-]?\d{2}){4}(?!\d)")
_LABEL = (r"(?:client|contrat|compte|abonné|abonnement|ligne|commande|facture|dossier|ticket|demande|"
          r"réclamation|PDL|PCE)")
# "client n° 12345678", "numéro de contrat : C-2023-0042", "facture F2026-0012": only the value goes.
LABELLED_NUMBER = re.compile(
    rf"(?P<label>\b{_LABEL}\s*(?:n°|n°\s|no\.?\s|numéro\s|num\.?\s|#|:\s?)\s*|\b(?:n°|numéro|référence|réf\.?)"
    rf"\s*(?:de\s+|du\s+|d[’'])?{_LABEL}\s*:?\s*)(?P<value>(?=[\w/.-]*\d)[A-Z0-9][\w/.-]{{2,}}(?<![.-]))",
    re.IGNORECASE)
HASH_NUMBER = re.compile(r"#\s?\d{3,}\b")
LONG_NUMBER = re.compile(r"\b(?:[A-Z]{1,4}-?)?\d{6,}\b")
STREET = re.compile(
    r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|chemin|allée|impasse|place|route|quai|"
    r"cours|square|passage|résidence|lotissement|hameau|lieu-dit)\b[^\n,;.()]*", re.IGNORECASE)
_TOWN = r"[A-ZÀ-Ý][\w'’-]*(?:[ -](?:sur|sous|en|le|la|les|de|du|lès|[A-ZÀ-Ý][\w'’-]*))*"
POSTCODE = re.compile(rf"\b(?:0[1-9]|[1-8]\d|9[0-8]|2[AB])\d{{3}}\b(?:\s+{_TOWN})?")
CIVILITY = r"(?:M\.|Mme|Mlle|Madame|Monsieur|Mademoiselle)"
TITLED_NAME = re.compile(rf"\b{CIVILITY}\s+[A-ZÀ-Ý][\w'’-]+(?:\s+[A-ZÀ-Ý][\w'’-]+)?")


def month_year(match: re.Match) -> str:
    """The matched date as month words, keeping the sentence grammatical ("le 3 mars" → "en mars")."""
    month_raw = match["month"]
    month = int(month_raw) if month_raw.isdigit() else _MONTH_WORDS[_fold(month_raw)]
    year = match["year"]
    if year and len(year) == 2:
        year = "20" + year
    words = MONTHS[month - 1] + (f" {year}" if year else "")
    prep = match["prep"]
    if not prep:  # "Lundi 2 février" at a sentence start keeps its capital
        return words[0].upper() + words[1:] if match.group(0)[0].isupper() else words
    capital = prep[0].isupper()
    before = match.string[:match.start()]
    if prep.strip().lower() == "le" and _NO_EN.search(before):
        return words
    if prep.strip().lower() == "du" and not match.groupdict().get("range"):
        lead = "d'" if words[0] in "ao" else "de "
    else:
        lead = "en "
    return (lead[0].upper() + lead[1:] if capital else lead) + words


def parse_amount(raw: str) -> Decimal | None:
    """"1 234,50" → 1234.50, "59.90" → 59.90, "1.234" → 1234; None when it is not a number."""
    compact = re.sub(r"[ \u00a0\u202f]", "", raw)
    if "," in compact:
        compact = compact.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", compact):
        compact = compact.replace(".", "")
    try:
        return Decimal(compact)
    except InvalidOperation:
        return None


def band(amount: Decimal) -> str:
    """An amount as a band: "moins de 10 €", "environ 60 €", "entre 200 et 300 €", "plus de 10 000 €"."""
    if amount < 10:
        return f"moins de 10{NBSP}€"
    if amount < 100:
        return f"environ {_int((amount / 10).quantize(Decimal(1), ROUND_HALF_UP) * 10)}{NBSP}€"
    if amount >= 10_000:
        return f"plus de {_int(10_000)}{NBSP}€"
    width = 100 if amount < 1000 else 1000
    low = int(amount // width) * width
    return f"entre {_int(low)} et {_int(low + width)}{NBSP}€"


def _int(value) -> str:
    return f"{int(value):,}".replace(",", NBSP)


def _fold(text: str) -> str:
    """Lower case without accents, one character for one (spans stay valid)."""
    return "".join(unicodedata.normalize("NFD", ch)[0] for ch in text).lower()


_ACCENTS = {"a": "àâäáã", "e": "éèêë", "i": "îïí", "o": "ôöó", "u": "ùûüú", "c": "ç", "y": "ÿ", "n": "ñ"}


def name_pattern(name: str, *, any_case: bool) -> str:
    """A regex matching ``name`` with or without its accents; capitalised or upper case unless ``any_case``."""
    parts = []
    for position, ch in enumerate(name):
        base = _fold(ch)
        if not base.isalpha():
            parts.append(r"[\s-]+" if ch in " -" else re.escape(ch))
            continue
        variants = base + _ACCENTS.get(base, "")
        if any_case or position > 0:
            parts.append(f"[{variants}{variants.upper()}]")
        else:
            parts.append(f"[{variants.upper()}]")
    return r"(?<![\w])" + "".join(parts) + r"(?![\w])"
