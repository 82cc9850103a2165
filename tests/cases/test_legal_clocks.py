"""The clocks of L612-2 and R612-5, exact from the right event, on SQLite and PostgreSQL (issue 13, findings 1, 2, 4).

Each test is named after the rule it proves and freezes time around the dates the rule turns on.
"""

from __future__ import annotations

import html
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin import state
from mediator_plugin.cases import admissibility, closure, deadlines, instruction, services
from mediator_plugin.cases.alerts import send_rejection_alerts
from mediator_plugin.cases.models import Case, TimelineEvent
from mediator_plugin.cases.workflow import State
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.charter import load_charter
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import DeadlinePassed, MissingField
from mediator_plugin.core.outbox import OutboxMessage
from mediator_plugin.proposals import services as proposals
from tests.support import samples
from tests.support.factories import CONSUMER, SECTIONS
from tests.support.letters import letter_text

CHARTER = Path(__file__).resolve().parents[2] / "charter"


def paris(year, month, day, hour=10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=PARIS)


def received_file(actor, received_at: datetime, **extra) -> Case:
    case = services.create_case(actor=actor, channel="post", subject="Résiliation non prise en compte",
                                received_at=received_at, consumer=dict(CONSUMER), **extra)
    db.session.commit()
    return case


def use_charter(tmp_path, file: str, old: str, new: str) -> None:
    """Run the app on a copy of the real charter where ``old`` reads ``new`` in ``file``."""
    copy = tmp_path / "charter"
    shutil.copytree(CHARTER, copy)
    text = (copy / file).read_text(encoding="utf-8")
    assert old in text
    (copy / file).write_text(text.replace(old, new), encoding="utf-8")
    state().charter = load_charter(copy)


@pytest.mark.requirement("R-DEADLINE-1")
def test_refusal_deadline_runs_from_receipt_and_shows_in_every_state_before_admission(app, people, client_for):
    """Received 2025-01-10: a refusal is due by 2025-01-31, from RECEIVED on, whatever the file's completeness."""
    with freeze_time("2025-01-10 09:00:00"):
        case = received_file(people.gestionnaire, paris(2025, 1, 10))
        assert case.state == State.RECEIVED and case.rejection_due == date(2025, 1, 31)
        page = html.unescape(client_for("gestionnaire").get(f"/console/dossiers/{case.reference}")
                             .get_data(as_text=True))
        assert "Notification d'un éventuel refus" in page and "31 janvier 2025" in page
        assert "reçue le 10 janvier 2025" in page and "Aucun délai ne court" not in page
    with freeze_time("2025-01-15 09:00:00"):
        admissibility.request_documents(case, people.gestionnaire, missing="Copie de la facture de mars")
        db.session.commit()
        assert case.rejection_due == date(2025, 1, 31)  # receipt, not completeness: the clock does not move
        admissibility.mark_complete(case, people.gestionnaire, complete_on=date(2025, 1, 15))
        db.session.commit()
        assert case.rejection_due == date(2025, 1, 31)


@pytest.mark.requirement("R-DEADLINE-1")
def test_refusal_after_three_weeks_needs_a_late_reason_even_from_received(app, people):
    """From RECEIVED too, a refusal after J+21 is refused without the recorded reason for the delay."""
    with freeze_time("2025-01-10 09:00:00"):
        case = received_file(people.gestionnaire, paris(2025, 1, 10))
    with freeze_time("2025-01-31 20:00:00"):  # still 31 January in Paris: in time
        assert deadlines.require_in_time(case.rejection_due, "x", None) is None
    with freeze_time("2025-02-01 09:00:00"):
        with pytest.raises(DeadlinePassed) as refused:
            admissibility.declare_inadmissible(case, people.gestionnaire, ground="OUT_OF_SCOPE")
        assert refused.value.field == "late_reason"
        db.session.rollback()
        admissibility.declare_inadmissible(case, people.gestionnaire, ground="OUT_OF_SCOPE",
                                      late_reason="Courrier égaré entre deux services")
        db.session.commit()
    assert case.state == State.INADMISSIBLE and case.late_reason == "Courrier égaré entre deux services"


@pytest.mark.requirement("R-DEADLINE-1", "R-DEADLINE-2")
def test_complete_file_charter_starts_the_clock_when_the_last_document_arrives(app, people, tmp_path):
    """A charter counting from the complete file: the clock waits for the documents, then starts the day the last
    one arrived — not the day someone clicks — and the refusal letter says so."""
    use_charter(tmp_path, "rules.toml", 'rejection_clock_from = "receipt"', 'rejection_clock_from = "complete_file"')
    with freeze_time("2025-03-03 09:00:00"):
        case = received_file(people.gestionnaire, paris(2025, 3, 3))
        admissibility.request_documents(case, people.gestionnaire, missing="Copie du contrat")
        db.session.commit()
        assert case.rejection_due is None
    with freeze_time("2025-03-12 15:00:00"):
        from mediator_plugin.cases import documents

        documents.add_upload(case, filename="contrat.pdf", content=samples.pdf("Contrat"), actor="Jeanne Dupont")
        db.session.commit()
    with freeze_time("2025-03-20 09:00:00"):  # the team marks it complete a week later
        admissibility.mark_complete(case, people.gestionnaire)
        db.session.commit()
        assert case.rejection_due == date(2025, 4, 2)  # 12 March + 21 days
        admissibility.declare_inadmissible(case, people.gestionnaire, ground="MANIFESTLY_UNFOUNDED_OR_ABUSIVE")
        db.session.commit()
    letter = letter_text(case, "rejection", "consumer")
    assert "qui suivent la réception de votre dossier complet, le 12 mars 2025" in letter


@pytest.mark.requirement("R-DEADLINE-1")
def test_alerts_at_j14_and_j19_reach_the_team_once(app, people):
    """J+14 and J+19 each send one alert to the mediator's mailbox and a line in the file's history; nothing
    before, nothing twice, nothing once the decision is taken."""
    with freeze_time("2025-01-10 09:00:00"):
        case = received_file(people.gestionnaire, paris(2025, 1, 10))
    mailbox = state().charter.mediator["email"]

    def alerts():
        return db.session.execute(sa.select(OutboxMessage).where(
            OutboxMessage.dedupe_key.like(f"rejection-alert:{case.reference}:%"))).scalars().all()

    for moment, expected in (("2025-01-23 10:00:00", 0), ("2025-01-24 10:00:00", 1), ("2025-01-24 16:00:00", 1),
                             ("2025-01-29 10:00:00", 2), ("2025-01-30 10:00:00", 2)):
        with freeze_time(moment):
            send_rejection_alerts(datetime.now(UTC))
        assert len(alerts()) == expected, moment
    assert all(a.payload["to"] == [mailbox] for a in alerts())
    assert "31 janvier 2025" in alerts()[-1].payload["subject"]
    lines = db.session.execute(sa.select(TimelineEvent.data).where(
        TimelineEvent.case_id == case.id, TimelineEvent.kind == "rejection_alert")).scalars().all()
    assert sorted(line["alert_day"] for line in lines) == [14, 19]


@pytest.mark.requirement("R-ADM-3")
@pytest.mark.parametrize(("limit_from", "inclusive", "received", "over"), [
    ("first", "true", date(2025, 3, 5), False),   # the anniversary day is still in time
    ("first", "true", date(2025, 3, 6), True),
    ("first", "false", date(2025, 3, 5), True),   # excluded: the day before is the last one
    ("last", "true", date(2025, 3, 6), False),    # counted from the later complaint of 2024-06-01
])
def test_one_year_after_the_written_complaint_follows_the_charter(app, people, tmp_path, limit_from, inclusive,
                                                                    received, over):
    """The limit of L612-2 4° is computed from the complaint the charter names, anniversary in or out."""
    rules = (CHARTER / "rules.toml").read_text(encoding="utf-8")
    assert 'complaint_limit_from = "first"\ncomplaint_limit_inclusive = true' in rules
    use_charter(tmp_path, "rules.toml", 'complaint_limit_from = "first"\ncomplaint_limit_inclusive = true',
                f'complaint_limit_from = "{limit_from}"\ncomplaint_limit_inclusive = {inclusive}')
    assert deadlines.over_complaint_limit(received, date(2024, 3, 5), date(2024, 6, 1)) is over


@pytest.mark.requirement("R-ADM-3")
def test_leap_day_complaint_ends_on_the_last_day_of_february():
    """Code de procédure civile art. 641: a year from 29 February ends on 28 February."""
    assert deadlines._one_year_after(date(2024, 2, 29)) == date(2025, 2, 28)


@pytest.mark.requirement("R-ADM-3", "R-ADM-1")
def test_over_one_year_is_flagged_and_prefilled_never_refused_automatically(app, people, client_for):
    """A request a year and a day after the complaint: flagged on the file page with ground 4 selected in the
    refusal form, and the file stays where it was until the team decides."""
    with freeze_time("2025-05-02 09:00:00"):
        case = received_file(people.gestionnaire, paris(2025, 5, 2), first_written_complaint_on=date(2024, 5, 1))
        page = html.unescape(client_for("gestionnaire").get(f"/console/dossiers/{case.reference}")
                             .get_data(as_text=True))
    assert "Un an après la réclamation écrite" in page and "le motif 4 peut s'appliquer" in page
    assert '<option value="OVER_ONE_YEAR" selected>' in page
    db.session.refresh(case)
    assert case.state == State.RECEIVED and case.inadmissibility_ground is None


def _to_answers(case, people, *, signed: str):
    with freeze_time(signed):
        admissibility.mark_complete(case, people.gestionnaire)
        services.classify(case, people.gestionnaire, subcategory="facturation.contestation", department="billing")
        instruction.declare_interests(case, people.gestionnaire, has_conflict=False)
        admissibility.declare_admissible(case, people.gestionnaire)
        proposals.save_proposal(case, people.gestionnaire, **SECTIONS)
        proposals.sign_proposal(case, people.mediatrice, outcome="PARTLY_FAVOURABLE")
        db.session.commit()


@pytest.mark.requirement("R-DEADLINE-5", "R-PRESC-2", "R-STATS-4")
def test_mediation_ends_at_its_outcome_not_at_the_closing_click(app, people):
    """Both answers in on 18 March: the mediation ended on 18 March; closing on 30 April after the implementation
    follow-up keeps that date in the file, its duration and the closure letter."""
    with freeze_time("2025-03-01 09:00:00"):
        case = received_file(people.gestionnaire, paris(2025, 3, 1))
    _to_answers(case, people, signed="2025-03-05 10:00:00")
    with freeze_time("2025-03-18 11:00:00"):
        proposals.record_answer(case, people.gestionnaire, party="consumer", answer="accepted",
                                answered_on=date(2025, 3, 14), channel="post")
        proposals.record_answer(case, people.gestionnaire, party="company", answer="accepted",
                                answered_on=date(2025, 3, 18), channel="email")
        db.session.commit()
    assert case.state == State.ACCEPTED and case.outcome == "PARTLY_FAVOURABLE"
    assert case.ended_at.astimezone(PARIS).date() == date(2025, 3, 18)
    with freeze_time("2025-04-30 10:00:00"):
        proposals.record_implementation(case, people.facturation, status="done", done_on=date(2025, 4, 28))
        closure.close(case, people.gestionnaire)
        db.session.commit()
    assert case.closed_at.astimezone(PARIS).date() == date(2025, 4, 30)
    assert case.ended_at.astimezone(PARIS).date() == date(2025, 3, 18)
    assert case.duration_day == 14  # 5 March 10:00 → 18 March 11:00 is 13 days and an hour; not → 30 April
    assert "La médiation a pris fin le 18 mars 2025" in letter_text(case, "closure", "consumer")


@pytest.mark.requirement("R-DEADLINE-5", "R-INFO-2")
def test_no_answer_ends_the_mediation_when_the_deadline_runs_out(app, people):
    """A party silent past the answer deadline: the mediation ended on the deadline's last day."""
    with freeze_time("2025-03-01 09:00:00"):
        case = received_file(people.gestionnaire, paris(2025, 3, 1))
    _to_answers(case, people, signed="2025-03-05 10:00:00")  # deadline: 19 March
    with freeze_time("2025-03-25 10:00:00"):
        proposals.record_answer(case, people.gestionnaire, party="consumer", answer="accepted",
                                answered_on=date(2025, 3, 10), channel="online")
        proposals.record_answer(case, people.gestionnaire, party="company", answer="no_answer",
                                answered_on=date(2025, 3, 25), channel="email")
        db.session.commit()
    assert case.state == State.NO_RESPONSE
    assert case.ended_at.astimezone(PARIS).date() == date(2025, 3, 19)


@pytest.mark.requirement("R-DEADLINE-3")
def test_next_step_and_its_date_in_every_state_after_the_outcome(app, people, client_for):
    """ACCEPTED and REFUSED files show what comes next and by when, as every other open state does."""
    with freeze_time("2025-03-01 09:00:00"):
        accepted = received_file(people.gestionnaire, paris(2025, 3, 1))
        refused = received_file(people.gestionnaire, paris(2025, 3, 1))
    _to_answers(accepted, people, signed="2025-03-05 10:00:00")
    _to_answers(refused, people, signed="2025-03-05 10:00:00")
    with freeze_time("2025-03-10 10:00:00"):
        for case, company in ((accepted, "accepted"), (refused, "refused")):
            proposals.record_answer(case, people.gestionnaire, party="consumer", answer="accepted",
                                    answered_on=date(2025, 3, 10), channel="online")
            proposals.record_answer(case, people.gestionnaire, party="company", answer=company,
                                    answered_on=date(2025, 3, 10), channel="email", reason_category="CONTRACT_APPLIED",
                                    reason="Les conditions générales excluent ce remboursement après trois mois.")
        db.session.commit()
        team = client_for("gestionnaire")
        accepted_page = html.unescape(team.get(f"/console/dossiers/{accepted.reference}").get_data(as_text=True))
        refused_page = html.unescape(team.get(f"/console/dossiers/{refused.reference}").get_data(as_text=True))
    assert "Vérifier que la solution a été exécutée" in accepted_page and "9 avril 2025" in accepted_page
    assert "Clore le dossier" in refused_page and "17 mars 2025" in refused_page


def test_deadline_rules_live_in_one_module():
    """Every deadline is computed in cases/deadlines.py: no other module adds the charter's days itself."""
    root = Path(__file__).resolve().parents[2] / "mediator_plugin"
    keys = ("rejection_days", "outcome_days", "acceptance_days", "coi_objection_days", "company_reply_working_days",
            "reminder_offsets_days", "party_reply_days")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "deadlines.py" and path.parent.name != "translations"
                 and any(f'deadlines["{key}"]' in path.read_text(encoding="utf-8") for key in keys)]
    assert offenders == []


@pytest.mark.requirement("R-DEADLINE-4")
def test_extension_is_decided_before_the_end_for_a_later_date(app):
    """R612-5: an extension after the 90 days, or to an earlier date, is refused (R-DEADLINE-4)."""
    due = date(2025, 6, 1)
    with pytest.raises(DeadlinePassed):
        deadlines.check_extension(due, due + timedelta(days=30), due + timedelta(days=1))
    with pytest.raises(MissingField):
        deadlines.check_extension(due, due, due)
    deadlines.check_extension(due, due + timedelta(days=30), due)
