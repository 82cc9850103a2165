"""The plugin mounted in a host Flask application under a URL prefix (architecture.md)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask

from mediator_plugin import MediatorPlugin
from tests.conftest import TEST_DEPARTMENTS, TEST_ROLES


@pytest.fixture
def host(database_url, tmp_path, oidc_issuer):
    app = Flask("host")
    app.secret_key = "host-secret"

    @app.route("/")
    def host_home():
        return "host home"

    MediatorPlugin(app, url_prefix="/mediation", settings={
        "env": "test", "database_url": database_url, "storage_dir": str(tmp_path / "files"),
        "base_url": "http://localhost",
        "oidc": {"issuer": oidc_issuer, "client_id": "mediateur", "client_secret": "x"},
        "roles": TEST_ROLES, "departments": TEST_DEPARTMENTS,
    })
    return app


def test_routes_live_under_the_prefix(host):
    """Are all the plugin's URLs under the host's prefix, and the host's own routes untouched?"""
    client = host.test_client()
    assert client.get("/").get_data(as_text=True) == "host home"
    assert client.get("/mediation/healthz").json["database"] == "ok"
    assert client.get("/mediation/charte").status_code == 200
    assert client.get("/charte").status_code == 404
    rules = [r.rule for r in host.url_map.iter_rules() if r.endpoint.startswith("mediator.")]
    assert rules and all(rule.startswith("/mediation/") for rule in rules)


def test_login_and_console_work_under_the_prefix(host, login):
    """Does the SSO round trip come back under the prefix and open the console?"""
    client = host.test_client()
    started = client.get("/mediation/console/")
    assert started.status_code == 302 and started.headers["Location"].endswith("/mediation/login")
    to_provider = client.get("/mediation/login")
    query = parse_qs(urlsplit(to_provider.headers["Location"]).query)
    assert query["redirect_uri"] == ["http://localhost/mediation/auth/callback"]
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    provider = requests.Session()
    form = provider.get(to_provider.headers["Location"], timeout=10)
    back = urlsplit(provider.post(form.url, data={"sub": "gestionnaire"}, allow_redirects=False,
                                  timeout=10).headers["Location"])
    landed = client.get(f"{back.path}?{back.query}")
    assert landed.headers["Location"] == "/mediation/console/"
    assert client.get("/mediation/console/").status_code == 200


def test_initialising_twice_is_refused(host):
    """Is a second MediatorPlugin on the same app refused (one extension object)?"""
    with pytest.raises(RuntimeError, match="already initialised"):
        MediatorPlugin(host, settings={"env": "test"})
