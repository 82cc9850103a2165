"""Telling the CECMC of a change without delay (R-CECMC-4, R614-3): `mediator init` records what was notified,
a change found by `mediator jobs` or `mediator init` queues exactly one mail naming it, delivered over SMTP and
audited; nothing changed, nothing sent — on SQLite and PostgreSQL, and once when two hosts check together."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from mediator_plugin import state
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.charter import load_charter
from mediator_plugin.core.db import db
from mediator_plugin.core.jobs import run_jobs
from mediator_plugin.core.outbox import OutboxMessage
from mediator_plugin.governance.models import CecmcNotice
from mediator_plugin.governance.notices import check_in_own_transaction
from tests.support.charter import charter_copy

CECMC = "cecmc@example.org"
NEW_BUDGET = "Budget 2027 de la médiation, centre de coûts MED-02, ligne 6226"
NEW_ADDRESS = "Médiation Exemple, 25 quai de la Tournelle, 75005 Paris"


def _init(app) -> str:
    result = app.test_cli_runner().invoke(args=["mediator", "init"])
    assert result.exit_code == 0, result.output
    return result.output


def _notices() -> list[OutboxMessage]:
    return db.session.execute(sa.select(OutboxMessage).where(OutboxMessage.dedupe_key.like("cecmc-notice:%"))
                              .order_by(OutboxMessage.id)).scalars().all()


def _changed_charter(tmp_path):
    """The shipped charter with a new budget line (governance.toml) and a new postal address (mediator.toml)."""
    return load_charter(charter_copy(
        tmp_path, governance_toml=[(r"^line_reference = .*$", f'line_reference = "{NEW_BUDGET}"')],
        mediator_toml=[(r"^postal_address = .*$", f'postal_address = "{NEW_ADDRESS}"')]))


@pytest.mark.requirement("R-CECMC-4", "R-IND-5")
def test_a_change_is_notified_once_naming_it_and_nothing_when_unchanged(app, smtp, tmp_path):
    """Does the first `mediator init` record the data without a mail, a second one and a job run find nothing
    changed, and — once the budget line and the postal address change — does the next job run queue and deliver
    exactly one mail to the CECMC naming both changes with their old and new values, recorded and audited?"""
    assert "recorded as notified; a change will be notified to cecmc@example.org" in _init(app)
    assert "unchanged since record 1" in _init(app)
    assert run_jobs()["cecmc_notice"] == "unchanged"
    assert _notices() == []
    old_budget = state().charter.governance["budget"]["line_reference"]
    old_address = state().charter.mediator["postal_address"]

    state().charter = _changed_charter(tmp_path)
    smtp.inbox.messages.clear()
    result = run_jobs()
    assert result["cecmc_notice"] == "queued" and result["outbox"]["failed"] == 0
    (queued,) = _notices()
    assert queued.payload["to"] == [CECMC] and queued.status == "sent"
    (mail,) = [m for m in smtp.inbox.messages if m["To"] == CECMC]
    body = mail.get_content()
    assert "modification des informations communiquées à la CECMC" in mail["Subject"]
    assert "Conformément à l'article R614-3 du code de la consommation" in body
    assert f"— Adresse postale : « {old_address} » devient « {NEW_ADDRESS} »." in body
    assert f"— Ligne budgétaire de la médiation : « {old_budget} » devient « {NEW_BUDGET} »." in body
    assert "Les autres informations sont inchangées." in body and "Nom du médiateur" not in body
    records = db.session.execute(sa.select(CecmcNotice).order_by(CecmcNotice.sequence)).scalars().all()
    assert [(r.sequence, r.changes, r.outbox_id) for r in records] == [
        (1, [], None), (2, ["postal_address", "budget_line"], queued.id)]
    audited = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "cecmc_notice")).scalar_one()
    assert audited.detail["changes"] == ["postal_address", "budget_line"] and audited.detail["to"] == CECMC

    assert run_jobs()["cecmc_notice"] == "unchanged"
    assert "unchanged since record 2" in _init(app)
    assert len(_notices()) == 1 and len([m for m in smtp.inbox.messages if m["To"] == CECMC]) == 1


@pytest.mark.requirement("R-CECMC-4")
def test_init_notifies_a_change_and_jobs_wait_for_the_first_init(app, tmp_path):
    """Before any `mediator init`, does a job run record nothing; and does `mediator init` after a change queue the
    notice itself, saying what it names and that the jobs deliver it?"""
    assert run_jobs()["cecmc_notice"] == "no_baseline"
    assert db.session.execute(sa.select(sa.func.count()).select_from(CecmcNotice)).scalar() == 0
    _init(app)
    state().charter = _changed_charter(tmp_path)
    output = _init(app)
    assert "notice 2 queued to cecmc@example.org, naming the changed item(s) postal_address, budget_line" in output
    (queued,) = _notices()
    assert queued.status == "pending" and "Adresse postale" in queued.payload["body"]


@pytest.mark.requirement("R-CECMC-4")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite: one host runs the jobs
def test_two_hosts_finding_the_same_change_queue_one_notice(app, tmp_path):
    """Two hosts check at the same moment after a change: is exactly one notice queued and recorded?"""
    _init(app)
    state().charter = _changed_charter(tmp_path)
    db.session.remove()
    barrier, statuses = threading.Barrier(2), []

    def host() -> None:
        with app.app_context():
            barrier.wait()
            statuses.append(check_in_own_transaction("jobs", record_baseline=False).status)
            db.session.remove()

    threads = [threading.Thread(target=host) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) in (["busy", "queued"], ["queued", "unchanged"])
    assert len(_notices()) == 1
    assert db.session.execute(sa.select(sa.func.count()).select_from(CecmcNotice)).scalar() == 2
