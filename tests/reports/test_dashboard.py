"""The executive dashboard: figures computed in SQL on a small set counted by hand, shown without any file."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from mediator_plugin import state
from mediator_plugin.cases.models import Case
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.proposals.models import PartyAnswer, Proposal
from mediator_plugin.recommendations import services as recommendations
from mediator_plugin.reports import dashboard
from mediator_plugin.seed import seed_cases

YEAR = utcnow().year - 1  # a whole year behind us, whatever the date the suite runs
NAME = "Jeanne Dupont-Témoin"


def _moment(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(YEAR, month, day, hour, tzinfo=UTC)


class Files:
    """Inserts files as the services leave them (only the columns the figures read), numbered from 90001
    so that the seed's own numbering never meets them."""

    def __init__(self):
        self.count = 0

    def add(self, received_at: datetime, *, state_: str = "INSTRUCTION", party_type: str = "consumer",
            category: str | None = "facturation", department: str | None = "billing", **columns) -> Case:
        self.count += 1
        charter = state().charter
        case = Case(reference=f"MED-{YEAR}-{90000 + self.count}", state=state_, charter_version=charter.version,
                    charter_sha256=charter.sha256, channel="online", subject=f"Litige de {NAME}",
                    received_at=received_at, party_type=party_type, category=category, department=department,
                    **columns)
        db.session.add(case)
        db.session.flush()
        return case


def _answers(case: Case, company: str, consumer: str, *, on: date, superseded: bool = False) -> None:
    signed = datetime(on.year, on.month, on.day, tzinfo=UTC) - timedelta(days=10)
    proposal = Proposal(case_id=case.id, version=2 if superseded else 1, drafted_by="Lisa", drafted_at=signed,
                        signed_by="Claire", signed_at=signed, outcome="PARTLY_FAVOURABLE", superseded=superseded)
    db.session.add(proposal)
    db.session.flush()
    for party, answer in (("company", company), ("consumer", consumer)):
        db.session.add(PartyAnswer(proposal_id=proposal.id, party=party, answer=answer, answered_on=on,
                                   channel="email", recorded_by="Lisa", recorded_at=signed))


@pytest.fixture
def counted(app, people):
    """16 statutory files of YEAR, and three that must not count; every figure is worked out in the comments."""
    files = Files()
    # Received per Paris month: January 1 (31 December 23:30 UTC is already 1 January in Paris), March 12,
    # April 1 (31 March 22:30 UTC is 1 April in Paris), June 2. Total 16.
    january = files.add(datetime(YEAR - 1, 12, 31, 23, 30, tzinfo=UTC), category="contrat", department="contracts")
    march = [files.add(_moment(3, 1 + i), category="facturation" if i < 7 else "resiliation") for i in range(12)]
    april = files.add(datetime(YEAR, 3, 31, 22, 30, tzinfo=UTC), category="contrat", department="contracts")
    for day in (2, 3):
        files.add(_moment(6, day), category=None, department=None, state_="RECEIVED")
    files.add(_moment(3, 20), party_type="professional")  # out of the statutory scope
    files.add(datetime(YEAR, 12, 31, 23, 30, tzinfo=UTC))  # 1 January of the next year in Paris
    files.add(datetime(YEAR - 1, 12, 31, 22, 30, tzinfo=UTC))  # 31 December of the year before in Paris
    # Categories: facturation 7, résiliation 5, contrat 2, not classified 2.
    # Admissibility: 3 refused (2 without a prior written complaint, 1 over a year), 2 pending, 11 admitted.
    for case, ground in zip(march[:3], ("NO_PRIOR_WRITTEN_COMPLAINT", "NO_PRIOR_WRITTEN_COMPLAINT", "OVER_ONE_YEAR"),
                            strict=True):
        case.state, case.inadmissibility_ground = "INADMISSIBLE", ground
    for case in (january, *march[3:], april):
        case.notified_at = case.received_at + timedelta(days=5)
    # Ended in YEAR: six closed with an outcome after 30, 45, 60, 80, 88 and 130 days (mean 433 / 6 = 72,2;
    # median (60 + 80) / 2 = 70,0; 5 of 6 within 90 days = 83,3 %), and one withdrawn.
    outcomes = ("FULLY_FAVOURABLE_CONSUMER", "FULLY_FAVOURABLE_CONSUMER", "PARTLY_FAVOURABLE",
                "UNFAVOURABLE_CONSUMER", "AMICABLE_AGREEMENT", "AMICABLE_AGREEMENT")
    for case, days, outcome in zip(march[3:9], (30, 45, 60, 80, 88, 130), outcomes, strict=True):
        case.state, case.outcome = "CLOSED", outcome
        case.ended_at = case.closed_at = case.notified_at + timedelta(days=days)
    march[9].state = "WITHDRAWN_BY_CONSUMER"
    march[9].ended_at = march[9].closed_at = march[9].notified_at + timedelta(days=20)
    # Proposals answered in YEAR: billing 3 (the company accepts 2 of 3 = 66,7 %; the consumer all = 100,0 %),
    # contracts 1 (no answer from the company = 0,0 %). Not counted: a superseded version, an answer of YEAR - 1.
    for case, company in zip(march[3:6], ("accepted", "accepted", "refused"), strict=True):
        _answers(case, company, "accepted", on=date(YEAR, 7, 1))
    _answers(january, "no_answer", "accepted", on=date(YEAR, 7, 2))
    _answers(march[6], "refused", "refused", on=date(YEAR, 7, 3), superseded=True)
    _answers(march[7], "refused", "refused", on=date(YEAR - 1, 12, 30))
    # Recommendations issued up to YEAR: three still issued, one accepted; one of the next year is left out.
    issued = [recommendations.issue(people.mediatrice, title=title, finding="Constat", text="Texte",
                                    addressee="billing", issued_on=date(YEAR, 2, 1))
              for title in ("Une", "Deux", "Trois", "Quatre")]
    recommendations.follow_up(issued[3], people.mediatrice, status="ACCEPTED", explanation="Accord en comité",
                              reviewed_on=date(YEAR, 5, 1))
    recommendations.issue(people.mediatrice, title="Plus tard", finding="C", text="T", addressee="billing",
                          issued_on=date(YEAR + 1, 1, 5))
    db.session.commit()
    return files


def _html(client) -> str:
    """The dashboard of YEAR, with the no-break spaces of French numbers made plain."""
    response = client.get(f"/console/pilotage/?year={YEAR}")
    assert response.status_code == 200
    return re.sub("[\u00a0\u202f]", " ", response.get_data(as_text=True))


def _row(html: str, label: str) -> list[str]:
    """The cells of the table row headed ``label``."""
    found = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html, re.DOTALL)
    assert found, label
    return re.findall(r'<td class="num">(.*?)</td>', found.group(1))


@pytest.mark.requirement("R-STATS-4")
def test_figures_counted_by_hand_are_on_the_page(app, counted, login):
    """Does the dashboard show, for the year, exactly the figures counted by hand, and nothing of a file?"""
    client = app.test_client()
    login(client, "comex")
    html = _html(client)
    assert [_row(html, month)[0] for month in ("Janvier", "Février", "Mars", "Avril", "Juin", "Décembre")] == \
        ["1", "0", "12", "1", "2", "0"]
    assert _row(html, "Total") == ["16"]
    assert _row(html, "Dossiers recevables") == ["11", "68,8 %"]
    assert _row(html, "Dossiers refusés (irrecevables)") == ["3", "18,8 %"]
    assert _row(html, "Recevabilité pas encore décidée") == ["2", "12,5 %"]
    assert _row(html, "Absence de tentative préalable de résolution du litige directement auprès du professionnel "
                      "par une réclamation écrite") == ["2", "66,7 %"]
    assert _row(html, "Demande introduite auprès du médiateur plus d&#39;un an après la réclamation écrite auprès "
                      "du professionnel") == ["1", "33,3 %"]
    assert _row(html, "Entièrement favorable au consommateur") == ["2", "33,3 %"]
    assert _row(html, "Accord amiable entre les parties") == ["2", "33,3 %"]
    assert _row(html, "Retrait du consommateur") == ["1", "100,0 %"]
    assert _row(html, "Facturation")[:1] == ["7"] and _row(html, "Résiliation") == ["5", "31,3 %"]
    assert _row(html, "Pas encore classés") == ["2", "12,5 %"]
    follow = html.split("Taux de suivi des propositions", 1)[1]
    assert _row(follow, "Facturation") == ["3", "2", "66,7 %", "100,0 %"]
    assert _row(follow, "Contrats") == ["1", "0", "0,0 %", "100,0 %"]
    assert _row(html, "Médiations terminées avec une issue") == ["6"]
    assert _row(html, "Durée moyenne") == ["72,2 jours"] and _row(html, "Durée médiane") == ["70,0 jours"]
    assert _row(html, "Terminées en 90 jours ou moins") == ["83,3 %"]
    assert _row(html, "Émise") == ["3", "75,0 %"] and _row(html, "Acceptée par la société") == ["1", "25,0 %"]
    assert "MED-" not in html and NAME not in html and "/console/dossiers" not in html
    assert "<script" not in html and "style=" not in html


def test_charts_carry_text_alternatives(app, counted, login):
    """Is each chart an SVG image named by its title, describing every value, next to its table?"""
    client = app.test_client()
    login(client, "mediatrice")
    html = _html(client)
    months = re.search(r'<svg class="chart" id="chart-months".*?</svg>', html, re.DOTALL).group(0)
    assert 'role="img"' in months and 'aria-labelledby="chart-months-title chart-months-desc"' in months
    assert "<title id=\"chart-months-title\">Dossiers reçus par mois</title>" in months
    assert "mars : 12" in months and ">Dossiers reçus</text>" in months  # value and axis title
    follow = re.search(r'<svg class="chart" id="chart-follow".*?</svg>', html, re.DOTALL).group(0)
    assert "Facturation : 66,7 %" in follow and ">100,0 %</text>" in follow


def test_cost_does_not_follow_the_number_of_files(app, counted):
    """Does computing the dashboard run the same few queries with 16 files as with 300 more?"""
    def statements() -> int:
        executed = []
        listener = lambda *args: executed.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            dashboard.compute(YEAR)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(executed)

    before = statements()
    seed_cases(300, first_year=YEAR, last_year=YEAR, seed=5, now=datetime(YEAR + 1, 2, 1, tzinfo=UTC))
    assert dashboard.compute(YEAR)["admissibility"]["received"] > 16
    assert statements() == before <= 10


@pytest.mark.parametrize("who", ["admin-si", "agent-sav", "facturation"])
def test_dashboard_is_closed_to_other_roles(app, login, who):
    """Do the administrator, the customer-service agent and a correspondent get 403 on the dashboard?"""
    client = app.test_client()
    login(client, who)
    assert client.get("/console/pilotage/").status_code == 403


def test_executive_lands_on_the_dashboard(app, login):
    """After signing in, does the executive land on the dashboard, with its link and the register's in the menu?"""
    client = app.test_client()
    landed = login(client, "comex")
    assert landed.headers["Location"].endswith("/console/pilotage/")
    menu = client.get("/console/pilotage/").get_data(as_text=True).split("</nav>", 1)[0]
    assert ">Pilotage</a>" in menu and ">Recommandations</a>" in menu and "/console/dossiers" not in menu
