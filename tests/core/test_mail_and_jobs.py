"""Mail to the parties end to end, SMTP outages, and `mediator jobs` run by two hosts at once."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from freezegun import freeze_time
from pypdf import PdfReader

from mediator_plugin.cases import admissibility, closure, instruction
from mediator_plugin.cases.models import Case, ObservationRequest
from mediator_plugin.cases.reminders import send_due_reminders
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.delivery import deliver_outbox
from mediator_plugin.core.jobs import run_jobs
from mediator_plugin.core.operations import JobRun
from mediator_plugin.core.outbox import OutboxMessage
from mediator_plugin.proposals import services as proposals
from tests.support.clock import paris_today
from tests.support.factories import SECTIONS, admitted_case, new_case
from tests.support.smtp import Inbox, free_port, smtp_server


def _outbox(status=None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if status:
        query = query.where(OutboxMessage.status == status)
    return db.session.execute(query).scalars().all()


def _time_passes() -> None:
    """The backoff delay of every waiting message has elapsed."""
    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_every_letter_reaches_the_parties_as_a_pdf_naming_the_file(app, people, smtp):
    """Do the seizure, proposal, closure and refusal letters each reach their party once, as a PDF of the file?"""
    handler, mediator = people.gestionnaire, people.mediatrice
    case = admitted_case(handler)
    instruction.request_observations(case, handler, department="billing", question="Confirmez-vous le doublon ?")
    db.session.commit()
    request = db.session.execute(sa.select(ObservationRequest)).scalar_one()
    instruction.answer_observations(request, people.facturation, answer="Doublon confirmé.")
    proposals.save_proposal(case, handler, **SECTIONS)
    db.session.commit()
    proposals.sign_proposal(case, mediator, outcome="FULLY_FAVOURABLE_CONSUMER")
    db.session.commit()
    for party in ("consumer", "company"):
        proposals.record_answer(case, handler, party=party, answer="accepted", answered_on=paris_today(),
                                channel="email")
    db.session.commit()
    closure.close(case, handler)
    refused = new_case(handler, email="paul.martin@example.org")
    admissibility.declare_inadmissible(refused, handler, ground="OUT_OF_SCOPE")
    db.session.commit()

    smtp.inbox.messages.clear()
    assert deliver_outbox().failed == 0
    letters = {}
    for mail in smtp.inbox.messages:
        for attachment in mail.iter_attachments():
            letters[attachment.get_filename()] = (mail["To"], attachment.get_content_type(), attachment.get_content())
    # French file names: the letter's title and its addressee.
    expected = {f"{case.reference}-{kind}-{role}.pdf" for kind in (
        "notification-de-la-saisine-du-mediateur", "proposition-de-solution-du-mediateur", "cloture-de-la-mediation")
        for role in ("consommateur", "societe")} | {
        f"{refused.reference}-irrecevabilite-de-la-demande-de-mediation-consommateur.pdf"}
    assert set(letters) == expected
    assert len([m for m in smtp.inbox.messages if any(m.iter_attachments())]) == len(expected)  # once each
    for filename, (to, content_type, content) in letters.items():
        reference = "-".join(filename.split("-")[:3])
        assert content_type == "application/pdf" and content.startswith(b"%PDF")
        assert reference in _pdf_text(content)
        assert to == ("juridique@example.com" if filename.endswith("-societe.pdf") else
                      "paul.martin@example.org" if reference == refused.reference else "jeanne.dupont@example.org")
    assert deliver_outbox().sent == 0  # nothing sent twice


def test_smtp_down_then_back_loses_nothing_and_sends_nothing_twice(make_app, people):
    """While the server refuses connections mail waits with a growing backoff; once back, each goes out once."""
    port = free_port()
    app = make_app(smtp_url=f"smtp://127.0.0.1:{port}")
    with app.app_context():
        for n in range(3):
            admitted_case(people.gestionnaire, email=f"client{n}@example.org")
        total = len(_outbox())
        first = deliver_outbox()
        assert (first.sent, first.retried) == (0, total)
        assert all(m.status == "pending" and "Connection refused" in m.last_error for m in _outbox())
        delays = {round((m.next_attempt_at - utcnow()).total_seconds() / 10) * 10 for m in _outbox()}
        assert delays == {60}  # first retry a minute later
        assert deliver_outbox().retried == 0  # not before its time
        _time_passes()
        assert deliver_outbox().retried == total
        assert {round((m.next_attempt_at - utcnow()).total_seconds() / 10) * 10 for m in _outbox()} == {120}
        with smtp_server(port) as (_, inbox):
            assert deliver_outbox().sent == 0  # the backoff still runs
            _time_passes()
            back, again = deliver_outbox(), deliver_outbox()
            assert (back.sent, back.failed, again.sent) == (total, 0, 0)
            ids = [m["Message-ID"] for m in inbox.messages]
            assert len(ids) == total and len(set(ids)) == total
        assert all(m.status == "sent" and m.attempts == 3 for m in _outbox())


def test_a_mail_sent_again_after_a_lost_commit_keeps_its_message_id(app, people, smtp):
    """At-least-once: a mail whose commit was lost goes out again with the same Message-ID, for receivers to drop."""
    admitted_case(people.gestionnaire)
    smtp.inbox.messages.clear()
    deliver_outbox()
    db.session.execute(sa.update(OutboxMessage).values(status="pending", delivered_at=None))  # the crash window
    db.session.commit()
    deliver_outbox()
    ids = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(ids) == 4 and len(set(ids)) == 2
    assert all(i.startswith("<") and i.endswith("@example.com>") for i in ids)


def _at_once(app, work, count: int = 2) -> list:
    """Run ``work`` in ``count`` threads released together, each with its own app context and session."""
    barrier, results, errors = threading.Barrier(count), [None] * count, []

    def worker(slot: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[slot] = work()
            except Exception as exc:  # reported by the caller
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results


def test_two_job_runs_at_once_send_each_mail_once(make_app, people, database_url):
    """Two `mediator jobs` started together: PostgreSQL shares the mail between them, SQLite runs one; none twice."""
    with smtp_server(inbox=Inbox(delay=0.05)) as (url, inbox):
        app = make_app(smtp_url=url)
        with app.app_context():
            for n in range(6):
                admitted_case(people.gestionnaire, email=f"client{n}@example.org")
            total = len(_outbox())
            db.session.remove()
        results = _at_once(app, run_jobs)
        with app.app_context():
            assert len(inbox.messages) == total
            assert len({m["Message-ID"] for m in inbox.messages}) == total
            assert all(m.status == "sent" and m.attempts == 1 for m in _outbox())
            sent = [r["outbox"]["sent"] for r in results]
            assert sum(sent) == total
            runs = db.session.execute(sa.select(JobRun)).scalars().all()
            if database_url.startswith("postgresql"):
                assert all(sent) and len(runs) == 2  # both hosts worked, on different mail
            else:
                assert sorted(sent) == [0, total] and len(runs) == 1
                assert any("skipped" in r for r in results)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite: one run at a time (below)
def test_reminders_are_queued_once_when_two_hosts_scan_together(app, people):
    """Two hosts scanning the late requests at the same moment queue one reminder per request, not two."""
    with freeze_time("2026-03-02 10:00:00"):
        for n in range(6):
            case = admitted_case(people.gestionnaire, email=f"client{n}@example.org")
            instruction.request_observations(case, people.gestionnaire, department="billing", question="?")
        db.session.commit()
    db.session.remove()
    due_day = datetime(2026, 3, 30, 10, 0, tzinfo=PARIS)
    queued = _at_once(app, lambda: send_due_reminders(due_day))
    assert sum(queued) == 6
    reminders = [m for m in _outbox() if m.dedupe_key.startswith("reminder:")]
    assert len(reminders) == 6
    requests_ = db.session.execute(sa.select(ObservationRequest)).scalars().all()
    assert [r.reminders_sent for r in requests_] == [1] * 6
    assert db.session.execute(sa.select(sa.func.count()).select_from(Case)).scalar() == 6


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_jobs_skip_while_another_run_holds_the_host(app):
    """On SQLite a second run while the first still works is skipped, and says so."""
    from mediator_plugin.core.locks import single_host_run

    with single_host_run():
        result = _at_once(app, run_jobs, count=1)[0]
    assert result["skipped"] and result["outbox"] == {"sent": 0, "retried": 0, "failed": 0}
    assert db.session.execute(sa.select(sa.func.count()).select_from(JobRun)).scalar() == 0
