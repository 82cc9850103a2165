"""OpenID Connect Back-Channel Logout 1.0 against the forged provider over HTTP (tests/support/forged_oidc.py):
a valid logout token ends exactly the sessions it names; any defect is a 400 that ends nothing."""

from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa

from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db
from tests.support.console_session import session_rows as rows
from tests.support.forged_oidc import LOGOUT_DEFECTS
from tests.support.servers import serve

pytestmark = pytest.mark.requirement("R-CONF-1")
ENDPOINT = "/auth/backchannel-logout"
# What the error says for each defect: the check that refused it (so that a refusal for another reason fails).
REASONS = {
    "bad_signature": "bad_signature", "alg_none": "'none'", "wrong_issuer": "'iss'", "wrong_audience": "'aud'",
    "no_events": "back-channel logout event", "other_event": "back-channel logout event", "nonce": "nonce",
    "no_sid_nor_sub": "neither sid nor sub", "no_jti": "'jti'", "stale": "iat is not recent", "expired": "expired",
}


@pytest.fixture
def three_sessions(sso):
    """Claire signed in from two browsers (two provider sessions, two sids), Lisa from one."""
    browsers = {}
    for name, sub in (("claire", "mediatrice"), ("claire2", "mediatrice"), ("lisa", "gestionnaire")):
        sso.provider.sub = sub
        client = sso.app.test_client()
        assert sso.finish(sso.start(client), client).status_code == 302
        browsers[name] = client
    sids = dict(zip(browsers, sso.provider.issued_sids, strict=True))
    return browsers, sids


def _signed_in(client) -> bool:
    return client.get("/console/").status_code == 200


def _post(sso, token: str | None):
    return sso.app.test_client().post(ENDPOINT, data={} if token is None else {"logout_token": token})


def test_a_logout_token_with_a_sid_ends_that_session_only(sso, three_sessions):
    """Does a valid token naming Claire's first provider session end that console session and no other, answer
    200 without caching, and write the audit entry?"""
    browsers, sids = three_sessions
    answer = _post(sso, sso.provider.logout_token(sid=sids["claire"], sub="mediatrice"))
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert not _signed_in(browsers["claire"])
    assert _signed_in(browsers["claire2"]) and _signed_in(browsers["lisa"])
    ended = [(row.sub, row.provider_sid, row.end_reason) for row in rows(sso.app) if row.ended_at]
    assert ended == [("mediatrice", sids["claire"], "provider")]
    with sso.app.app_context():
        [entry] = db.session.execute(sa.select(AuditEntry).where(
            AuditEntry.action == "session_ended_by_provider")).scalars().all()
        assert entry.actor == "identity-provider" and entry.detail["person"] == "mediatrice"


def test_a_logout_token_with_only_a_sub_ends_every_session_of_that_person(sso, three_sessions):
    """Does a token naming only Claire's subject end both her sessions and leave Lisa's?"""
    browsers, _sids = three_sessions
    assert _post(sso, sso.provider.logout_token(sub="mediatrice")).status_code == 200
    assert not _signed_in(browsers["claire"]) and not _signed_in(browsers["claire2"])
    assert _signed_in(browsers["lisa"])
    assert sorted(row.sub for row in rows(sso.app) if row.end_reason == "provider") == ["mediatrice", "mediatrice"]


def test_a_logout_token_for_no_open_session_is_still_accepted(sso, three_sessions):
    """A person already signed out here: is the token answered 200 (the provider has nothing to retry), ending
    nothing?"""
    assert _post(sso, sso.provider.logout_token(sub="comex")).status_code == 200
    assert all(row.ended_at is None for row in rows(sso.app))


def test_every_defect_has_its_expected_reason():
    assert set(REASONS) == set(LOGOUT_DEFECTS)


@pytest.mark.parametrize("defect", sorted(LOGOUT_DEFECTS))
def test_a_defective_logout_token_is_refused_and_ends_nothing(sso, three_sessions, defect):
    """Is each defect (signature, alg none, issuer, audience, events, nonce, neither sid nor sub, jti, age) a 400
    with a JSON error, every session still open?"""
    browsers, sids = three_sessions
    answer = _post(sso, sso.provider.logout_token(sid=sids["claire"], sub="mediatrice", defect=defect))
    assert answer.status_code == 400, defect
    assert answer.get_json()["error"] == "invalid_request" and answer.headers["Cache-Control"] == "no-store"
    assert REASONS[defect] in answer.get_json()["error_description"]
    assert all(row.ended_at is None for row in rows(sso.app)) and _signed_in(browsers["claire"])


@pytest.mark.parametrize("token", [None, "", "not.a.jwt", "a" * 5000])
def test_a_missing_or_malformed_logout_token_is_refused(sso, three_sessions, token):
    """Is a request without a readable token a 400 in JSON, ending nothing?"""
    answer = _post(sso, token)
    assert answer.status_code == 400 and answer.get_json()["error"] == "invalid_request"
    assert all(row.ended_at is None for row in rows(sso.app))


def test_a_replayed_logout_token_is_refused(sso, three_sessions):
    """Is the same token (same jti) refused the second time, after Claire signed in again, so that a captured
    token cannot end her new session?"""
    browsers, _sids = three_sessions
    token = sso.provider.logout_token(sub="mediatrice")
    assert _post(sso, token).status_code == 200
    sso.provider.sub = "mediatrice"
    assert sso.finish(sso.start(browsers["claire"]), browsers["claire"]).status_code == 302
    replay = _post(sso, token)
    assert replay.status_code == 400 and "replay" in replay.get_json()["error_description"]
    assert _signed_in(browsers["claire"])
    assert [row.ended_at is None for row in rows(sso.app)] == [False, False, True, True]


def test_the_endpoint_needs_no_csrf_token_and_no_session(sso, three_sessions):
    """Is the provider's POST, which has neither cookie nor CSRF token, answered (not the 400 of a CSRF refusal)
    and is GET not allowed?"""
    browsers, sids = three_sessions
    answer = _post(sso, sso.provider.logout_token(sid=sids["lisa"]))
    assert answer.status_code == 200 and not _signed_in(browsers["lisa"])
    assert sso.app.test_client().get(ENDPOINT).status_code == 405


def test_a_sign_out_at_the_certified_provider_ends_the_console_session(make_app, certified_oidc):
    """End to end with a certified provider (oidc-provider on Node.js): Claire signs in to the console, then
    signs out at the provider itself (not through the console); does the provider's back-channel call end her
    console session, and that one only?"""
    client_id, secret = f"back-channel-{secrets.token_hex(4)}", secrets.token_urlsafe(32)
    app = make_app(oidc={"issuer": certified_oidc.issuer, "client_id": client_id, "client_secret": secret})
    with serve(app) as base:  # the provider calls the console over HTTP
        certified_oidc.register_client(
            client_id=client_id, client_secret=secret, redirect_uris=[f"{base}/auth/callback"],
            backchannel_logout_uri=f"{base}{ENDPOINT}", backchannel_logout_session_required=True)
        claire, lisa = app.test_client(), app.test_client()
        provider_browser = certified_oidc.sign_in(claire, "mediatrice")
        certified_oidc.sign_in(lisa, "gestionnaire")
        assert _signed_in(claire) and _signed_in(lisa)
        certified_oidc.end_session(provider_browser, certified_oidc.metadata["end_session_endpoint"])
        assert not _signed_in(claire)
        assert _signed_in(lisa)
    [ended] = [row for row in rows(app) if row.ended_at is not None]
    assert (ended.sub, ended.end_reason) == ("mediatrice", "provider") and ended.provider_sid
    assert "back-channel logout" not in certified_oidc.log_text()  # the provider saw no failure
