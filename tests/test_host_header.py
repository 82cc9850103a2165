"""The ``Host`` header steers nothing (issue 15, low finding): every absolute URL comes from ``base_url``, and a
request that names another host is refused on the plugin's pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask

from mediator_plugin import MediatorPlugin
from mediator_plugin.cases import instruction
from mediator_plugin.core.config import ConfigError, load_settings
from mediator_plugin.core.db import db
from mediator_plugin.core.outbox import OutboxMessage
from tests.conftest import TEST_DEPARTMENTS, TEST_ROLES
from tests.support.factories import admitted_case

PUBLIC = "https://mediation.exemple.fr"


def test_a_request_for_another_host_is_refused(make_app, client_for):
    """Is a page asked for under a forged Host a 400 with a French message — public pages, sign-in and console
    alike — while the service's own host is served?"""
    app = make_app(base_url=PUBLIC)
    client = app.test_client()
    assert client.get("/charte", base_url=PUBLIC).status_code == 200
    for path in ("/charte", "/login", "/console/dossiers", "/saisir"):
        refused = client.get(path, base_url="https://attaquant.example")
        assert refused.status_code == 400, path
        assert "n’est pas l’adresse du service de médiation" in refused.get_data(as_text=True), path
    assert client.post("/suivi", base_url="https://attaquant.example", data={}).status_code == 400


def test_the_health_check_answers_probes_by_address(make_app):
    """Does /healthz still answer a probe that calls the machine by its address (it tells nothing)?"""
    client = make_app(base_url=PUBLIC).test_client()
    assert client.get("/healthz", base_url="http://10.0.0.7:8000").status_code == 200


def test_links_come_from_the_base_url_whatever_host_was_asked(make_app):
    """Signed in through an allowed internal name, are the sign-in redirect and the sign-out return still on
    base_url, not on the name the request used?"""
    app = make_app(base_url=PUBLIC, allowed_hosts=["mediation.interne"])
    client = app.test_client()
    to_provider = client.get("/login", base_url="http://mediation.interne")
    assert to_provider.status_code == 302
    query = parse_qs(urlsplit(to_provider.headers["Location"]).query)
    assert query["redirect_uri"] == [f"{PUBLIC}/auth/callback"]


def test_allowed_hosts_accept_a_name_and_its_subdomains(make_app):
    """Does a leading dot in allowed_hosts accept the subdomains, and nothing else?"""
    client = make_app(base_url=PUBLIC, allowed_hosts=[".interne.exemple.fr"]).test_client()
    assert client.get("/charte", base_url="https://equipe.interne.exemple.fr").status_code == 200
    assert client.get("/charte", base_url="https://interne.exemple.fr.attaquant.example").status_code == 400


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # settings alone
@pytest.mark.parametrize("settings", [
    {"base_url": "mediation.exemple.fr"}, {"base_url": "ftp://mediation.exemple.fr"},
    {"base_url": "https://mediation.exemple.fr/?x=1"}, {"allowed_hosts": ["https://interne"]},
    {"allowed_hosts": ["interne:8443"]},
])
def test_an_address_that_is_not_one_stops_start_up(database_url, settings):
    """Is a base_url that is not an http(s) address, or an allowed host written as a URL, refused at start-up
    with the setting's name?"""
    with pytest.raises(ConfigError, match=r"base_url|allowed_hosts"):
        load_settings({"env": "test", **settings})


def test_mounted_under_a_prefix_mail_links_carry_the_prefix(database_url, tmp_path, oidc_issuer, people):
    """Mounted at /mediation, does the request for observations mailed to a department link to
    base_url + /mediation/correspondant/ (the link was written without the prefix)?"""
    host = Flask("host")
    host.secret_key = "host-secret"
    MediatorPlugin(host, url_prefix="/mediation", settings={
        "env": "test", "database_url": database_url, "storage_dir": str(tmp_path / "files"),
        "base_url": PUBLIC, "oidc": {"issuer": oidc_issuer, "client_id": "mediateur", "client_secret": "x"},
        "roles": TEST_ROLES, "departments": TEST_DEPARTMENTS,
    })
    with host.app_context():
        case = admitted_case(people.gestionnaire)
        instruction.request_observations(case, people.gestionnaire, department="billing", question="Le doublon ?")
        db.session.commit()
        mail = db.session.execute(sa.select(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("observations:%"))).scalar_one()
        assert f"{PUBLIC}/mediation/correspondant/" in mail.payload["body"]
        db.session.remove()
        db.engine.dispose()
