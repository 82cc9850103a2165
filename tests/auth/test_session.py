"""The console session: cookie flags, rotation at login, idle timeout, logout at the provider."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.core.auth import SESSION_KEY
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.sessions import ConsoleSession, token_hash
from tests.support.console_session import sign_out

COOKIE = "session"


def _set_cookie(response) -> str:
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{COOKIE}=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def test_session_cookie_is_httponly_and_samesite_lax(make_app, login):
    """Is the session cookie set at login HttpOnly and SameSite=Lax (and not Secure on an http base URL)?"""
    client = make_app().test_client()
    cookie = _set_cookie(login(client, "mediatrice"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_the_base_url_is_https(make_app):
    """With an https base URL, is the session cookie marked Secure (never sent in clear)?"""
    client = make_app(base_url="https://mediation.example.com").test_client()
    cookie = _set_cookie(client.get("/login", base_url="https://mediation.example.com"))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_rotates_the_session(make_app, login):
    """Does nothing of the session from before the login survive it, and is the cookie a new one?"""
    app = make_app()
    client = app.test_client()
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
    client.get("/charte")
    planted_cookie = client.get_cookie(COOKIE).value
    login(client, "mediatrice")
    assert client.get_cookie(COOKIE).value != planted_cookie
    with client.session_transaction() as after:
        assert "planted" not in after
        assert not [key for key in after if key.startswith("_state_")]  # the login's state and nonce are spent
        token = after[SESSION_KEY]
    with app.app_context():  # the cookie carries a random id; the server keeps only its hash, with the identity
        row = db.session.execute(sa.select(ConsoleSession)).scalar_one()
        assert (row.sub, row.token_hash, row.roles) == ("mediatrice", token_hash(token), ["mediator"])
        assert token not in str(db.session.execute(sa.select(ConsoleSession.__table__)).all())
    replay = app.test_client()  # someone holding the cookie from before the login
    replay.set_cookie(COOKIE, planted_cookie)
    console = replay.get("/console/")
    assert console.status_code == 302 and console.headers["Location"].endswith("/login")


def test_idle_session_ends_and_activity_keeps_it(make_app, login):
    """Does a request within the idle timeout keep the session alive, and does idleness beyond it end it?"""
    client = make_app(session_idle_minutes=30).test_client()
    login(client, "mediatrice")
    start = utcnow()
    with freeze_time(start + timedelta(minutes=29)):
        assert client.get("/console/").status_code == 200
    with freeze_time(start + timedelta(minutes=58)):  # 29 minutes after the last request
        assert client.get("/console/").status_code == 200
    with freeze_time(start + timedelta(minutes=58 + 31)):
        ended = client.get("/console/")
    assert ended.status_code == 302 and ended.headers["Location"].endswith("/login")
    with client.session_transaction() as after:
        assert SESSION_KEY not in after


def test_logout_goes_to_the_providers_end_session_with_the_id_token(sso):
    """Does logout end the session and send the browser to the provider's end_session_endpoint with id_token_hint?"""
    sso.finish(sso.start())
    response = sign_out(sso.client)
    target = urlsplit(response.headers["Location"])
    assert response.status_code == 302
    assert f"{target.scheme}://{target.netloc}{target.path}" == sso.provider.issuer + "/end-session"
    query = parse_qs(target.query)
    assert query["id_token_hint"] == [sso.provider.issued_id_tokens[-1]]
    assert query["post_logout_redirect_uri"] == ["http://localhost/"]
    console = sso.client.get("/console/")
    assert console.status_code == 302 and console.headers["Location"].endswith("/login")


def test_logout_without_end_session_returns_home(sso):
    """When the provider offers no end_session_endpoint, does logout still end the session and go home?"""
    sso.provider.end_session = False
    sso.finish(sso.start())
    response = sign_out(sso.client)
    assert response.status_code == 303 and response.headers["Location"] == "http://localhost/"
    console = sso.client.get("/console/")
    assert console.status_code == 302 and console.headers["Location"].endswith("/login")
