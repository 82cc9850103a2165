"""Case examples through the services, on SQLite and PostgreSQL (R-CASE-1, R-CASE-2, R-GDPR-7)."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest
import sqlalchemy as sa

from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.audit_verify import verify_chain
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import Duplicate, InvalidTransition, MissingField, NotAllowed
from mediator_plugin.examples import services
from mediator_plugin.examples.models import CHECKLIST, FIELDS, CaseExample, ExampleState
from mediator_plugin.examples.queries import published_examples
from tests.examples.conftest import ADDRESS, AGENT, EMAIL, LAWYER, NAME, PHONE, TICKET
from tests.support.factories import admitted_case

ALL_TICKED = dict.fromkeys(CHECKLIST, True)
EXAMPLE_TABLES = {"case_examples", "case_example_events", "audit_entries"}


def _fingerprint() -> str:
    """SHA-256 of every row of every table but the examples' own and the audit log."""
    digest = hashlib.sha256()
    for table in sorted(db.metadata.sorted_tables, key=lambda t: t.name):
        if table.name in EXAMPLE_TABLES:
            continue
        rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings().all()
        digest.update(json.dumps([dict(r) for r in rows], sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _source_identifiers(case) -> list[str]:
    return [*NAME.split(), EMAIL, PHONE, TICKET, case.reference, "12345678", "12/03/2026", "3 mars 2026", "59,90",
            "Bordeaux", "Lilas", *ADDRESS.split("\n"), *LAWYER.split(), *AGENT.split()]


def _write_and_submit(example, author, lesson="Un doublon de prélèvement se rembourse avec ses frais."):
    services.save_draft(example, author, texts={"lesson": lesson}, subcategory=example.subcategory,
                        checklist=ALL_TICKED)
    services.submit(example, author)
    db.session.commit()


@pytest.mark.requirement("R-CASE-1")
def test_copy_of_a_closed_file_leaves_the_file_untouched(app, people, closed_case):
    """Is the example a separate copy: every row of the file (and every other table) identical afterwards?"""
    before = _fingerprint()
    example = services.create_from_case(closed_case, people.gestionnaire)
    db.session.commit()
    assert _fingerprint() == before
    assert db.session.execute(sa.select(sa.func.count()).select_from(CaseExample)).scalar() == 1
    assert example.state == ExampleState.DRAFT and example.source_case_id == closed_case.id


@pytest.mark.requirement("R-CASE-1", "R-GDPR-7")
def test_first_draft_comes_from_the_proposal_already_redacted(app, people, closed_case):
    """Are the seven fields pre-filled from the proposal, with names, contacts, numbers, dates and amounts gone?"""
    example = services.create_from_case(closed_case, people.gestionnaire)
    db.session.commit()
    text = "\n".join(getattr(example, name) for name in ("title", *FIELDS))
    for identifier in _source_identifiers(closed_case):
        assert identifier not in text, identifier
    assert "En mars 2026, le consommateur ([courriel], [téléphone])" in example.context
    assert "environ 60\u00a0€" in example.outcome and "moins de 10\u00a0€" in example.outcome
    assert example.positions.startswith("Position du consommateur : Le consommateur demande le remboursement")
    assert (example.category, example.subcategory, example.year) == (
        "facturation", "facturation.double_prelevement", closed_case.closed_at.year)
    assert example.title == "Double prélèvement" and example.lesson == ""
    assert services.residuals(example) == []


@pytest.mark.requirement("R-CASE-1")
def test_an_open_file_cannot_become_an_example(app, people):
    """Is a file still under way refused (409), with nothing written?"""
    case = admitted_case(people.gestionnaire)
    with pytest.raises(InvalidTransition) as refused:
        services.create_from_case(case, people.gestionnaire)
    assert refused.value.status == 409
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count()).select_from(CaseExample)).scalar() == 0


def test_one_example_per_file(app, people, closed_case):
    """Is a second example of the same file refused while the first is not withdrawn?"""
    first = services.create_from_case(closed_case, people.gestionnaire)
    db.session.commit()
    with pytest.raises(Duplicate):
        services.create_from_case(closed_case, people.mediatrice)
    db.session.rollback()
    services.withdraw(first, people.gestionnaire, reason="Trop proche d'un autre exemple")
    assert services.create_from_case(closed_case, people.mediatrice).id != first.id


@pytest.mark.requirement("R-CASE-1", "R-GDPR-7")
def test_residual_check_blocks_submission_and_names_what_it_found(app, people, closed_case):
    """Is saving allowed but submitting refused while the text still identifies, naming each identifier?"""
    handler = people.gestionnaire
    example = services.create_from_case(closed_case, handler)
    findings = services.save_draft(
        example, handler, texts={"lesson": f"Mme Dupont, jointe au {PHONE} le 12/03/2026, a payé 59,90 €."},
        subcategory=example.subcategory, checklist=ALL_TICKED)
    db.session.commit()
    assert [(f.field, f.residual.kind, f.residual.found) for f in findings] == [
        ("lesson", "name", "Mme Dupont"), ("lesson", "phone", PHONE), ("lesson", "exact_date", "12/03/2026"),
        ("lesson", "exact_amount", "59,90 €")]
    with pytest.raises(services.ResidualsFound) as refused:
        services.submit(example, handler)
    assert refused.value.status == 422
    for found in ("Mme Dupont (nom)", f"{PHONE} (téléphone)", "12/03/2026 (date exacte)", "59,90 € (montant exact)"):
        assert found in refused.value.message
    db.session.rollback()
    assert example.state == ExampleState.DRAFT and "Mme Dupont" in example.lesson  # the save itself stayed


@pytest.mark.requirement("R-GDPR-7")
def test_every_checklist_item_must_be_ticked(app, people, closed_case):
    """Is submission refused while one R-GDPR-7 item is unticked, naming it?"""
    handler = people.gestionnaire
    example = services.create_from_case(closed_case, handler)
    services.save_draft(example, handler, texts={"lesson": "Une leçon."}, subcategory=example.subcategory,
                        checklist={**ALL_TICKED, "rare_attributes_removed": False})
    with pytest.raises(MissingField) as refused:
        services.submit(example, handler)
    assert refused.value.field == "rare_attributes_removed" and "Attributs rares" in refused.value.message


@pytest.mark.requirement("R-GDPR-7")
def test_the_author_cannot_review_their_own_example(app, people, closed_case):
    """Is the second-person review refused to the author, even the mediator approving alone?"""
    mediator = people.mediatrice
    example = services.create_from_case(closed_case, mediator)
    _write_and_submit(example, mediator)
    with pytest.raises(NotAllowed):
        services.review(example, mediator)
    with pytest.raises(NotAllowed):
        services.approve(example, mediator)
    services.review(example, people.gestionnaire)
    services.approve(example, mediator)  # the mediator signs after someone else reviewed
    assert example.state == ExampleState.APPROVED and example.reviewed_by == "gestionnaire"


@pytest.mark.requirement("R-CASE-1")
def test_a_case_handler_cannot_approve_for_publication(app, people, closed_case):
    """Does approval stay the mediator's, even after a second person's review?"""
    example = services.create_from_case(closed_case, people.gestionnaire)
    _write_and_submit(example, people.gestionnaire)
    services.review(example, people.mediatrice)
    with pytest.raises(NotAllowed):
        services.approve(example, people.gestionnaire)
    assert example.state == ExampleState.IN_REVIEW
    with pytest.raises(NotAllowed):
        services.create_from_case(closed_case, people.comex)


def _approved(case, people) -> CaseExample:
    example = services.create_from_case(case, people.gestionnaire)
    _write_and_submit(example, people.gestionnaire)
    services.approve(example, people.mediatrice)  # the mediator is the second person here
    db.session.commit()
    return example


@pytest.mark.requirement("R-CASE-1", "R-CASE-2", "R-CONF-3")
def test_published_examples_carry_nothing_of_the_source(app, people, closed_case):
    """Do the year's approved examples come out with category, year and seven fields, and no personal data?"""
    example = _approved(closed_case, people)
    published = published_examples(example.year)
    assert len(published) == 1
    fields = {f.name for f in dataclasses.fields(published[0])}
    assert fields == {"year", "category", "category_label", "subcategory", "subcategory_label", "title", *FIELDS}
    printed = json.dumps(dataclasses.asdict(published[0]), ensure_ascii=False)
    for identifier in [*_source_identifiers(closed_case), str(closed_case.id) + '"', "MED-"]:
        assert identifier not in printed, identifier
    assert published[0].category_label == "Facturation" and published[0].lesson.startswith("Un doublon")
    assert published_examples(example.year - 1) == []


@pytest.mark.requirement("R-CASE-1")
def test_only_approved_examples_are_published_and_withdrawal_is_the_mediators(app, people, closed_case):
    """Are drafts and reviews kept out, and may only the mediator withdraw an approved example?"""
    example = services.create_from_case(closed_case, people.gestionnaire)
    _write_and_submit(example, people.gestionnaire)
    assert published_examples(example.year) == []
    services.approve(example, people.mediatrice)
    with pytest.raises(NotAllowed):
        services.withdraw(example, people.gestionnaire, reason="Plus d'actualité")
    services.withdraw(example, people.mediatrice, reason="Plus d'actualité")
    assert published_examples(example.year) == []


def test_every_step_is_audited_and_kept_in_the_history(app, people, closed_case):
    """Does each step leave an audit entry on the source file and a history line, never copying identifiers?"""
    example = services.create_from_case(closed_case, people.gestionnaire)
    _write_and_submit(example, people.gestionnaire)
    services.review(example, people.mediatrice)
    services.approve(example, people.mediatrice)
    db.session.commit()
    entries = db.session.execute(sa.select(AuditEntry).where(AuditEntry.target == f"example:{example.id}")
                                 .order_by(AuditEntry.id)).scalars().all()
    steps = ["example_created", "example_saved", "example_submitted", "example_reviewed", "example_approved"]
    assert [e.action for e in entries] == steps
    assert {e.case_id for e in entries} == {closed_case.id}
    assert [(e.actor, e.kind) for e in example.events] == [
        ("gestionnaire", "created"), ("gestionnaire", "saved"), ("gestionnaire", "submitted"),
        ("mediatrice", "reviewed"), ("mediatrice", "approved")]
    logged = json.dumps([e.detail for e in entries], ensure_ascii=False)
    for identifier in _source_identifiers(closed_case):
        assert identifier not in logged, identifier
    assert verify_chain().broken_at is None
