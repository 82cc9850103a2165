"""Sign-in rate limit: per client address, on /login and /auth/callback, with the French 429 page."""

from __future__ import annotations

import pytest
from flask import Flask

from mediator_plugin import MediatorPlugin
from mediator_plugin.core.config import ConfigError, load_settings
from tests.conftest import TEST_DEPARTMENTS, TEST_ROLES

LIMIT = 3


def _hit(client, path: str, address: str = "198.51.100.1", times: int = 1, headers=None):
    return [client.get(path, environ_base={"REMOTE_ADDR": address}, headers=headers or {}).status_code
            for _ in range(times)]


def test_login_is_refused_with_429_beyond_the_limit(make_app):
    """After the limit, does /login answer 429 in French with a Retry-After, and the CSP still on?"""
    client = make_app(login_rate_limit=f"{LIMIT} per minute").test_client()
    assert _hit(client, "/login", times=LIMIT) == [302] * LIMIT
    refused = client.get("/login", environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.get_data(as_text=True)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "frame-ancestors 'none'" in refused.headers["Content-Security-Policy"]


def test_the_limit_counts_per_client_address(make_app):
    """Does one address at its limit leave another address free to sign in?"""
    client = make_app(login_rate_limit=f"{LIMIT} per minute").test_client()
    assert _hit(client, "/login", address="198.51.100.1", times=LIMIT + 1)[-1] == 429
    assert _hit(client, "/login", address="198.51.100.2") == [302]


def test_callback_is_limited_too(make_app):
    """Is /auth/callback limited (a code-guessing loop ends in 429, not in endless 401s)?"""
    client = make_app(login_rate_limit=f"{LIMIT} per minute").test_client()
    assert _hit(client, "/auth/callback?code=x&state=y", times=LIMIT + 1) == [401] * LIMIT + [429]


def test_other_pages_are_not_limited(make_app):
    """Are public pages outside the sign-in left alone by the sign-in limit?"""
    client = make_app(login_rate_limit=f"{LIMIT} per minute").test_client()
    assert _hit(client, "/charte", times=LIMIT * 3) == [200] * (LIMIT * 3)


@pytest.mark.parametrize(("trusted_proxies", "second_client"), [(1, 302), (0, 429)])
def test_forwarded_address_counts_only_behind_a_trusted_proxy(make_app, trusted_proxies, second_client):
    """Behind one trusted proxy, is each forwarded client counted apart; with none, is X-Forwarded-For ignored
    (so that a client cannot escape the limit by inventing addresses)?"""
    client = make_app(login_rate_limit=f"{LIMIT} per minute", trusted_proxies=trusted_proxies).test_client()
    proxy = "10.0.0.2"
    first = _hit(client, "/login", address=proxy, times=LIMIT + 1, headers={"X-Forwarded-For": "203.0.113.1"})
    assert first[-1] == 429
    assert _hit(client, "/login", address=proxy, headers={"X-Forwarded-For": "203.0.113.2"}) == [second_client]


def test_plugin_limiter_leaves_the_host_alone(database_url, tmp_path, oidc_issuer):
    """Mounted in a host whose config sets RATELIMIT_DEFAULT, does the plugin limit its sign-in and nothing else?"""
    host = Flask("host")
    host.secret_key = "host-secret"
    host.config["RATELIMIT_DEFAULT"] = "1 per minute"  # meant for a limiter of the host's own

    @host.route("/")
    def host_home():
        return "host home"

    MediatorPlugin(host, url_prefix="/mediation", settings={
        "env": "test", "database_url": database_url, "storage_dir": str(tmp_path / "files"),
        "oidc": {"issuer": oidc_issuer, "client_id": "mediateur", "client_secret": "x"},
        "roles": TEST_ROLES, "departments": TEST_DEPARTMENTS, "login_rate_limit": f"{LIMIT} per minute",
    })
    client = host.test_client()
    assert _hit(client, "/", times=LIMIT + 1) == [200] * (LIMIT + 1)
    assert _hit(client, "/mediation/charte", times=LIMIT + 1) == [200] * (LIMIT + 1)
    assert _hit(client, "/mediation/login", times=LIMIT + 1) == [302] * LIMIT + [429]
    assert "mediator_limiter" in host.extensions


@pytest.mark.parametrize(("key", "value"), [("login_rate_limit", "often"), ("trusted_proxies", -1)])
def test_bad_rate_settings_stop_start_up(key, value):
    """Does an unreadable rate or a negative proxy count stop start-up with the key's name?"""
    with pytest.raises(ConfigError, match=key):
        load_settings({"env": "test", key: value}, environ={})
