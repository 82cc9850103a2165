"""The mediator's page (R614-1, R-WEB-1..4) and the checker that blocks publication on an empty item."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import pytest
from markupsafe import escape

from mediator_plugin.core.charter import CharterError, load_charter
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.public.r614 import R614_ITEMS, missing_r614_items

CHARTER_DIR = Path(__file__).resolve().parents[2] / "charter"


@pytest.mark.requirement("R-WEB-1")
def test_the_shipped_charter_has_every_item():
    """Is nothing missing from the charter as shipped?"""
    assert missing_r614_items(load_charter(CHARTER_DIR)) == []


@pytest.mark.requirement("R-WEB-1")
@pytest.mark.parametrize("key", ["background", "networks", "listing", "eu_link_url", "mandate_length"])
def test_an_empty_item_is_named(key):
    """Does blanking one item make the checker name it (so that publication is refused)?"""
    charter = load_charter(CHARTER_DIR)
    blanked = dataclasses.replace(charter, mediator={**charter.mediator, key: "   "})
    missing = missing_r614_items(blanked)
    assert len(missing) == 1 and missing[0].endswith(f": {key}")
    assert missing[0].startswith("R614-1 ")


@pytest.mark.requirement("R-WEB-1")
def test_empty_lists_and_rules_items_are_named_too():
    """Are an empty list of laws, an empty step of the process and an empty scope named?"""
    charter = load_charter(CHARTER_DIR)
    blanked = dataclasses.replace(
        charter, mediator={**charter.mediator, "laws": [], "process": [*charter.mediator["process"], ""]},
        rules={**charter.rules, "scope": {**charter.scope, "covered": ""}})
    assert missing_r614_items(blanked) == ["R614-1 6°: scope.covered", "R614-1 7°: laws", "CECMC D01: process"]


@pytest.mark.requirement("R-WEB-4")
def test_the_closed_odr_platform_is_refused_as_the_eu_link(tmp_path):
    """Does a charter pointing item 10 to the closed ODR platform stop start-up (R-WEB-4)?"""
    shutil.copytree(CHARTER_DIR, tmp_path / "charter")
    path = tmp_path / "charter" / "mediator.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('eu_link_url = "') + len('eu_link_url = "')
    path.write_text(text[:start] + "https://ec.europa.eu/consumers/odr/main" + text[text.index('"', start):],
                    encoding="utf-8")
    with pytest.raises(CharterError, match="eu_link_url"):
        load_charter(tmp_path / "charter")


@pytest.mark.requirement("R-WEB-1", "R-WEB-3", "R-WEB-4")
def test_the_page_shows_every_item_and_the_pre_check(app):
    """Does / show each of the R614-1 items, the process, the rights and a pre-check made of plain links?"""
    from mediator_plugin import state

    page = app.test_client().get("/").get_data(as_text=True)
    charter = state().charter
    for source, key in R614_ITEMS:
        if key == "scope.covered":
            assert str(escape(charter.scope["covered"])) in page
        elif key == "grounds":
            assert all(str(escape(g["label"])) in page for g in charter.rules["grounds"])
        elif key == "laws":
            assert all(law["url"] in page and str(escape(law["label"])) in page
                       for law in charter.mediator["laws"])
        elif isinstance(charter.mediator[key], date):  # the mandate's first and last day
            assert fr_date(charter.mediator[key]) in page, key
        elif source != "RGPD art. 13":
            values = charter.mediator[key] if isinstance(charter.mediator[key], list) else [charter.mediator[key]]
            assert all(str(escape(v)) in page for v in values), key
    assert "/odr" not in page
    assert 'id="precheck"' in page and "<script" not in page
    assert 'href="/saisir"' in page and 'href="/suivi"' in page and 'href="/rapports"' in page
