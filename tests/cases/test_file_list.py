"""The console's file list, its search and the file page on a register of realistic size."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
import sqlalchemy as sa

from mediator_plugin.cases import queries
from mediator_plugin.cases.models import Case, Party, TicketCopy, TimelineEvent
from mediator_plugin.cases.presenters import describe
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.audit_verify import verify_chain
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.db import db
from mediator_plugin.core.pdf import fr_datetime
from mediator_plugin.proposals.models import Proposal
from mediator_plugin.seed import seed_cases

NOW = datetime(2025, 11, 14, 15, 30, tzinfo=UTC)
FILES = queries.COUNT_CAP + 80


@pytest.fixture
def register(app):
    """A little more files than the list counts exactly."""
    seed_cases(FILES, first_year=2024, last_year=2025, seed=3, now=NOW)
    return app


@pytest.fixture
def console(register, login):
    client = register.test_client()
    login(client, "gestionnaire")
    return client


def _references(html: str) -> list[str]:
    return re.findall(r'<td><a href="/console/dossiers/(MED-\d{4}-\d{5})">', html)


def test_large_list_says_more_than_the_cap_and_pages_to_the_end(console):
    """Beyond the cap, does the list say "more than 1 000", and do its pages still reach the last file?"""
    first = console.get("/console/dossiers")
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "Plus de 1\u202f000 dossiers" in html
    newest = db.session.execute(sa.select(Case.reference).order_by(Case.received_at.desc(), Case.id.desc())
                                .limit(queries.PAGE_SIZE)).scalars().all()
    assert _references(html) == newest
    last_page = FILES // queries.PAGE_SIZE + 1
    before_last = console.get(f"/console/dossiers?page={last_page - 1}").get_data(as_text=True)
    assert f"page={last_page}" in before_last
    last = console.get(f"/console/dossiers?page={last_page}").get_data(as_text=True)
    assert len(_references(last)) == FILES % queries.PAGE_SIZE and f"page={last_page + 1}" not in last


def test_filtered_list_counts_exactly(console):
    """Under the cap, is the count exact and the next link absent on the last page?"""
    wanted = db.session.execute(sa.select(sa.func.count()).select_from(Case).where(Case.state == "CLOSED")).scalar()
    assert 0 < wanted <= queries.COUNT_CAP
    html = console.get("/console/dossiers?state=CLOSED").get_data(as_text=True)
    assert f"{wanted} dossiers" in html.replace("\u202f", "")
    pages = -(-wanted // queries.PAGE_SIZE)
    assert ("page=2" in html) == (pages > 1)


def test_search_by_reference_email_and_ticket_finds_the_file(register):
    """Is a file found by its reference or its consumer's e-mail typed in any case, or by its ticket number?"""
    case_id, reference, email = db.session.execute(
        sa.select(Case.id, Case.reference, Party.email).join(Party, Party.case_id == Case.id)
        .where(Party.role == "consumer", Party.email.is_not(None)).order_by(Case.id).offset(500).limit(1)).one()
    ticket = db.session.execute(sa.select(TicketCopy.ticket_id).where(TicketCopy.case_id != case_id)
                                .order_by(TicketCopy.id).limit(1)).scalar()
    for typed in (reference.lower(), f"  {reference}  ", email.upper()):
        page = queries.file_page(queries.FileFilters(q=typed))
        assert case_id in [row.id for row in page.rows] and not page.more and not page.has_next
    by_ticket = queries.file_page(queries.FileFilters(q=ticket))
    assert [row.id for row in by_ticket.rows] and by_ticket.total == len(by_ticket.rows)


@pytest.mark.requirement("R-CONF-1")
def test_file_page_shows_the_file_and_records_the_read(console):
    """Does the file page show the parties and the history, and is each read appended to the audit chain?"""
    reference, name = db.session.execute(
        sa.select(Case.reference, Party.name).join(Party, Party.case_id == Case.id)
        .where(Party.role == "consumer").order_by(Case.id.desc()).limit(1)).one()
    before = db.session.execute(sa.select(sa.func.count()).select_from(AuditEntry)
                                .where(AuditEntry.target == reference)).scalar()
    for _ in range(2):
        page = console.get(f"/console/dossiers/{reference}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and reference in html and name.replace("'", "&#39;") in html
        assert "Historique" in html
    reads = db.session.execute(sa.select(AuditEntry.action).where(AuditEntry.target == reference)).scalars().all()
    assert reads.count("read_case") == 2 and len(reads) == before + 2
    assert verify_chain().broken_at is None


def test_file_page_history_lists_every_event_newest_first(console):
    """Does the history show each event of the file once, newest first, with its time, author and sentence
    (the timeline comes on the file's row, as JSON, on both databases)?"""
    case_id, reference = db.session.execute(
        sa.select(Case.id, Case.reference).join(TimelineEvent, TimelineEvent.case_id == Case.id)
        .group_by(Case.id, Case.reference).order_by(sa.func.count().desc(), Case.id).limit(1)).one()
    events = db.session.execute(sa.select(TimelineEvent).where(TimelineEvent.case_id == case_id)
                                .order_by(TimelineEvent.id.desc())).scalars().all()
    assert len(events) >= 3
    html = console.get(f"/console/dossiers/{reference}").get_data(as_text=True)
    shown = re.findall(r'<li><span class="muted">(.*?)</span><br>(.*?)</li>', html.split('id="timeline-h"', 1)[1])
    expected = [(f"{fr_datetime(e.at.astimezone(PARIS))} — {e.actor}", str(describe(e))) for e in events]
    assert [(when, unescape(sentence)) for when, sentence in shown] == [(w, unescape(s)) for w, s in expected]


def test_file_page_shows_its_own_proposal(console):
    """Does each file page show its own current proposal, the oldest file's as the newest's (the proposal is
    found two levels down in the file's statement, correlated to the file)?"""
    with_proposal = (sa.select(Case.reference, Proposal.version, Proposal.facts)
                     .join(Proposal, Proposal.case_id == Case.id))
    for order in (Case.id, Case.id.desc()):
        reference, version, facts = db.session.execute(with_proposal.order_by(order).limit(1)).one()
        html = unescape(console.get(f"/console/dossiers/{reference}").get_data(as_text=True))
        assert f"Proposition de solution, version {version}" in html and facts in html


def test_health_reports_the_schema_revision(app):
    """Does /healthz read the schema's revision from the database: the newest migration of the tree?"""
    from pathlib import Path

    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(Path(__file__).resolve().parents[2] / "migrations")).get_current_head()
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200
    assert answer.json["database"] == "ok" and answer.json["schema"] == head
