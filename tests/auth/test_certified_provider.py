"""Signing in through a certified OpenID provider (panva's oidc-provider on Node.js), not only the mock.

The provider (tests/support/certified_oidc.py) requires PKCE of every client, signs with an RSA key it generated
at start and serves the test identities with their groups. Each sign-in goes the whole code flow over HTTP: the
app's /login, the provider's authorize and interaction, the app's callback, which exchanges the code and checks
the ID token. That the callback refuses a token with a bad signature, issuer, audience or nonce is shown with
the forged provider of test_id_token.py; here, that it accepts the real thing and maps its groups to roles.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
import sqlalchemy as sa
from flask import Flask, request
from joserfc import jwt
from joserfc.jwk import KeySet

from mediator_plugin.cases import instruction
from mediator_plugin.cases.models import ObservationRequest
from mediator_plugin.core.auth import SESSION_KEY
from mediator_plugin.core.db import db
from mediator_plugin.core.sessions import ConsoleSession, token_hash
from tests.conftest import CERTIFIED_CLIENT, certified_settings
from tests.support.certified_oidc import certified_provider
from tests.support.factories import admitted_case
from tests.support.identities import user_claims
from tests.support.servers import serve

CALLBACK = CERTIFIED_CLIENT["redirect_uris"][0]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(make_app, certified_oidc):
    """The app signing in through the certified provider (``people`` and the factories build on it)."""
    application = make_app(oidc=certified_settings(certified_oidc))
    with application.app_context():
        yield application


def _signed_in_user(client) -> dict:
    """What the console's server-side session of ``client`` holds of the person."""
    with client.session_transaction() as session:
        token = session[SESSION_KEY]
    with client.application.app_context():
        row = db.session.execute(sa.select(ConsoleSession).where(
            ConsoleSession.token_hash == token_hash(token))).scalar_one()
        return {"sub": row.sub, "name": row.name, "email": row.email, "roles": row.roles,
                "departments": row.departments, "id_token": row.id_token}


def _header(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))


def _code_from(callback_url: str) -> str:
    return parse_qs(urlsplit(callback_url).query)["code"][0]


def _first_stop(browser: requests.Session, authorize_url: str) -> str:
    """Where the provider sends ``browser`` first for ``authorize_url``: its interaction page when it must ask
    who signs in, else straight back to the app's callback."""
    return browser.get(authorize_url, allow_redirects=False, timeout=10).headers["Location"]


def _sign_out(client):
    """Press "Log out" on the dashboard (a POST with the page's CSRF token)."""
    token = _CSRF.search(client.get("/console/").get_data(as_text=True)).group(1)
    return client.post("/logout", data={"csrf_token": token})


def _exchange(provider, code: str, **extra) -> requests.Response:
    """The token request a client would make for ``code``, authenticated as the test app's client."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **extra}
    return requests.post(provider.metadata["token_endpoint"], data=data, timeout=10,
                         auth=(CERTIFIED_CLIENT["client_id"], CERTIFIED_CLIENT["client_secret"]))


@pytest.mark.requirement("R-CONF-1")
def test_the_mediator_signs_in_and_lands_on_her_dashboard(app, certified_oidc):
    """Does the mediator, signed in at the certified provider, land on the file dashboard as mediator only?"""
    client = app.test_client()
    landed = client.get("/login")
    callback = urlsplit(certified_oidc.authorize(requests.Session(), landed.headers["Location"], "mediatrice"))
    finished = client.get(f"{callback.path}?{callback.query}")
    assert finished.status_code == 302 and finished.headers["Location"] == "/console/"
    user = _signed_in_user(client)
    assert (user["sub"], user["roles"], user["departments"]) == ("mediatrice", ["mediator"], [])
    assert (user["name"], user["email"]) == ("Claire Martin", "mediatrice@example.com")  # the provider's claims
    dashboard = client.get("/console/")
    assert dashboard.status_code == 200 and "Claire Martin" in dashboard.get_data(as_text=True)


@pytest.mark.requirement("R-CONF-1")
def test_name_and_e_mail_given_only_by_userinfo_are_read_there(make_app, certified_oidc, tmp_path):
    """With the provider's default, where the ID token carries only ``sub`` (and here the groups), are the
    mediator's name and e-mail read from the userinfo endpoint (the console showed her ``sub`` and no e-mail)?
    A second provider process, of the package ``certified_oidc`` installed."""
    with certified_provider([CERTIFIED_CLIENT], user_claims(), tmp_path / "provider.log",
                            claims_in_userinfo=True) as provider:
        client = make_app(oidc=certified_settings(provider)).test_client()
        id_token_claims = _id_token_claims_of(provider, client)
        assert "name" not in id_token_claims and "email" not in id_token_claims  # the case this test is about
        user = _signed_in_user(client)
        assert (user["sub"], user["roles"]) == ("mediatrice", ["mediator"])
        assert (user["name"], user["email"]) == ("Claire Martin", "mediatrice@example.com")


def _id_token_claims_of(provider, client) -> dict:
    """Sign ``client`` in as the mediator; the claims of the ID token the provider gave (not verified: read)."""
    provider.sign_in(client, "mediatrice")
    token = _signed_in_user(client)["id_token"]
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


@pytest.mark.requirement("R-CONF-1", "R-IND-1")
def test_a_correspondent_reaches_only_its_departments_requests(app, people, certified_oidc):
    """Does the billing correspondent see billing's request, not the contracts department's, and no console?"""
    billing_case = admitted_case(people.gestionnaire, department="billing")
    contracts_case = admitted_case(people.gestionnaire, department="contracts")
    instruction.request_observations(billing_case, people.gestionnaire, department="billing",
                                     question="Le second prélèvement a-t-il été remboursé ?")
    instruction.request_observations(contracts_case, people.gestionnaire, department="contracts",
                                     question="La résiliation a-t-elle été enregistrée ?")
    db.session.commit()
    ids = dict(db.session.execute(sa.select(ObservationRequest.department, ObservationRequest.id)).all())

    client = app.test_client()
    certified_oidc.sign_in(client, "facturation")
    user = _signed_in_user(client)
    assert (user["roles"], user["departments"]) == (["correspondent"], ["billing"])
    listing = client.get("/correspondant/").get_data(as_text=True)
    assert billing_case.reference in listing and contracts_case.reference not in listing
    assert client.get(f"/correspondant/demandes/{ids['billing']}").status_code == 200
    assert client.get(f"/correspondant/demandes/{ids['contracts']}").status_code == 404
    assert client.get("/console/").status_code == 403


@pytest.mark.requirement("R-SCOPE-1", "R-CONF-1")
def test_a_person_in_no_mapped_group_gets_no_console(app, certified_oidc):
    """Does a customer-service agent, known to the provider but in no group of [roles], meet 403 everywhere?"""
    client = app.test_client()
    certified_oidc.sign_in(client, "agent-sav")
    assert _signed_in_user(client)["roles"] == []
    for page in ("/console/", "/correspondant/", "/console/pilotage/"):
        assert client.get(page).status_code == 403, page


@pytest.mark.requirement("R-CONF-1")
def test_the_provider_refuses_an_authorization_request_without_pkce(certified_oidc):
    """Does the provider answer an authorize request without code_challenge with an error and no code?"""
    query = {"response_type": "code", "client_id": CERTIFIED_CLIENT["client_id"], "redirect_uri": CALLBACK,
             "scope": "openid email profile", "state": secrets.token_urlsafe(16),
             "nonce": secrets.token_urlsafe(16)}
    back = certified_oidc.authorize(requests.Session(), certified_oidc.metadata["authorization_endpoint"] + "?"
                                    + urlencode(query), "mediatrice")
    answer = parse_qs(urlsplit(back).query)
    assert answer["error"] == ["invalid_request"] and "PKCE" in answer["error_description"][0]
    assert "code" not in answer


@pytest.mark.requirement("R-CONF-1")
def test_the_provider_refuses_a_code_without_its_pkce_verifier(app, certified_oidc):
    """Is the code the app obtained refused at the token endpoint without the verifier or with another one,
    and then taken with the app's own verifier (so the verifier, and nothing else, made the difference)?"""
    client = app.test_client()
    started = client.get("/login")
    assert parse_qs(urlsplit(started.headers["Location"]).query)["code_challenge_method"] == ["S256"]
    callback = certified_oidc.authorize(requests.Session(), started.headers["Location"], "mediatrice")

    without = _exchange(certified_oidc, _code_from(callback))
    wrong = _exchange(certified_oidc, _code_from(callback), code_verifier=secrets.token_urlsafe(48))
    assert (without.status_code, without.json()["error"]) == (400, "invalid_grant")
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    assert "id_token" not in without.json() and "id_token" not in wrong.json()
    finished = client.get(f"{urlsplit(callback).path}?{urlsplit(callback).query}")
    assert finished.status_code == 302 and finished.headers["Location"] == "/console/"


@pytest.mark.requirement("R-CONF-1")
def test_the_id_token_is_signed_with_the_providers_own_key(app, certified_oidc):
    """Is the ID token the app accepted signed with an algorithm the provider advertises, under a key of the
    JWKS it serves (public parts only), and does it name the provider, the app and the person?"""
    client = app.test_client()
    certified_oidc.sign_in(client, "gestionnaire")
    token = _signed_in_user(client)["id_token"]
    header = _header(token)
    assert header["alg"] in certified_oidc.metadata["id_token_signing_alg_values_supported"]
    jwks = requests.get(certified_oidc.metadata["jwks_uri"], timeout=10).json()
    assert header["kid"] in [key["kid"] for key in jwks["keys"]]
    assert not [key for key in jwks["keys"] if "d" in key]  # no private part is served
    claims = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=[header["alg"]]).claims
    assert (claims["iss"], claims["aud"], claims["sub"]) == (certified_oidc.issuer, "mediateur", "gestionnaire")
    assert claims["groups"] == ["mediation-handlers"] and _signed_in_user(client)["roles"] == ["case_handler"]


@pytest.mark.requirement("R-CONF-1")
def test_sign_out_ends_the_session_here_and_at_the_provider(app, certified_oidc):
    """Does sign-out end the console session and send the browser to the provider's end-session endpoint with
    the ID token, where confirming returns home and ends the provider's session too?"""
    client = app.test_client()
    browser = certified_oidc.sign_in(client, "mediatrice")
    id_token = _signed_in_user(client)["id_token"]
    # While signed in at the provider, a new sign-in goes straight back to the app.
    assert _first_stop(browser, client.get("/login").headers["Location"]).startswith(CALLBACK + "?")

    signed_out = _sign_out(client)
    target = urlsplit(signed_out.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == certified_oidc.metadata["end_session_endpoint"]
    assert parse_qs(target.query)["id_token_hint"] == [id_token]
    console = client.get("/console/")
    assert console.status_code == 302 and console.headers["Location"].endswith("/login")

    confirmed = certified_oidc.end_session(browser, signed_out.headers["Location"])
    home = urlsplit(confirmed.headers["Location"])
    assert confirmed.status_code == 303 and f"{home.scheme}://{home.netloc}{home.path}" == "http://localhost/"
    assert parse_qs(home.query)["state"] == parse_qs(target.query)["state"]  # the app's own sign-out, returned
    assert urlsplit(_first_stop(browser, client.get("/login").headers["Location"])).path.startswith("/interaction/")


def test_the_provider_calls_a_registered_clients_back_channel_logout_uri(make_app, certified_oidc):
    """Support for the back-channel logout tests: does the provider POST a logout token, signed with its key,
    to the back-channel URI of a client registered at run time, when the person signs out there?"""
    received = []
    receiver = Flask("back_channel_receiver")

    @receiver.post("/back-channel")
    def back_channel():
        received.append(request.form["logout_token"])
        return ""

    client_id, secret = f"back-channel-{secrets.token_hex(4)}", secrets.token_urlsafe(32)
    with serve(receiver) as base:
        certified_oidc.register_client(
            client_id=client_id, client_secret=secret, redirect_uris=[CALLBACK],
            post_logout_redirect_uris=["http://localhost/"], backchannel_logout_uri=f"{base}/back-channel",
            backchannel_logout_session_required=True)
        client = make_app(oidc={"issuer": certified_oidc.issuer, "client_id": client_id,
                                "client_secret": secret}).test_client()
        browser = certified_oidc.sign_in(client, "mediatrice")
        id_token = _signed_in_user(client)["id_token"]
        assert received == []
        certified_oidc.end_session(browser, _sign_out(client).headers["Location"])

    jwks = KeySet.import_key_set(requests.get(certified_oidc.metadata["jwks_uri"], timeout=10).json())
    [logout_token] = received
    claims = jwt.decode(logout_token, jwks).claims
    assert (claims["iss"], claims["aud"], claims["sub"]) == (certified_oidc.issuer, client_id, "mediatrice")
    assert "http://schemas.openid.net/event/backchannel-logout" in claims["events"]
    assert claims["sid"] == jwt.decode(id_token, jwks).claims["sid"]
