"""Where a consumer lives, for the report's breakdown by region (R-STATS-2): postcode → département → region.

The départements and the 18 regions (13 in metropolitan France, 5 overseas) are data, ``regions.toml`` beside
this module, under INSEE's codes. A French postcode's first two digits name the département, three overseas
(971 to 976, save Saint-Barthélemy's and Saint-Martin's, listed apart); Corsica's 20xxx split into Corse-du-Sud
(2A: 200xx and 201xx) and Haute-Corse (2B: from 20200).
A few communes near a border carry the postcode of the neighbouring département: at the level of the region the
answer is nearly always the same, and the report goes no finer (R-GDPR-7). The collectivités d'outre-mer (975,
977, 978, 984, 986 to 988) belong to no region and have their own line. A consumer abroad — a cross-border file,
Monaco's 980xx, an address whose last line names another country — and an address without a readable postcode
count as "hors France ou inconnue" (:data:`OUTSIDE`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mediator_plugin.core.text import match_key

OUTSIDE = "99"
_POSTCODE = re.compile(r"(?<![\d-])(\d{5})(?!\d)")
_SEGMENTS = re.compile(r"[\n,]")


@dataclass(frozen=True)
class Place:
    """A consumer's département (None when unknown or abroad) and region code."""

    departement: str | None
    region: str


@cache
def _table() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(region code → name, in the file's order), (département → region code), (postcode → its territory
    where the first digits say otherwise)."""
    data = tomllib.loads(Path(__file__).with_name("regions.toml").read_text(encoding="utf-8"))
    names = {r["code"]: r["name"] for r in data["regions"]}
    regions = {d: r["code"] for r in data["regions"] for d in r["departements"]}
    return names, regions, data["postcodes"]


def region_names() -> dict[str, str]:
    """Region code → French name, every line the report may show, :data:`OUTSIDE` last."""
    return dict(_table()[0])


def departement_of(postcode: str | None) -> str | None:
    """The département a French postcode belongs to ("2A", "69", "974"), or None when it is not five digits."""
    digits = (postcode or "").replace(" ", "")
    if not re.fullmatch(r"\d{5}", digits):
        return None
    if digits in _table()[2]:
        return _table()[2][digits]
    if digits.startswith("20"):
        return "2A" if digits < "20200" else "2B"
    return digits[:3] if digits.startswith(("97", "98")) else digits[:2]


def postcode_in(postal_address: str | None) -> tuple[str | None, bool]:
    """The postcode of a postal address (the last five-digit group) and whether a later line names a country
    other than France ("66111 Sarrebruck / Allemagne"): postal custom puts the country last."""
    segments = [s.strip() for s in _SEGMENTS.split(postal_address or "") if s.strip()]
    for position in range(len(segments) - 1, -1, -1):
        found = _POSTCODE.findall(segments[position])
        if found:
            return found[-1], any(_names_a_country(s) for s in segments[position + 1:])
    return None, False


def _names_a_country(segment: str) -> bool:
    key = match_key(segment)
    return not any(c.isdigit() for c in key) and "cedex" not in key and not key.startswith("france")


def locate(postcode: str | None, postal_address: str | None = None, *, abroad: bool = False) -> Place:
    """Where a consumer lives: from ``postcode``, else the one in ``postal_address``; :data:`OUTSIDE` when
    ``abroad`` (a cross-border file), when the address ends with another country, or when nothing is readable."""
    in_address, foreign_line = postcode_in(postal_address)
    departement = departement_of(postcode) or departement_of(in_address)
    region = _table()[1].get(departement or "")
    if abroad or foreign_line or region is None:
        return Place(None, OUTSIDE)
    return Place(departement, region)
