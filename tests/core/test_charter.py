"""The charter as validated data: the law's lists cannot be dropped (R-ADM-1, R-STATS-3, R-INFO-1)."""

from __future__ import annotations

import shutil

import pytest

from mediator_plugin.core.charter import CharterError, load_charter
from mediator_plugin.core.paths import find_data_path


@pytest.fixture
def charter_copy(tmp_path):
    target = tmp_path / "charter"
    shutil.copytree(find_data_path("charter"), target)
    return target


@pytest.mark.requirement("R-ADM-1")
def test_shipped_charter_is_valid():
    """Does the charter in the repository load, with its version and the five grounds?"""
    charter = load_charter()
    assert charter.version == "2026.1"
    assert [g["code"] for g in charter.rules["grounds"]] == [
        "NO_PRIOR_WRITTEN_COMPLAINT", "MANIFESTLY_UNFOUNDED_OR_ABUSIVE", "ALREADY_EXAMINED_OR_PENDING_ELSEWHERE",
        "OVER_ONE_YEAR", "OUT_OF_SCOPE"]
    assert charter.deadlines["rejection_days"] == 21 and charter.deadlines["outcome_days"] == 90


@pytest.mark.requirement("R-ADM-1")
def test_dropping_a_legal_ground_is_refused(charter_copy):
    """Is a charter missing one of the five grounds refused, naming the file?"""
    rules = charter_copy / "rules.toml"
    text = rules.read_text()
    start = text.index('[[grounds]]\ncode = "OVER_ONE_YEAR"')
    end = text.index("[[grounds]]", start + 5)
    rules.write_text(text[:start] + text[end:])
    with pytest.raises(CharterError, match=r"rules\.toml.*grounds"):
        load_charter(charter_copy)


@pytest.mark.requirement("R-INFO-1")
def test_a_letter_without_its_mandatory_mention_is_refused(charter_copy):
    """Is a proposal letter that lost "free to accept" refused (R-INFO-1)?"""
    letters = charter_copy / "letters.toml"
    letters.write_text(letters.read_text().replace('mentions = ["free_to_accept", ', 'mentions = ['))
    with pytest.raises(CharterError, match="free_to_accept"):
        load_charter(charter_copy)


@pytest.mark.requirement("R-DEADLINE-3")
def test_deadlines_beyond_the_law_are_refused(charter_copy):
    """Can the charter not lengthen the legal 21 days or 90 days?"""
    rules = charter_copy / "rules.toml"
    rules.write_text(rules.read_text().replace("outcome_days = 90", "outcome_days = 120"))
    with pytest.raises(CharterError, match="outcome_days"):
        load_charter(charter_copy)


@pytest.mark.requirement("R-INFO-1")
def test_any_change_changes_the_fingerprint(charter_copy):
    """Does editing the charter text change the SHA-256 a file records?"""
    before = load_charter(charter_copy).sha256
    (charter_copy / "charte.md").write_text((charter_copy / "charte.md").read_text() + "\nAjout.\n")
    assert load_charter(charter_copy).sha256 != before


@pytest.mark.requirement("R-HELPDESK-1")
def test_a_helpdesk_block_without_the_postal_address_is_refused(charter_copy):
    """Is a closing-answer block that no longer prints the mediator's postal address refused (R616-1)?"""
    mediator = charter_copy / "mediator.toml"
    text = mediator.read_text()
    start = text.index("closure = ")
    mediator.write_text(text[:start] + text[start:].replace("Adresse postale : {postal_address}\n", "", 1))
    with pytest.raises(CharterError, match=r"mediator\.toml.*helpdesk_notice\.closure.*postal_address"):
        load_charter(charter_copy)


@pytest.mark.requirement("R-HELPDESK-1")
def test_a_helpdesk_block_naming_an_unknown_field_is_refused(charter_copy):
    """Is a block using a field the code does not fill (here the consumer's name) refused?"""
    mediator = charter_copy / "mediator.toml"
    mediator.write_text(mediator.read_text().replace("depuis {months} mois.", "depuis {months} mois, {consumer_name}."))
    with pytest.raises(CharterError, match="consumer_name"):
        load_charter(charter_copy)
