"""Postcode → département → region (R-STATS-2): the data table is complete and each kind of address lands where
it should — Corsica, overseas, a collectivité d'outre-mer, abroad, nothing readable."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from mediator_plugin.core import geography
from mediator_plugin.core.geography import OUTSIDE, departement_of, locate, postcode_in, region_names

pytestmark = pytest.mark.requirement("R-STATS-2")

METROPOLITAN = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
OVERSEAS = {"971": "01", "972": "02", "973": "03", "974": "04", "976": "06"}


def _postcode_of(departement: str) -> str:
    """A postcode of the département: its chief town's pattern (Ajaccio 20000, Bastia 20200)."""
    return {"2A": "20000", "2B": "20200"}.get(departement, departement.ljust(5, "0"))


def test_every_departement_is_in_exactly_one_of_the_18_regions():
    """Do the 96 metropolitan départements and the five overseas ones each belong to one region, out of 13
    metropolitan and 5 overseas regions, with two more lines (collectivités d'outre-mer, outside France)?"""
    names = region_names()
    assert len(names) == 18 + 2 and list(names)[-1] == OUTSIDE and names[OUTSIDE] == "Hors France ou inconnue"
    listed = [d for r in tomllib.loads(Path(geography.__file__).with_name("regions.toml").read_text())["regions"]
              for d in r["departements"]]
    assert len(listed) == len(set(listed)) == len(METROPOLITAN) + len(OVERSEAS) + 7  # + the 7 collectivités
    placed = {d: locate(_postcode_of(d)).region for d in METROPOLITAN | set(OVERSEAS)}
    assert all(region not in (OUTSIDE, "COM") for region in placed.values())
    assert {placed[d] for d in METROPOLITAN} == set(list(names)[:13])
    assert {d: placed[d] for d in OVERSEAS} == OVERSEAS
    assert names["11"] == "Île-de-France" and placed["75"] == placed["93"] == "11"
    assert names["94"] == "Corse" and placed["2A"] == placed["2B"] == "94"


@pytest.mark.parametrize(("postcode", "address", "abroad", "expected"), [
    ("33000", None, False, ("33", "75")),                                       # Bordeaux, Nouvelle-Aquitaine
    (None, "3 rue des Lilas\n33000 Bordeaux", False, ("33", "75")),             # read from the address
    (None, "Résidence Les Pins, 12 rue X, 20137 Porto-Vecchio", False, ("2A", "94")),
    (None, "8 boulevard Paoli\n20200 Bastia", False, ("2B", "94")),
    ("97400", None, False, ("974", "04")),                                      # La Réunion
    ("97600", None, False, ("976", "06")),                                      # Mayotte
    ("97133", None, False, ("977", "COM")),                                     # Saint-Barthélemy
    ("98800", None, False, ("988", "COM")),                                     # Nouvelle-Calédonie
    ("98000", None, False, (None, OUTSIDE)),                                    # Monaco
    (None, "Hauptstraße 3\n66111 Sarrebruck\nAllemagne", False, (None, OUTSIDE)),  # a country on the last line
    (None, "10 rue de la Paix\n75002 Paris\nFRANCE", False, ("75", "11")),      # France named: still France
    (None, "BP 4, 75002 Paris Cedex 02", False, ("75", "11")),                  # a CEDEX line is no country
    ("33000", "3 rue des Lilas\n33000 Bordeaux", True, (None, OUTSIDE)),        # a cross-border file
    (None, "12 rue sans code, Lyon", False, (None, OUTSIDE)),
    ("00100", None, False, (None, OUTSIDE)),
    ("1000", "Rue Neuve 5\n1000 Bruxelles\nBelgique", False, (None, OUTSIDE)),  # four digits: not French
])
def test_each_kind_of_address_lands_in_its_region(postcode, address, abroad, expected):
    """Is each consumer placed in the right département and region, or outside France / unknown?"""
    place = locate(postcode, address, abroad=abroad)
    assert (place.departement, place.region) == expected


def test_the_postcode_is_the_last_five_digit_group():
    """Is the postcode read after the street number, and a foreign country noticed only after it?"""
    assert postcode_in("12345 chemin du Moulin\n69003 Lyon") == ("69003", False)
    assert postcode_in("Calle Mayor 1, 08001 Barcelone, Espagne") == ("08001", True)
    assert postcode_in("") == (None, False)
    assert departement_of("20 190") == "2A" and departement_of("2019") is None
