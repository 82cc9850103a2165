"""The mediator's mandate (R-IND-2): its dates, of at least three years, checked at start-up; who appointed the
mediator, on the public page; publication blocked once the mandate is over, until the charter is updated."""

from __future__ import annotations

import dataclasses
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from freezegun import freeze_time
from markupsafe import escape

from mediator_plugin import state
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.charter import CharterError, load_charter
from mediator_plugin.core.db import db
from mediator_plugin.core.governance import earliest_restriction_end
from mediator_plugin.public.r614 import missing_r614_items
from mediator_plugin.reports import snapshots
from tests.reports.conftest import pdf_text
from tests.support.factories import new_case

CHARTER_DIR = Path(__file__).resolve().parents[2] / "charter"


def _charter_with_mandate(tmp_path: Path, start: str, end: str) -> Path:
    """A copy of the shipped charter whose mandate runs from ``start`` to ``end`` (ISO dates), with the shortest
    post-mandate restriction that mandate allows (governance.toml, R-IND-5)."""
    target = tmp_path / "charter"
    shutil.copytree(CHARTER_DIR, target)
    path = target / "mediator.toml"
    text = re.sub(r"^mandate_start = .*$", f"mandate_start = {start}", path.read_text(encoding="utf-8"), flags=re.M)
    path.write_text(re.sub(r"^mandate_end = .*$", f"mandate_end = {end}", text, flags=re.M), encoding="utf-8")
    governance = target / "governance.toml"
    restriction = earliest_restriction_end(date.fromisoformat(end))
    governance.write_text(re.sub(r"^restriction_ends_on = .*$", f"restriction_ends_on = {restriction}",
                                 governance.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    return target


@pytest.mark.requirement("R-IND-2")
def test_the_page_shows_the_mandate_and_who_appointed_the_mediator(app):
    """Does / give the mandate's first and last day and the appointing body's composition, from the charter?"""
    page = app.test_client().get("/").get_data(as_text=True)
    mediator = state().charter.mediator
    assert (mediator["mandate_start"], mediator["mandate_end"]) == (date(2026, 1, 2), date(2029, 1, 1))
    assert "<dt>Mandat</dt><dd>Du 2 janvier 2026 au 1er janvier 2029</dd>" in page
    assert f"<dt>Organe de désignation</dt><dd>{escape(mediator['appointing_body'])}</dd>" in page
    assert "deux représentants d&#39;associations de consommateurs agréées" in page


@pytest.mark.requirement("R-IND-2")
@pytest.mark.parametrize(("start", "end", "accepted"), [
    ("2026-01-02", "2029-01-01", True),   # exactly three years, the shipped mandate
    ("2026-01-02", "2028-12-31", False),  # one day short
    ("2028-02-29", "2031-02-28", True),   # begun on 29 February: three years end on 28 February
    ("2028-02-29", "2031-02-27", False),
    ("2026-01-02", "2025-01-01", False),  # ends before it begins
])
def test_a_mandate_under_three_years_stops_start_up(tmp_path, start, end, accepted):
    """Is a charter whose mandate lasts less than three years (L613-1) refused, naming the key and the
    earliest end allowed, while a mandate of exactly three years loads?"""
    directory = _charter_with_mandate(tmp_path, start, end)
    if accepted:
        assert load_charter(directory).mediator["mandate_end"] == date.fromisoformat(end)
    else:
        with pytest.raises(CharterError, match=r"mediator\.toml: mandate_end: the mandate must last at least three "
                                               r"years .* ends on \d{4}-\d\d-\d\d at the earliest"):
            load_charter(directory)


@pytest.mark.requirement("R-IND-2")
def test_a_mandate_date_that_is_not_a_date_is_refused(tmp_path):
    """Is a mandate start written as text (not a TOML date) refused at start-up, naming the key?"""
    directory = _charter_with_mandate(tmp_path, '"janvier 2026"', "2029-01-01")
    with pytest.raises(CharterError, match="mandate_start"):
        load_charter(directory)


@pytest.mark.requirement("R-IND-2")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the French catalog, no database needed
def test_the_checker_names_an_ended_mandate_and_an_empty_appointing_body(app):
    """Is the mandate current on its last day and named the day after; is a blank appointing body named?"""
    charter = load_charter(CHARTER_DIR)
    assert missing_r614_items(charter, today=date(2029, 1, 1)) == []
    assert missing_r614_items(charter, today=date(2029, 1, 2)) == [
        "R614-1 3°: mandate_end (le mandat a pris fin le 1er janvier 2029)"]
    blanked = dataclasses.replace(charter, mediator={**charter.mediator, "appointing_body": " "})
    assert missing_r614_items(blanked, today=date(2027, 6, 1)) == ["L613-2 1°: appointing_body"]


@pytest.mark.requirement("R-IND-2")
def test_publication_is_refused_once_the_mandate_is_over(app, people, tmp_path):
    """After the mandate's last day, does `mediator publish` exit 1 saying the mandate ended, storing nothing,
    and publish once the charter carries the new mandate?"""
    case = new_case(people.gestionnaire)
    case.received_at = datetime(2025, 3, 2, 9, tzinfo=UTC)
    case.state, case.inadmissibility_ground = State.INADMISSIBLE, "OVER_ONE_YEAR"
    case.closed_at = datetime(2025, 3, 20, 9, tzinfo=UTC)
    db.session.commit()
    runner = app.test_cli_runner()
    with freeze_time("2029-01-02 10:00:00"):
        refused = runner.invoke(args=["mediator", "publish", "--year", "2025"])
        assert refused.exit_code == 1
        assert "R614-1 3°: mandate_end (le mandat a pris fin le 1er janvier 2029)" in refused.output
        assert snapshots.versions(2025) == []
        state().charter = load_charter(_charter_with_mandate(tmp_path, "2029-01-02", "2032-01-01"))
        published = runner.invoke(args=["mediator", "publish", "--year", "2025", "--out-dir", str(tmp_path / "pub")])
        assert published.exit_code == 0, published.output
    assert [s.version for s in snapshots.versions(2025)] == [1]
    assert "Rapport annuel" in pdf_text((tmp_path / "pub" / "rapport-2025-v1-public.pdf").read_bytes())
