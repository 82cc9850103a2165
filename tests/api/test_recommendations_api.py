"""``/api/v1/recommendations``: the register read by the team and executives, changed by the mediator only."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db
from mediator_plugin.recommendations import services
from mediator_plugin.recommendations.models import Recommendation, RecommendationEvent
from tests.api.conftest import API, csrf_token, error_of

BODY = {"title": "Rendre les frais de résiliation lisibles", "addressee": "billing",
        "finding": "Un quart des saisines de résiliation portent sur des frais mal compris.",
        "text": "Afficher le montant exact des frais avant la confirmation de résiliation.",
        "issued_on": "2026-03-02", "category_codes": ["resiliation.frais"]}


def _counts() -> tuple[int, int]:
    return (db.session.execute(sa.select(sa.func.count()).select_from(Recommendation)).scalar(),
            db.session.execute(sa.select(sa.func.count()).select_from(RecommendationEvent)).scalar())


@pytest.fixture
def issued(app, people):
    """Three recommendations: two of 2025 (one accepted), one of 2026 to contracts."""
    def issue(title, issued_on, addressee="billing"):
        return services.issue(people.mediatrice, title=title, finding="Constat.", text="Recommandation.",
                              addressee=addressee, issued_on=issued_on)
    first = issue("Frais de résiliation", date(2025, 2, 1))
    issue("Relances de paiement", date(2025, 6, 1))
    issue("Clauses de renouvellement", date(2026, 1, 15), addressee="contracts")
    services.update(first, people.mediatrice, status="ACCEPTED", company_response="accepted",
                    note="Réponse de la direction du 3 mars")
    db.session.commit()
    return first.id


@pytest.mark.requirement("R-IND-1")
def test_who_reads_and_who_writes_the_register(app, issued, api):
    """Anonymous 401; agent, admin and correspondent 403; executives and handlers read but may not write?"""
    paths = (f"{API}/recommendations", f"{API}/recommendations/{issued}")
    for path in paths:
        assert error_of(api().get(path))["code"] == "unauthenticated"
        for who in ("agent-sav", "admin-si", "facturation"):
            assert api(who).get(path).status_code == 403, (who, path)
        for who in ("comex", "gestionnaire", "mediatrice"):
            assert api(who).get(path).status_code == 200, (who, path)
    for who in ("comex", "gestionnaire"):
        client = api(who)
        headers = {"X-CSRFToken": csrf_token(client)}
        assert client.post(f"{API}/recommendations", json=BODY, headers=headers).status_code == 403
        assert client.patch(paths[1], json={"version": 2, "owner": "X"}, headers=headers).status_code == 403
    assert _counts() == (3, 4)


def test_register_pages_and_filters(app, issued, api):
    """Are the totals, filters and pages of the register those of the database, newest first?"""
    client = api("comex")
    listed = client.get(f"{API}/recommendations").json
    assert listed["total"] == 3 and [r["reference"] for r in listed["items"]] == ["2026-01", "2025-02", "2025-01"]
    assert [r["version"] for r in listed["items"]] == [1, 1, 2]
    assert client.get(f"{API}/recommendations?year=2025").json["total"] == 2
    accepted = client.get(f"{API}/recommendations?status=ACCEPTED").json
    assert [(r["reference"], r["company_response"]) for r in accepted["items"]] == [("2025-01", "accepted")]
    assert client.get(f"{API}/recommendations?addressee=contracts").json["total"] == 1
    second_page = client.get(f"{API}/recommendations?per_page=2&page=2").json
    assert (second_page["total"], [r["reference"] for r in second_page["items"]]) == (3, ["2025-01"])
    invalid = client.get(f"{API}/recommendations?status=LOST&addressee=legal&per_page=0")
    assert invalid.status_code == 422 and set(error_of(invalid)["fields"]) == {"status", "addressee", "per_page"}


def test_one_recommendation_with_its_history(app, issued, api):
    """Does a recommendation come with its history, status before and after and the reason of each change?"""
    data = api("comex").get(f"{API}/recommendations/{issued}").json
    assert data["reference"] == "2025-01" and data["status"] == "ACCEPTED" and data["version"] == 2
    assert [(e["status_from"], e["status_to"]) for e in data["history"]] == [(None, "ISSUED"), ("ISSUED", "ACCEPTED")]
    assert data["history"][1]["note"] == "Réponse de la direction du 3 mars"
    assert data["history"][1]["changes"]["company_response"] == [None, "accepted"]
    assert error_of(api("comex").get(f"{API}/recommendations/999"))["code"] == "not_found"


def test_mediator_issues_a_recommendation(app, api):
    """Does the mediator's POST with the CSRF header create 2026-01 in the register, its history and the audit?"""
    client = api("mediatrice")
    response = client.post(f"{API}/recommendations", json=BODY, headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 201, response.json
    created = response.json
    assert (created["reference"], created["status"], created["version"]) == ("2026-01", "ISSUED", 1)
    assert response.headers["Location"].endswith(f"/api/v1/recommendations/{created['id']}")
    assert client.get(response.headers["Location"]).json["title"] == BODY["title"]
    entry = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == "recommendation")).scalar_one()
    assert (entry.actor, entry.target) == ("mediatrice", "2026-01")


def test_write_without_csrf_token_is_refused(app, issued, api):
    """A POST or PATCH without the X-CSRFToken header: 400 `csrf`, nothing stored?"""
    client = api("mediatrice")
    for response in (client.post(f"{API}/recommendations", json=BODY),
                     client.patch(f"{API}/recommendations/{issued}", json={"version": 2, "owner": "X"}),
                     client.post(f"{API}/recommendations", json=BODY, headers={"X-CSRFToken": "forged"})):
        assert response.status_code == 400 and error_of(response)["code"] == "csrf"
    assert _counts() == (3, 4)


def test_invalid_bodies_are_422_naming_the_fields(app, api):
    """Missing, unknown and malformed fields, a body that is not JSON: 422 naming each field, nothing stored?"""
    client = api("mediatrice")
    headers = {"X-CSRFToken": csrf_token(client)}
    body = {**BODY, "title": "", "addressee": "legal", "issued_on": "02/03/2026", "category_codes": ["nope"],
            "colour": "red"}
    del body["text"]
    response = client.post(f"{API}/recommendations", json=body, headers=headers)
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert set(fields) == {"title", "addressee", "issued_on", "category_codes", "text", "colour"}
    assert fields["text"] == ["Ce champ est obligatoire."]
    assert fields["issued_on"] == ["Saisissez une date au format AAAA-MM-JJ."]
    assert fields["category_codes"] == ["Catégorie inconnue : nope."]
    not_json = client.post(f"{API}/recommendations", data="title=x", headers=headers)
    assert not_json.status_code == 422
    assert error_of(not_json)["fields"] == {"_schema": ["Le corps de la requête doit être un objet JSON."]}
    assert _counts() == (0, 0)


@pytest.mark.requirement("R-RECO-1")
def test_status_change_needs_reason_and_current_version(app, issued, api):
    """Is a status change recorded with its reason, refused without one (422), on a stale version (409) and
    when the service refuses it (a decline without the company's reasons), each time storing nothing?"""
    client = api("mediatrice")
    headers = {"X-CSRFToken": csrf_token(client)}
    url = f"{API}/recommendations/{issued}"

    def patch(**body):
        return client.patch(url, json=body, headers=headers)

    no_reason = patch(version=2, status="IMPLEMENTED")
    assert no_reason.status_code == 422
    assert error_of(no_reason)["fields"] == {"note": ["Indiquez le motif du changement de statut."]}
    assert error_of(patch(version=2))["fields"] == {"_schema": ["Envoyez au moins un champ à modifier."]}
    declined = patch(version=2, status="DECLINED", company_response="declined", note="Refus")
    assert declined.status_code == 422
    assert error_of(declined)["fields"] == {
        "response_text": ["Une recommandation refusée doit être accompagnée des motifs de la société."]}
    assert _counts() == (3, 4)

    done = patch(version=2, status="IMPLEMENTED", evidence="Page en ligne le 15/09", note="Vérifié sur le site")
    assert done.status_code == 200, done.json
    assert (done.json["status"], done.json["version"]) == ("IMPLEMENTED", 3)
    assert done.json["history"][-1] == {**done.json["history"][-1], "status_from": "ACCEPTED",
                                        "status_to": "IMPLEMENTED", "note": "Vérifié sur le site"}

    stale = patch(version=2, status="OBSOLETE", note="Plus d'objet")
    assert stale.status_code == 409 and set(error_of(stale)["fields"]) == {"version"}
    assert "version 3" in error_of(stale)["message"]
    assert db.session.get(Recommendation, issued).status == "IMPLEMENTED" and _counts() == (3, 5)
    assert patch(version=0, owner="X").status_code == 409
    assert client.patch(f"{API}/recommendations/999", json={"version": 0, "owner": "X"},
                        headers=headers).status_code == 404


@pytest.mark.requirement("R-RECO-3", "R-CONF-1")
def test_file_references_reach_only_the_team_through_the_api_and_never_the_report(app, people, api):
    """A finding citing the files it rests on: does the API give the references to the team, a neutral mark to
    the executive (in the finding and in the history), and does the annual report's data hold none?"""
    from mediator_plugin.reports import publication

    made = services.issue(people.mediatrice, title="Frais de résiliation", text="Les afficher avant confirmation.",
                          finding="Les dossiers MED-2026-00012 et MED-2026-00031 le montrent.", addressee="billing",
                          issued_on=date(2026, 3, 2))
    services.update(made, people.mediatrice, finding="Le dossier MED-2026-00040 aussi.", note="Constat complété")
    db.session.commit()
    team = api("gestionnaire").get(f"{API}/recommendations/{made.id}").json
    assert "MED-2026-00012" in team["finding"] or "MED-2026-00040" in team["finding"]
    executive = api("comex").get(f"{API}/recommendations/{made.id}")
    assert executive.status_code == 200 and "MED-" not in executive.get_data(as_text=True)
    assert "[référence de dossier masquée]" in executive.json["finding"]
    figures = publication.current_report(2026)["figures"]["recommendations"]
    assert figures["new"] and "MED-" not in str(figures)
