"""``/api/v1/files``: file statuses for the mediator's team, filtered and paged, reads audited, no content."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mediator_plugin.cases import instruction
from mediator_plugin.cases.models import Case
from mediator_plugin.cases.workflow import CLOCK_RUNNING, OPEN
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.proposals import services as proposals
from mediator_plugin.seed import seed_cases
from tests.api.conftest import API, error_of
from tests.support.factories import SECTIONS, admitted_case, new_case

NOW = datetime(2025, 11, 14, 15, 30, tzinfo=UTC)
QUESTION = "Confirmez-vous le double prélèvement de mars ?"


def _count(*where) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Case).where(*where)).scalar()


@pytest.fixture
def seeded(app):
    """300 synthetic files over 2024-2025, every state present."""
    seed_cases(300, first_year=2024, last_year=2025, seed=5, now=NOW)
    return 300


@pytest.mark.requirement("R-CONF-1")
def test_only_the_team_reads_file_statuses(app, people, api):
    """Anonymous 401, agent, executive, admin and correspondent 403, both in JSON; the team 200?"""
    reference = new_case(people.gestionnaire).reference
    for path in (f"{API}/files", f"{API}/files/{reference}"):
        anonymous = api().get(path)
        assert anonymous.status_code == 401 and error_of(anonymous)["code"] == "unauthenticated"
        for who in ("agent-sav", "comex", "admin-si", "facturation"):
            refused = api(who).get(path)
            assert refused.status_code == 403, (who, path)
            assert error_of(refused)["message"] == "Votre rôle ne donne pas accès à cette ressource."
        for who in ("mediatrice", "gestionnaire"):
            assert api(who).get(path).status_code == 200, (who, path)


def test_filters_and_pages_give_the_database_figures(app, seeded, api):
    """Do each filter's total and the pages match counts made directly in the database?"""
    client = api("gestionnaire")
    listed = client.get(f"{API}/files?per_page=100").json
    assert listed["total"] == seeded and len(listed["items"]) == 100
    references = []
    for page in (1, 2, 3, 4):
        items = client.get(f"{API}/files?per_page=100&page={page}").json["items"]
        assert len(items) == (100 if page < 4 else 0)
        references += [item["reference"] for item in items]
    assert len(set(references)) == seeded
    received = [item["received_at"] for item in client.get(f"{API}/files?per_page=100").json["items"]]
    assert received == sorted(received, reverse=True)

    assert client.get(f"{API}/files?state=open").json["total"] == _count(Case.state.in_(OPEN))
    assert client.get(f"{API}/files?state=CLOSED").json["total"] == _count(Case.state == "CLOSED") > 0
    assert client.get(f"{API}/files?year=2024").json["total"] == _count(Case.reference.like("MED-2024-%")) > 0
    category, department = db.session.execute(
        sa.select(Case.category, Case.department).where(Case.category.is_not(None), Case.department.is_not(None))
        .limit(1)).one()
    combined = client.get(f"{API}/files?category={category}&department={department}&year=2025&per_page=5").json
    assert combined["total"] == _count(Case.category == category, Case.department == department,
                                       Case.reference.like("MED-2025-%")) > 0
    assert len(combined["items"]) == min(5, combined["total"])
    assert all(item["category"]["code"] == category and item["department"]["code"] == department
               for item in combined["items"])
    due_soon = _count(Case.state.in_(CLOCK_RUNNING), Case.outcome_due <= paris_date(utcnow()) + timedelta(days=30))
    assert client.get(f"{API}/files?due_within=30").json["total"] == due_soon > 0
    one = references[123]
    assert [item["reference"] for item in client.get(f"{API}/files?q={one.lower()}").json["items"]] == [one]


def test_search_by_consumer_shows_no_party_data(app, people, api):
    """Does the search find a file by e-mail, name or reference without ever returning the consumer's details?"""
    jeanne = admitted_case(people.gestionnaire).reference
    paul = new_case(people.gestionnaire, name="Paul Martin", email="paul.martin@example.net").reference
    client = api("mediatrice")
    for q, expected in (("paul.martin@example.net", [paul]), ("dupont", [jeanne]), (jeanne, [jeanne])):
        response = client.get(f"{API}/files", query_string={"q": q})
        assert [item["reference"] for item in response.json["items"]] == expected, q
    text = client.get(f"{API}/files").get_data(as_text=True)
    for private in ("Dupont", "jeanne.dupont", "Paul Martin", "paul.martin", "Double prélèvement"):
        assert private not in text
    item = client.get(f"{API}/files", query_string={"q": jeanne}).json["items"][0]
    assert item["state"] == {"code": "ADMITTED", "label": "Recevable"}
    assert item["department"] == {"code": "billing", "label": "Facturation"}
    assert item["outcome_due"] and item["closed_at"] is None and item["outcome"] is None


@pytest.mark.requirement("R-CONF-1")
def test_file_status_has_deadlines_requests_and_proposal_and_is_audited(app, people, api):
    """Does one file's status give its deadlines with their legal basis, the open request and the draft,
    without any text, and leave an audit entry of the read?"""
    case = admitted_case(people.gestionnaire)
    instruction.request_observations(case, people.gestionnaire, department="billing", question=QUESTION)
    proposals.save_proposal(case, people.gestionnaire, **SECTIONS)
    db.session.commit()
    reference, outcome_due = case.reference, case.outcome_due.isoformat()
    response = api("gestionnaire").get(f"{API}/files/{reference}")
    assert response.status_code == 200
    data = response.json
    assert data["state"] == {"code": "AWAITING_COMPANY", "label": "En attente de la société"}
    assert data["outcome_due"] == outcome_due
    bases = {d["label"]: d["basis"] for d in data["deadlines"]}
    assert "R612-5" in bases["Fin de la médiation"]
    assert "jours ouvrés" in bases["Observations du service Facturation"]
    [request] = data["open_observation_requests"]
    assert request["department"]["label"] == "Facturation" and request["reminders_sent"] == 0
    assert data["proposal"] == {**data["proposal"], "version": 1, "signed": False, "signed_at": None, "answers": []}
    text = response.get_data(as_text=True)
    for private in (QUESTION, SECTIONS["facts"], SECTIONS["solution"], "Dupont", "jeanne.dupont", "Bordeaux"):
        assert private not in text
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "read_case")
                               .order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
    assert (entry.actor, entry.target, entry.detail) == ("gestionnaire", reference, {"via": "api"})


def test_invalid_query_parameters_are_422_naming_each(app, people, api):
    """A bad page, an unknown state, a page too large, a year that is no number, an unknown parameter:
    422 with each field named in French, never a 500?"""
    new_case(people.gestionnaire)
    client = api("gestionnaire")
    response = client.get(f"{API}/files?page=0&state=NOPE&per_page=500&year=abc&colour=red&department=legal")
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid" and error["message"] == "Certains champs ne sont pas valides."
    assert set(error["fields"]) == {"page", "state", "per_page", "year", "colour", "department"}
    assert error["fields"]["year"] == ["Saisissez un nombre entier."]
    assert error["fields"]["colour"] == ["Champ inconnu."]
    assert error["fields"]["per_page"] == ["Saisissez une valeur de 1 à 100."]
    assert error["fields"]["state"][0].startswith("Choisissez parmi : open, RECEIVED")
    assert client.get(f"{API}/files?page=x").status_code == 422


def test_unknown_file_url_and_method_are_json(app, api):
    """An unknown file, an unknown URL and a wrong method: JSON 404, 404 and 405 with the allowed methods?"""
    client = api("mediatrice")
    missing = client.get(f"{API}/files/MED-2020-99999")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    assert error_of(client.get(f"{API}/dossiers"))["code"] == "not_found"
    wrong = client.delete(f"{API}/files")
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "GET"
    assert error_of(wrong)["message"] == "Cette méthode n'est pas acceptée sur cette ressource."


@pytest.mark.requirement("R-CONF-1")
def test_a_search_through_the_api_is_audited_like_the_console_s(app, people, api):
    """Does a search of `/api/v1/files` write its entry, with the words searched and how many files they found?"""
    new_case(people.gestionnaire)
    assert api("gestionnaire").get(f"{API}/files?q=jeanne.dupont@example.org&per_page=10").status_code == 200
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "search_cases")).scalar_one()
    assert (entry.actor, entry.detail) == ("gestionnaire", {"query": {"q": "jeanne.dupont@example.org"},
                                                            "results": 1, "via": "api"})
