"""The items the mediator's website must show (R614-1, CECMC D01), and the check that none is empty.

``mediator publish`` refuses publication while :func:`missing_r614_items` names anything (R-WEB-1); the
public page reads the same keys, so what is checked is what is shown. A mandate that is over counts as missing:
the page must be kept current (R-IND-2).
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.charter import Charter
from mediator_plugin.core.db import utcnow
from mediator_plugin.core.pdf import fr_date

# (where the item is required, charter key). Keys without a dot live in mediator.toml; "scope.covered" and
# "grounds" in rules.toml. "none" is an answer: the charter says "Aucun", never leaves an item blank.
R614_ITEMS: tuple[tuple[str, str], ...] = (
    ("R614-1 1°", "postal_address"),
    ("R614-1 1°", "email"),
    ("R614-1 2°", "listing"),
    ("R614-1 3°", "appointment"),
    ("R614-1 3°", "mandate_length"),
    ("R614-1 3°", "mandate_start"),
    ("R614-1 3°", "mandate_end"),
    ("L613-2 1°", "appointing_body"),
    ("R614-1 4°", "background"),
    ("R614-1 5°", "networks"),
    ("R614-1 6°", "scope.covered"),
    ("R614-1 7°", "laws"),
    ("R614-1 8°", "grounds"),
    ("R614-1 9°", "languages"),
    ("R614-1 10°", "eu_link_url"),
    ("R614-1 10°", "eu_link_label"),
    ("CECMC D01", "mediator_name"),
    ("CECMC D01", "listing_date"),
    ("CECMC D01", "process"),
    ("CECMC D01", "rights"),
    ("RGPD art. 13", "privacy_contact"),
    # L612-1: the consumer may always turn to the sector mediator; the refusal letters name it (R-SCOPE-3).
    ("L612-1", "sector_mediator_name"),
    ("L612-1", "sector_mediator_address"),
    ("L612-1", "sector_mediator_website"),
)
# What an unfinished charter holds instead of a value: a website that is no web address, a "to complete" note.
_PLACEHOLDER = re.compile(r"(?i)(à compléter|a completer|to be completed|todo|xxx|\[[^\]]*\]|…|\.\.\.)")
_URL_KEYS = ("sector_mediator_website", "eu_link_url")


def _value(charter: Charter, key: str):
    if key == "scope.covered":
        return charter.scope.get("covered")
    if key == "grounds":
        return [g.get("label", "") for g in charter.rules.get("grounds", [])]
    return charter.mediator.get(key)


def _empty(value) -> bool:
    if isinstance(value, str):
        return not value.strip() or bool(_PLACEHOLDER.search(value))
    if isinstance(value, dict):
        return any(_empty(v) for v in value.values())
    if isinstance(value, list):
        return not value or any(_empty(v) for v in value)
    return value is None


def missing_r614_items(charter: Charter, today: date | None = None) -> list[str]:
    """Every required item that is empty or a placeholder, as ``"R614-1 4°: background"``, and the mandate's end
    once it is past (``today``: Paris today by default); an empty list when all are there and current."""
    today = today or paris_date(utcnow())
    missing = [f"{source}: {key}" for source, key in R614_ITEMS
               if _empty(_value(charter, key)) or (key in _URL_KEYS and not _value(charter, key).startswith("https://"))]
    end = charter.mediator.get("mandate_end")
    if isinstance(end, date) and end < today:
        missing.append("R614-1 3°: mandate_end (" + _("the mandate ended on %(date)s", date=fr_date(end)) + ")")
    return missing
