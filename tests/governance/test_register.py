"""charter/governance.toml, checked at start-up like the rest of the charter (R-IND-5, R-SCOPE-4, R-CECMC-2): the
post-mandate restriction of three years at least, what each listing status needs, the training register; and
part of the charter's fingerprint."""

from __future__ import annotations

from datetime import date

import pytest

from mediator_plugin.core.charter import CharterError, load_charter
from mediator_plugin.governance.register import register, training_log
from tests.support.charter import charter_copy

NOT_LISTED = [(r"^listed = true$", "listed = false"),
              (r'^listed_mediator_name = ""$', 'listed_mediator_name = "Médiateur des communications électroniques"'),
              (r'^listed_mediator_address = ""$', 'listed_mediator_address = "CS 30342, 94257 Gentilly Cedex"'),
              (r'^listed_mediator_website = ""$', 'listed_mediator_website = "https://www.mediation-telecom.org"')]


@pytest.mark.requirement("R-IND-5", "R-CECMC-2")
def test_the_shipped_register_holds_each_item():
    """Does the shipped charter's register give the appointment decision, the budget line, the mandate (from
    mediator.toml), the restriction's end, the listing, and the trainings of a year?"""
    charter = load_charter()
    entries = register(charter)
    assert entries["appointment"]["decided_on"] == "2025-12-15"
    assert entries["appointment"]["minutes_reference"].startswith("Procès-verbal de la séance du 15 décembre 2025")
    assert entries["mandate"] == {"start": "2026-01-02", "end": "2029-01-01"}
    assert entries["budget_line_reference"].startswith("Budget 2026 de la médiation")
    assert entries["post_mandate_restriction_ends_on"] == "2032-01-01"
    assert entries["listing"]["listed"] is True and entries["listing"]["listed_on"] == "2026-03-16"
    assert [t["hours"] for t in training_log(charter, 2026)] == [7.0, 14.0] and training_log(charter, 2025) == []


@pytest.mark.requirement("R-IND-5")
@pytest.mark.parametrize(("ends_on", "accepted"), [("2032-01-01", True), ("2031-12-31", False)])
def test_the_restriction_lasts_three_years_after_the_mandate(tmp_path, ends_on, accepted):
    """With a mandate ending on 1 January 2029, is a restriction ending on 1 January 2032 accepted and one ending a
    day earlier refused, naming the key and the earliest end (L613-2 2°)?"""
    directory = charter_copy(tmp_path, governance_toml=[(r"^restriction_ends_on = .*$",
                                                         f"restriction_ends_on = {ends_on}")])
    if accepted:
        assert load_charter(directory).governance["post_mandate"]["restriction_ends_on"] == date(2032, 1, 1)
    else:
        with pytest.raises(CharterError, match=r"governance\.toml: post_mandate\.restriction_ends_on: .*three years "
                                               r".* on 2032-01-01 at the earliest"):
            load_charter(directory)


@pytest.mark.requirement("R-CECMC-4", "R-SCOPE-4")
@pytest.mark.parametrize(("edits", "message"), [
    ({"governance_toml": [(r"^listed_on = .*$", "")]}, r"listing\.listed_on: the day of the listing"),
    ({"governance_toml": [(r"^cecmc_decision = .*$", 'cecmc_decision = " "')]}, r"listing\.cecmc_decision"),
    ({"mediator_toml": [(r"^listing_date = .*$", 'listing_date = "Inscrite le 2 avril 2026."')]},
     r"mediator\.toml: listing_date: .* 16 mars 2026"),
    ({"governance_toml": [(r"^listed = true$", "listed = false")]}, r"listing\.listed_mediator_name: a mediator who "
                                                                   r"is not listed must name the listed"),
    ({"governance_toml": [*NOT_LISTED[:3], (r'^listed_mediator_website = ""$', 'listed_mediator_website = "www"')]},
     r"listing\.listed_mediator_website"),
    ({"governance_toml": NOT_LISTED, "letters_toml": [(r'^  "\{closure_recourse\}",\n', "")]},
     r"letters\.toml: letters\.closure: .*print \{closure_recourse\}"),
    ({"governance_toml": [(r"^hours = 7$", "hours = 0")]}, r"training\.0\.hours"),
    ({"governance_toml": [(r"^decided_on = .*$", 'decided_on = "15 décembre 2025"')]}, r"appointment\.decided_on"),
])
def test_what_each_listing_status_needs_is_checked_at_start_up(tmp_path, edits, message):
    """Is a charter refused, naming the file and the key, when a listed mediator lacks the listing date or decision or
    the public page states another date, when one who is not listed names no listed mediator, gives no website, or
    has a closure letter that cannot point to it, or when a training or a date is malformed?"""
    with pytest.raises(CharterError, match=message):
        load_charter(charter_copy(tmp_path, **edits))


@pytest.mark.requirement("R-IND-5")
def test_the_register_is_part_of_the_charter_fingerprint(tmp_path):
    """Does a new training in governance.toml change the SHA-256 each file records, and a charter that is not
    listed but names the listed mediator load?"""
    before = load_charter().sha256
    directory = charter_copy(tmp_path, governance_toml=[(r"^who = \[\"Claire Martin\"\]$",
                                                         'who = ["Claire Martin", "Samia Haddad"]')])
    assert load_charter(directory).sha256 != before
    listing = load_charter(charter_copy(tmp_path, governance_toml=NOT_LISTED)).governance["listing"]
    assert listing["listed_mediator_name"] == "Médiateur des communications électroniques"
