"""The anonymised case examples in the annual report (R-CASE-1, R-CASE-2): printed with their seven fields,
category and year, frozen with the published snapshot (R-REPORT-5), read live in a provisional report."""

from __future__ import annotations

import json

import pytest
from freezegun import freeze_time

from mediator_plugin.core.db import db
from mediator_plugin.examples import services
from mediator_plugin.examples.models import CHECKLIST
from mediator_plugin.reports import publication, snapshots
from mediator_plugin.reports.html import render_html
from mediator_plugin.reports.pdf import render_edition
from tests.examples.conftest import build_closed_case
from tests.reports.conftest import pdf_text

TITLE = "Un double prélèvement et ses frais bancaires"
# The file closes in June 2026; its report can be published once 2026 is over in Paris.
CLOSED_AT, NEXT_YEAR = "2026-06-15 10:00:00", "2027-01-05 09:00:00"
LESSON = "Un doublon de prélèvement se rembourse avec ses frais."


@pytest.fixture
def approved(app, people):
    """An example written from a closed file, reviewed and approved by the mediator; its year is the file's."""
    with freeze_time(CLOSED_AT):
        case = build_closed_case(people)
        example = services.create_from_case(case, people.gestionnaire)
        services.save_draft(example, people.gestionnaire, texts={"title": TITLE, "lesson": LESSON},
                            subcategory=example.subcategory, checklist=dict.fromkeys(CHECKLIST, True))
        services.submit(example, people.gestionnaire)
        services.approve(example, people.mediatrice)
        db.session.commit()
    return example, case


@pytest.mark.requirement("R-CASE-1", "R-CASE-2", "R-REPORT-5")
def test_published_report_keeps_an_example_withdrawn_later(app, people, approved):
    """Does the published public edition print the approved example with its seven fields, category and year,
    and still print it after the example is withdrawn, while a provisional report no longer does?"""
    example, case = approved
    year = example.year
    draft = pdf_text(render_edition(publication.current_report(year), "comex"))
    assert "Provisoire" in draft and "Cas concrets" in draft and TITLE in draft

    with freeze_time(NEXT_YEAR):
        snapshot = publication.publish(year, published_by="mediatrice")
        db.session.commit()
    frozen = json.dumps(snapshot.figures["examples"], ensure_ascii=False)
    assert TITLE in frozen and case.reference not in frozen
    text = pdf_text(render_edition(snapshot.as_report(), "public"))
    chapter = text.split("Cas concrets", 2)[2]  # past the table of contents
    assert TITLE in chapter and f"Catégorie : Facturation › Double prélèvement · Année : {year}" in chapter
    for label in ("Contexte :", "Question en litige :", "Positions des parties :", "Règle applicable :",
                  "Considérations d'équité :", "Issue :", "Enseignement :"):
        assert label in chapter, label
    assert LESSON in chapter

    services.withdraw(example, people.mediatrice, reason="Trop reconnaissable")
    db.session.commit()
    reread = snapshots.latest(year).as_report()
    assert TITLE in pdf_text(render_edition(reread, "public"))
    assert render_edition(reread, "public") == render_edition(snapshot.as_report(), "public")
    live = snapshots.live_report(publication.report_figures(year))
    assert TITLE not in pdf_text(render_edition(live, "public")) and "Cas concrets" not in render_html(live, "public")

    # The withdrawal changed the data hash: only a correction, with its reason, takes the example out.
    with freeze_time(NEXT_YEAR):
        corrected = publication.publish(year, published_by="mediatrice", reason="Exemple retiré")
        db.session.commit()
    assert corrected.version == 2 and corrected.figures["examples"] == []
    assert TITLE not in pdf_text(render_edition(corrected.as_report(), "public"))


def test_both_editions_print_the_examples_in_html_too(app, approved):
    """Do the comex and public HTML editions carry the "Cas concrets" chapter, in the table of contents?"""
    example, _case = approved
    report = publication.current_report(example.year)
    for edition in ("comex", "public"):
        page = render_html(report, edition)
        contents = page.split("</nav>", 1)[0]
        assert "Cas concrets" in contents and TITLE in page.split("</nav>", 1)[1], edition


def test_an_old_snapshot_without_examples_still_prints(app, known_year):
    """Does a snapshot frozen before examples were stored (no "examples" key) print without the chapter?"""
    from mediator_plugin.reports.figures import compute

    snapshot = snapshots.publish(2025, compute(2025), published_by="claire")
    db.session.commit()
    assert "examples" not in snapshot.figures
    assert "Cas concrets" not in pdf_text(render_edition(snapshot.as_report(), "public"))
