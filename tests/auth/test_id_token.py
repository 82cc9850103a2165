"""The SSO callback over HTTP against a provider that forges defective ID tokens (tests/support/forged_oidc.py).

Each defect must end in a 401 with the French message, no session and a warning naming the reason; the
same provider's good token opens the console, so a refusal is due to the defect and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import secrets
from urllib.parse import parse_qs, urlencode

import pytest

from tests.support.forged_oidc import DEFECTS

REFUSED = "La connexion n'a pas pu être vérifiée."
# What the warning says for each defect: the check that refused it.
REASONS = {
    "wrong_issuer": "'iss'",
    "wrong_audience": "'aud'",
    "expired": "expired",
    "bad_signature": "bad_signature",
    "alg_none": "'none'",
    "wrong_nonce": "'nonce'",
    "no_id_token": "no ID token",
}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _assert_no_session(client) -> None:
    console = client.get("/console/")
    assert console.status_code == 302 and console.headers["Location"].endswith("/login")


def test_good_token_from_the_forged_provider_opens_the_console(sso):
    """Does the forged provider's good ID token sign in (the control for every refusal below)?"""
    landed = sso.finish(sso.start())
    assert landed.status_code == 302 and landed.headers["Location"] == "/console/"
    assert sso.client.get("/console/").status_code == 200
    assert len(sso.provider.issued_id_tokens) == 1


def test_every_defect_has_its_expected_reason():
    """Does each defect of the forged provider have the reason its refusal must give?"""
    assert set(REASONS) == set(DEFECTS)


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_defective_id_token_is_refused(sso, defect, caplog):
    """Is an ID token with this defect refused: 401 in French, no session, a warning naming the check?"""
    sso.provider.defect = defect
    with caplog.at_level(logging.WARNING, logger=sso.app.logger.name):
        response = sso.finish(sso.start())
    assert response.status_code == 401
    assert REFUSED in _text(response)
    assert sso.provider.token_requests, "the refusal must come after the token exchange"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("SSO callback refused" in w and REASONS[defect] in w for w in warnings), warnings
    _assert_no_session(sso.client)


def test_unsigned_token_is_refused_even_when_the_provider_lists_none(sso, caplog):
    """Is alg none refused when the provider's discovery document itself offers it?"""
    sso.provider.signing_algs = ("RS256", "none")
    sso.provider.defect = "alg_none"
    with caplog.at_level(logging.WARNING, logger=sso.app.logger.name):
        response = sso.finish(sso.start())
    assert response.status_code == 401 and REFUSED in _text(response)
    assert any("'none'" in r.getMessage() for r in caplog.records)
    _assert_no_session(sso.client)


def test_callback_with_another_state_is_refused(sso, caplog):
    """Is a callback whose state is not the one this session sent refused, before any token exchange?"""
    callback = sso.start()
    query = parse_qs(callback.query)
    forged = callback._replace(query=urlencode({"code": query["code"][0], "state": secrets.token_urlsafe(22)}))
    with caplog.at_level(logging.WARNING, logger=sso.app.logger.name):
        response = sso.finish(forged)
    assert response.status_code == 401 and REFUSED in _text(response)
    assert sso.provider.token_requests == []
    assert any("mismatching_state" in r.getMessage() for r in caplog.records)
    _assert_no_session(sso.client)


def test_callback_in_another_browser_is_refused(sso):
    """Is a good callback URL refused in a browser that did not start the login (login CSRF)?"""
    callback = sso.start()
    other_browser = sso.app.test_client()
    response = sso.finish(callback, http_client=other_browser)
    assert response.status_code == 401
    assert sso.provider.token_requests == []
    _assert_no_session(other_browser)


def test_pkce_s256_challenge_matches_the_verifier(sso):
    """Does the client send an S256 PKCE challenge and then the verifier that hashes to it?"""
    sso.finish(sso.start())
    authorize = sso.provider.authorize_requests[-1]
    token = sso.provider.token_requests[-1]
    assert authorize["code_challenge_method"] == "S256"
    digest = hashlib.sha256(token["code_verifier"].encode("ascii")).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == authorize["code_challenge"]
    assert len(token["code_verifier"]) >= 43  # RFC 7636: 43 to 128 characters
    assert authorize["nonce"] and authorize["state"]
