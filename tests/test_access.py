"""Deny by default, checked on every endpoint × method × demo identity (architecture.md)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from mediator_plugin.cases import instruction
from mediator_plugin.cases.models import Document, ObservationRequest
from mediator_plugin.core.db import db
from tests.support.console_session import sign_out
from tests.support.factories import admitted_case

ANONYMOUS = "anonymous"
IDENTITIES = [ANONYMOUS, "mediatrice", "gestionnaire", "facturation", "comex", "admin-si", "agent-sav"]
TEAM = {"mediatrice", "gestionnaire"}
EVERYONE = set(IDENTITIES)

# Who may reach each endpoint (anything but 401/403). Written out by hand on purpose: a new
# endpoint fails this test until someone decides who may use it.
EXPECTED = {
    "mediator.public.home": EVERYONE,
    "mediator.public.charter": EVERYONE,
    "mediator.public.healthz": EVERYONE,
    "mediator.public.liveness": EVERYONE,
    "mediator.public.filing_form": EVERYONE,
    "mediator.public.file_request": EVERYONE,
    "mediator.public.acknowledgement": EVERYONE,
    "mediator.public.tracking_form": EVERYONE,
    "mediator.public.track": EVERYONE,
    "mediator.public.reports": EVERYONE,
    "mediator.public.report_html": EVERYONE,
    "mediator.public.report_pdf": EVERYONE,
    "mediator.static": EVERYONE,
    "mediator.auth.login": EVERYONE,
    "mediator.auth.callback": EVERYONE,
    "mediator.auth.logout": EVERYONE,
    "mediator.auth.backchannel_logout": EVERYONE,  # authenticated by the provider's signed logout token
    "mediator.cases.dashboard": TEAM,
    "mediator.cases.index": TEAM,
    "mediator.cases.show": TEAM,
    "mediator.cases.act": TEAM,
    "mediator.cases.document": TEAM,
    "mediator.cases.accesses": TEAM,
    "mediator.cases.letter_preview": TEAM,
    "mediator.intake.queue": TEAM,
    "mediator.intake.open_file": TEAM,
    # R-PROC-1: the team registers a request received by post, e-mail, phone or at the desk.
    "mediator.intake.register_form": TEAM,
    "mediator.intake.register": TEAM,
    "mediator.proposals.edit": TEAM,
    "mediator.proposals.save": TEAM,
    "mediator.proposals.sign": {"mediatrice"},
    "mediator.proposals.correct": {"mediatrice"},
    "mediator.proposals.preview": TEAM,
    "mediator.reports.index": TEAM | {"comex"},
    "mediator.reports.download": TEAM | {"comex"},
    "mediator.reports.download_html": TEAM | {"comex"},
    "mediator.reports.publish": {"mediatrice"},
    "mediator.reports.texts": {"mediatrice"},  # the foreword and comments are the mediator's own words
    "mediator.dashboard.index": TEAM | {"comex"},
    "mediator.recommendations.index": TEAM | {"comex"},
    "mediator.recommendations.show": TEAM | {"comex"},
    "mediator.recommendations.new": {"mediatrice"},
    "mediator.recommendations.follow_up": {"mediatrice"},
    "mediator.correspondent.requests": {"facturation"},
    "mediator.correspondent.request_page": {"facturation"},
    "mediator.correspondent.answer": {"facturation"},
    "mediator.correspondent.document": {"facturation"},  # 404 unless shared with, or sent by, their department
    "mediator.correspondent.implementation": TEAM | {"facturation"},
    "mediator.webhooks.receive": EVERYONE,  # authenticated by the helpdesk's signature, not a session
    "mediator.admin.health": {"mediatrice", "admin-si"},
    "mediator.admin.retry": {"mediatrice", "admin-si"},
    # Who is signed in, with which roles, and ending a session: IT's (no file content).
    "mediator.admin.sessions": {"admin-si"},
    "mediator.admin.end_session": {"admin-si"},
    "mediator.admin.end_person": {"admin-si"},
    "mediator.api.list_files": TEAM,
    "mediator.api.show_file": TEAM,
    "mediator.api.list_recommendations": TEAM | {"comex"},
    "mediator.api.show_recommendation": TEAM | {"comex"},
    "mediator.api.create_recommendation": {"mediatrice"},
    "mediator.api.change_recommendation": {"mediatrice"},
    "mediator.api.openapi": EVERYONE,  # describes the API, shows no data
    "mediator.api.unknown": EVERYONE,  # the JSON 404/405 of any other URL under the API
    "mediator.examples.index": TEAM,
    "mediator.examples.create": TEAM,
    "mediator.examples.edit": TEAM,
    "mediator.examples.save": TEAM,
    "mediator.examples.review": TEAM,
    "mediator.examples.decide": TEAM,
    "mediator.examples.approve": {"mediatrice"},
    "mediator.examples.withdraw": TEAM,
    # Retention (R-GDPR-3..6): the team keeps a file by placing a hold; only the mediator lifts one, reads the
    # purge log and exports a person's data.
    "mediator.retention.index": {"mediatrice"},
    "mediator.retention.place_hold": TEAM,
    "mediator.retention.lift_hold": {"mediatrice"},
    "mediator.retention.subject_access": {"mediatrice"},
}


@pytest.fixture
def world(app, people):
    """One admitted file with a request to billing and a letter, so every URL has real ids."""
    case = admitted_case(people.gestionnaire)
    instruction.request_observations(case, people.gestionnaire, department="billing", question="Vos observations ?")
    db.session.commit()
    request = db.session.execute(sa.select(ObservationRequest)).scalar_one()
    document = db.session.execute(sa.select(Document)).scalars().first()
    return {"reference": case.reference, "document_id": document.id, "request_id": request.id,
            "item_id": 999, "year": 2026, "action": "request_consumer_info", "filename": "mediator.css",
            "kind": "seizure", "vendor": "zendesk", "message_id": 999, "recommendation_id": 999, "rest": "nothing",
            "example_id": 999, "hold_id": 999, "session_id": 999}


def _url(rule, values) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_every_endpoint_is_listed(app):
    """Is every endpoint of the plugin in the access table (no endpoint escapes review)?"""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(EXPECTED)


@pytest.mark.requirement("R-CONF-1", "R-IND-1", "R-ADM-2")
def test_access_matrix(app, world, login):
    """Does each identity reach exactly the endpoints its role allows, on every method?"""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in ("mediator.auth.callback",)]
    failures = []
    for who in IDENTITIES:
        client = app.test_client()
        if who != ANONYMOUS:
            login(client, who)
        for rule in rules:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if rule.endpoint == "mediator.auth.logout":
                    continue  # would end the session of the rest of the walk; covered below
                response = client.open(_url(rule, world), method=method)
                denied = response.status_code in (401, 403) or (
                    who == ANONYMOUS and response.status_code == 302 and "/login" in response.headers["Location"])
                allowed = who in EXPECTED[rule.endpoint]
                if allowed == denied:
                    failures.append(f"{who} {method} {rule.rule}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.requirement("R-SCOPE-1", "R-CONF-1")
def test_customer_service_agent_meets_403_everywhere(app, world, login):
    """Does the agent (no role) get 403 on every console, correspondent and report page?"""
    client = app.test_client()
    login(client, "agent-sav")
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXPECTED and EXPECTED[rule.endpoint] != EVERYONE:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                assert client.open(_url(rule, world), method=method).status_code == 403, rule.rule


def test_post_without_csrf_token_is_refused(app, world, login):
    """Is a permitted POST without its CSRF token refused with 400, changing nothing?"""
    client = app.test_client()
    login(client, "gestionnaire")
    response = client.post(f"/console/dossiers/{world['reference']}/actions/request_consumer_info",
                           data={"question": "Avez-vous une facture ?"})
    assert response.status_code == 400
    page = client.get(f"/console/dossiers/{world['reference']}")
    assert "Avez-vous une facture" not in page.get_data(as_text=True)


def test_logout_ends_the_session(app, world, login):
    """After logout, the console asks to log in again."""
    client = app.test_client()
    login(client, "gestionnaire")
    assert client.get("/console/").status_code == 200
    sign_out(client)
    response = client.get("/console/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
