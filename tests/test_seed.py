"""``mediator seed``: synthetic files that look like real ones, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from connectors.base import TicketSnapshot
from mediator_plugin import create_app, state
from mediator_plugin.cases.models import (
    Case,
    ConflictDeclaration,
    Extension,
    ObservationRequest,
    Party,
    ReferenceCounter,
    TicketCopy,
    TimelineEvent,
)
from mediator_plugin.cases.presenters import describe
from mediator_plugin.cases.workflow import ENDED, INTERRUPTED, State
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.audit_verify import verify_chain
from mediator_plugin.core.calendar import add_working_days, paris_date
from mediator_plugin.core.charter import LEGAL_GROUNDS
from mediator_plugin.core.db import db
from mediator_plugin.core.schema import upgrade_schema
from mediator_plugin.proposals.models import SECTIONS, Implementation, PartyAnswer, Proposal
from mediator_plugin.reports.figures import compute
from mediator_plugin.seed import seed_cases
from mediator_plugin.seed.writer import TICKET_BASE

NOW = datetime(2025, 11, 14, 15, 30, tzinfo=UTC)
COUNT = 1500
DEPARTMENTS = {code: {"label": code.capitalize(), "email": f"{code}@example.com"}
               for code in ("billing", "contracts", "network")}
# Timeline kinds and the data keys each may carry, as cases/presenters.describe() reads them.
EVENT_KEYS = {
    "opened": {"channel", "charter_version"}, "ticket_copied": {"vendor", "ticket_id", "sha256", "messages"},
    "documents_requested": {"missing"}, "complete": {"complete_on", "rejection_due"},
    "inadmissible": {"ground", "sub_reason", "late_reason"}, "interests_declared": {"has_conflict", "objection_until"},
    "admitted": {"outcome_due", "late_reason"}, "observations_requested": {"department", "due_on"},
    "observations_received": {"department", "late"}, "reminder_sent": {"department", "number"},
    "escalated": {"department"}, "consumer_asked": {"question"}, "consumer_answered": {"summary"},
    "extended": {"previous_due", "new_due", "reason"}, "agreement": set(), "proposal_saved": {"version"},
    "proposal_signed": {"version", "outcome", "acceptance_deadline", "sha256"},
    "answer": {"party", "answer", "answered_on", "channel", "reason_category"},
    "implementation": {"status", "done_on"},
    "ended": {"final_state", "note"},
}


def _app(url: str, storage):
    app = create_app({"env": "test", "database_url": url, "storage_dir": str(storage), "departments": DEPARTMENTS})
    with app.app_context():
        upgrade_schema()
    return app


def _fresh_database(request, tmp_path_factory, backend: str, name: str) -> str:
    """An empty database: a SQLite file, or a new database in the session's PostgreSQL cluster."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp(name) / 'mediator.db'}"
    url = request.getfixturevalue("postgres_url")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory):
    """1,500 files seeded at NOW on an empty database of each backend, with what the tests read back."""
    app = _app(_fresh_database(request, tmp_path_factory, request.param, "seeded"), tmp_path_factory.mktemp("files"))
    chunks = []
    with app.app_context():
        created = seed_cases(COUNT, first_year=2024, last_year=2025, seed=7, progress=chunks.append, now=NOW)
        data = SimpleNamespace(created=created, chunks=chunks, app=app, backend=request.param)
        data.cases = db.session.execute(sa.select(Case).order_by(Case.id)).scalars().all()
        for name, model in (("parties", Party), ("tickets", TicketCopy), ("conflicts", ConflictDeclaration),
                            ("requests", ObservationRequest), ("extensions", Extension),
                            ("implementations", Implementation), ("events", TimelineEvent), ("proposals", Proposal)):
            rows = defaultdict(list)
            for row in db.session.execute(sa.select(model).order_by(model.id)).scalars():
                rows[row.case_id].append(row)
            setattr(data, name, rows)
        data.answers = defaultdict(dict)
        for answer in db.session.execute(sa.select(PartyAnswer)).scalars():
            data.answers[answer.proposal_id][answer.party] = answer
        yield data
    _dispose(app)


def by_state(seeded, *states) -> list[Case]:
    return [case for case in seeded.cases if case.state in states]


def test_creates_the_files_asked_with_both_parties(seeded):
    """Are exactly the files asked for created, each with a consumer and the company, progress reported per chunk?"""
    assert seeded.created == len(seeded.cases) == COUNT
    assert sum(seeded.chunks) == COUNT
    assert all(sorted(p.role for p in seeded.parties[c.id]) == ["company", "consumer"] for c in seeded.cases)
    consumers = [p for c in seeded.cases for p in seeded.parties[c.id] if p.role == "consumer"]
    assert all(re.fullmatch(r"[a-z-]+\.[a-z-]+\d+@example\.(org|com)", p.email) for p in consumers)
    assert all(p.postcode and p.postcode in p.postal_address for p in consumers)


def test_every_state_of_the_workflow_is_present(seeded):
    """Does every state of the workflow appear among 1,500 files?"""
    assert {case.state for case in seeded.cases} == {state.value for state in State}


def test_references_are_unique_well_formed_and_counted(seeded):
    """Are references MED-YYYY-NNNNN, unique, numbered in order of receipt, with the counters at the last one?"""
    references = [case.reference for case in seeded.cases]
    assert len(set(references)) == COUNT
    assert all(re.fullmatch(r"MED-(2024|2025)-\d{5}", r) for r in references)
    assert all(case.reference[4:8] == str(paris_date(case.received_at).year) for case in seeded.cases)
    with seeded.app.app_context():
        counters = dict(db.session.execute(sa.select(ReferenceCounter.year, ReferenceCounter.last)).all())
    assert counters == {year: max(int(r[9:]) for r in references if r[4:8] == str(year)) for year in (2024, 2025)}
    assert all(paris_date(c.received_at) >= date(2024, 1, 1) for c in seeded.cases)


def test_nothing_happens_after_now(seeded):
    """Is every recorded moment of every file at or before ``now``?"""
    moments = [getattr(c, name) for c in seeded.cases for name in
               ("received_at", "complete_at", "admissibility_decided_at", "notified_at", "ended_at", "closed_at")]
    moments += [e.at for events in seeded.events.values() for e in events]
    assert max(m for m in moments if m is not None) <= NOW


@pytest.mark.requirement("R-DEADLINE-1")
def test_inadmissible_files_carry_a_legal_ground_and_no_notification(seeded):
    """Does each refusal carry one of the five grounds, its 21 days from the receipt, and no notice of seizure?"""
    refused = by_state(seeded, "INADMISSIBLE")
    for case in refused:
        assert case.inadmissibility_ground in LEGAL_GROUNDS
        assert case.notified_at is None and case.outcome_due is None
        assert case.ended_at == case.closed_at == case.admissibility_decided_at >= case.complete_at >= case.received_at
        assert case.rejection_due == paris_date(case.received_at) + timedelta(days=21)
        assert bool(case.late_reason) == (paris_date(case.admissibility_decided_at) > case.rejection_due)
    grounds = Counter(case.inadmissibility_ground for case in refused)
    assert grounds.most_common(1)[0][0] == "NO_PRIOR_WRITTEN_COMPLAINT"
    assert 0.85 < sum(not case.late_reason for case in refused) / len(refused) < 1


def test_closed_files_have_an_outcome_and_a_signed_proposal_or_an_agreement(seeded):
    """Does each closed file have an outcome, a resolution mode, an end after notice and a closure after its end,
    and what led to it?"""
    for case in by_state(seeded, "CLOSED"):
        assert case.outcome and case.closed_at >= case.ended_at >= case.notified_at
        if case.resolution_mode == "agreement":
            assert case.outcome == "AMICABLE_AGREEMENT" and case.agreement_text
        else:
            assert case.resolution_mode == "proposal"
            (proposal,) = seeded.proposals[case.id]
            assert proposal.signed_at and proposal.outcome == case.outcome
            assert set(seeded.answers[proposal.id]) == {"consumer", "company"}


def test_outcome_due_is_notification_plus_ninety_days_unless_extended(seeded):
    """Is the end of the mediation due 90 days after the notice, or on the date of the last extension?"""
    admitted = [case for case in seeded.cases if case.notified_at]
    assert all(c.admissibility_decided_at == c.notified_at for c in admitted)
    for case in admitted:
        ninety = paris_date(case.notified_at) + timedelta(days=90)
        extensions = seeded.extensions[case.id]
        assert case.outcome_due == (extensions[-1].new_due if extensions else ninety)
        assert all(e.previous_due == ninety < e.new_due and paris_date(e.decided_at) <= ninety for e in extensions)
    assert 0 < sum(bool(seeded.extensions[c.id]) for c in admitted) / len(admitted) < 0.1
    conflicts = [seeded.conflicts[c.id][0] for c in admitted]
    assert all(not d.has_conflict and d.declared_at <= c.notified_at for d, c in zip(conflicts, admitted, strict=True))


def test_answers_and_implementation_match_the_state(seeded):
    """Do the parties' answers and the implementation agree with each file's state?"""
    expected = {"ACCEPTED": {"consumer": "accepted", "company": "accepted"}}
    for case in seeded.cases:
        proposals = seeded.proposals[case.id]
        answers = {p: a.answer for p, a in seeded.answers[proposals[0].id].items()} if proposals else {}
        if case.state in expected:
            assert answers == expected[case.state]
        if case.state == "REFUSED_BY_COMPANY":
            assert answers["company"] == "refused" and seeded.answers[proposals[0].id]["company"].reason
        if case.state == "REFUSED_BY_CONSUMER":
            assert answers["consumer"] == "refused" and answers["company"] != "refused"
        if case.state == "NO_RESPONSE":
            assert "no_answer" in answers.values() and "refused" not in answers.values()
        if case.state in ("PROPOSAL_ISSUED", "AWAITING_RESPONSES"):
            assert len(answers) == ("PROPOSAL_ISSUED", "AWAITING_RESPONSES").index(case.state)
        implemented = seeded.implementations[case.id]
        if case.state == "IMPLEMENTATION_TRACKING" or implemented:
            assert case.resolution_mode == "agreement" or answers == expected["ACCEPTED"]
            assert len(implemented) == 1 and (implemented[0].done_on is not None) == (
                implemented[0].status in ("done", "partial"))
        if case.state in ("ACCEPTED", "REFUSED_BY_CONSUMER", "REFUSED_BY_COMPANY", "NO_RESPONSE", "AGREEMENT",
                          "IMPLEMENTATION_TRACKING"):  # the mediation has ended at its outcome (R612-5)
            assert case.ended_at and case.outcome and not case.closed_at
        if case.state == "REFUSED_BY_COMPANY":
            assert seeded.answers[proposals[0].id]["company"].reason_category
        if case.state in INTERRUPTED:
            assert case.ended_at == case.closed_at and not case.outcome and case.notified_at
            assert (case.state == "COI_OBJECTION") == any(d.objected_at for d in seeded.conflicts[case.id])


def test_proposals_are_signed_as_the_service_signs_them(seeded):
    """Does each signed proposal carry its six sections, mentions, 14-day deadline and a matching content hash?"""
    with seeded.app.app_context():
        mention_names = set(state().charter.letters["proposal"]["mentions"])
    signed = [(p, c) for c in seeded.cases for p in seeded.proposals[c.id] if p.signed_at]
    assert signed
    for proposal, case in signed:
        assert all(getattr(proposal, name) for name in SECTIONS) and set(proposal.mentions) == mention_names
        assert proposal.acceptance_deadline == paris_date(proposal.signed_at) + timedelta(days=14)
        content = {name: getattr(proposal, name) for name in SECTIONS}
        content.update(outcome=proposal.outcome, acceptance_deadline=proposal.acceptance_deadline.isoformat(),
                       mentions=proposal.mentions, version=proposal.version, reference=case.reference)
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
        assert proposal.content_sha256 == digest
        for answer in seeded.answers[proposal.id].values():
            assert (answer.answered_on > proposal.acceptance_deadline) == (answer.answer == "no_answer")


def test_each_admitted_file_asks_a_department_within_twenty_working_days(seeded):
    """Does each file past admission have one request to a department, due 20 working days on, late ones reminded?"""
    with seeded.app.app_context():
        departments = set(state().settings["departments"])
    for case in seeded.cases:
        requests = seeded.requests[case.id]
        assert len(requests) == (1 if case.notified_at and case.state != "ADMITTED" else 0)
        for request in requests:
            assert request.department == case.department in departments
            assert request.due_on == add_working_days(paris_date(request.sent_at), 20)
            late = (request.answered_at and paris_date(request.answered_at) > request.due_on)
            assert not late or request.reminders_sent >= 1
            assert request.reminders_sent <= 2 and (request.escalated_at is None or request.reminders_sent == 2)
    answered = [r for rs in seeded.requests.values() for r in rs if r.answered_at]
    late_share = sum(paris_date(r.answered_at) > r.due_on for r in answered) / len(answered)
    assert 0.05 < late_share < 0.3


def test_helpdesk_files_keep_a_hashed_copy_of_their_ticket(seeded):
    """Does each helpdesk file, and only those, keep a ticket copy whose hash is TicketSnapshot's own?"""
    assert {c.id for c in seeded.cases if c.channel == "helpdesk"} == set(seeded.tickets)
    ids = [t.ticket_id for tickets in seeded.tickets.values() for t in tickets]
    assert len(set(ids)) == len(ids) and min(int(i) for i in ids) > TICKET_BASE
    for (ticket,) in seeded.tickets.values():
        snapshot = TicketSnapshot.from_json(ticket.snapshot)
        assert snapshot.to_json() == ticket.snapshot and snapshot.content_sha256() == ticket.content_sha256
        assert 2 <= len(snapshot.comments) <= 4 and snapshot.vendor == ticket.vendor == "zendesk"
        assert ticket.complaint_dates == sorted({paris_date(c.created_at).isoformat()
                                                 for c in snapshot.comments if c.author_is_requester})


def test_timeline_uses_only_the_kinds_the_console_describes(seeded):
    """Is every timeline event of a kind and with data the console knows how to tell?"""
    events = [e for es in seeded.events.values() for e in es]
    with seeded.app.test_request_context():
        for event in events:
            assert set(event.data) <= EVENT_KEYS[event.kind], event.kind
            assert describe(event) != event.kind
    assert 3 <= len(events) / COUNT <= 12


def test_distributions_resemble_published_reports(seeded):
    """Are refusals, channel, party type, cross-border, outcomes, acceptance and durations within Table B's range?"""
    cases = seeded.cases
    decided = [c for c in cases if c.admissibility_decided_at]
    assert 0.40 <= len(by_state(seeded, "INADMISSIBLE")) / len(decided) <= 0.55
    assert 0.72 <= sum(c.channel == "online" for c in cases) / COUNT <= 0.88
    assert 0.90 <= sum(c.party_type == "consumer" for c in cases) / COUNT <= 0.99
    assert sum(c.cross_border for c in cases) / COUNT <= 0.05
    categories = Counter(c.category for c in cases)
    assert {name for name, _ in categories.most_common(2)} == {"facturation", "resiliation"}
    closed = by_state(seeded, "CLOSED")
    durations = [(c.ended_at - c.notified_at).total_seconds() / 86400 for c in closed]
    assert 40 <= statistics.mean(durations) <= 80
    assert sum(d <= 90 for d in durations) / len(durations) >= 0.8
    outcomes = Counter(c.outcome for c in closed)
    assert outcomes["FULLY_FAVOURABLE_CONSUMER"] > outcomes["UNFAVOURABLE_CONSUMER"] > outcomes["PARTLY_FAVOURABLE"]
    answers = Counter((a.party, a.answer) for by_party in seeded.answers.values() for a in by_party.values())
    for party in ("consumer", "company"):
        given = sum(n for (p, _), n in answers.items() if p == party)
        assert 0.88 <= answers[party, "accepted"] / given <= 0.99
    admitted = [c for c in cases if c.notified_at]
    assert 0.02 <= sum(c.state in INTERRUPTED for c in admitted) / len(admitted) <= 0.12
    recent = [c for c in cases if NOW - c.received_at < timedelta(days=45)]
    assert sum(c.state not in ENDED for c in recent) > len(recent) / 2  # recent files are mostly open
    assert all(c.state in ENDED for c in cases if NOW - c.received_at > timedelta(days=400))  # old ones have ended


def test_seed_is_audited_once_and_the_report_reads_it(seeded):
    """Is the seed one entry of an intact audit chain, and does the annual report compute on the seeded files?"""
    with seeded.app.app_context():
        entries = db.session.execute(sa.select(AuditEntry)).scalars().all()
        assert [e.action for e in entries] == ["seed"]
        assert entries[0].detail["cases"] == COUNT and entries[0].detail["rows"]["cases"] == COUNT
        assert verify_chain().broken_at is None
        figures = compute(2024)
    whole = figures["table_a"]["all"]
    assert whole["saisines"]["value"] > 500 and 40 <= whole["durations"]["mean"]["value"] <= 80


@pytest.mark.parametrize("backend", BACKENDS)
def test_seeding_twice_adds_files_without_collision(request, tmp_path_factory, backend):
    """Does a second seed continue the references, ticket ids and id sequences instead of colliding?"""
    app = _app(_fresh_database(request, tmp_path_factory, backend, "twice"), tmp_path_factory.mktemp("files"))
    with app.app_context():
        seed_cases(250, first_year=2025, last_year=2025, seed=3, now=NOW)
        seed_cases(250, first_year=2025, last_year=2025, seed=3, now=NOW)
        references = db.session.execute(sa.select(Case.reference)).scalars().all()
        tickets = db.session.execute(sa.select(TicketCopy.ticket_id)).scalars().all()
        assert len(references) == len(set(references)) == 500
        assert sorted(int(r[9:]) for r in references) == list(range(1, 501))
        assert db.session.get(ReferenceCounter, 2025).last == 500
        assert len(tickets) == len(set(tickets))
        case = db.session.execute(sa.select(Case).order_by(Case.id.desc()).limit(1)).scalar_one()
        event = TimelineEvent(case_id=case.id, at=NOW, actor="test", kind="agreement", data={})
        db.session.add(event)
        db.session.flush()  # the application's own inserts still get fresh ids
        assert event.id == db.session.execute(sa.select(sa.func.max(TimelineEvent.id))).scalar()
        db.session.rollback()
    _dispose(app)


def test_same_seed_and_now_give_the_same_files(tmp_path_factory):
    """Do two seeds with the same seed and ``now`` on empty databases write identical cases?"""
    digests = []
    for attempt in range(2):
        app = _app(f"sqlite:///{tmp_path_factory.mktemp(f'same{attempt}') / 'm.db'}", tmp_path_factory.mktemp("f"))
        with app.app_context():
            seed_cases(300, first_year=2024, last_year=2025, seed=11, now=NOW)
            rows = db.session.execute(sa.select(Case.__table__).order_by(Case.id)).all()
            digests.append(hashlib.sha256(json.dumps([list(r) for r in rows], default=str).encode()).hexdigest())
        _dispose(app)
    assert digests[0] == digests[1]
