"""Zendesk OAuth against the simulator: client credentials, refresh before expiry and after a 401,
rotated refresh tokens, refused clients, and tokens kept out of the logs (helpdesk-apis.md §1.1).
"""

from __future__ import annotations

import logging

import pytest
import requests

from connectors.base import HelpdeskAuthError
from connectors.zendesk.simulator import DEMO_OAUTH_CLIENT_ID, DEMO_OAUTH_CLIENT_SECRET

CLIENT = {"oauth_client_id": DEMO_OAUTH_CLIENT_ID, "oauth_client_secret": DEMO_OAUTH_CLIENT_SECRET}
TOKENS = ("POST", "/oauth/tokens")


def token_pair(zendesk) -> dict:
    """A fresh access/refresh pair obtained directly from the simulator's token endpoint."""
    body = {"grant_type": "client_credentials", "client_id": DEMO_OAUTH_CLIENT_ID,
            "client_secret": DEMO_OAUTH_CLIENT_SECRET, "scope": "read write"}
    return requests.post(f"{zendesk.base_url}/oauth/tokens", json=body, timeout=5).json()


def test_client_credentials_grant(zendesk):
    """Does a connector with only the OAuth client obtain a token once, then call the API with it?"""
    connector = zendesk.connector(**CLIENT)
    assert connector.fetch_ticket("1").ticket_id == "1"
    connector.fetch_ticket("2")
    assert zendesk.sim.oauth.grants == ["client_credentials"]
    assert zendesk.sim.request_log[0] == TOKENS
    assert 401 not in zendesk.statuses


def test_token_is_refreshed_before_it_expires(zendesk):
    """Thirty seconds before the 30-minute expiry, is the token refreshed first, without any 401?"""
    connector = zendesk.connector(**CLIENT)
    connector.fetch_ticket("1")
    zendesk.clock.now += 1800 - 30
    connector.fetch_ticket("1")
    assert zendesk.sim.oauth.grants == ["client_credentials", "refresh_token"]
    assert 401 not in zendesk.statuses


def test_refused_token_is_renewed_once_and_the_call_retried(zendesk):
    """When a held token lapses behind our back, is the 401 answered by one refresh and one retry?"""
    pair = token_pair(zendesk)
    connector = zendesk.connector(oauth_token=pair["access_token"], oauth_refresh_token=pair["refresh_token"], **CLIENT)
    zendesk.sim.oauth.expire_access_tokens()
    assert connector.fetch_ticket("1").ticket_id == "1"
    assert zendesk.statuses[:3] == [401, 200, 200]
    assert zendesk.sim.oauth.grants == ["client_credentials", "refresh_token"]


def test_rotated_refresh_token_falls_back_to_client_credentials(zendesk):
    """When the refresh token was already used (its answer lost), does renewal fall back on the client?"""
    pair = token_pair(zendesk)
    requests.post(f"{zendesk.base_url}/oauth/tokens", timeout=5, json={
        "grant_type": "refresh_token", "refresh_token": pair["refresh_token"],
        "client_id": DEMO_OAUTH_CLIENT_ID, "client_secret": DEMO_OAUTH_CLIENT_SECRET,
    })
    connector = zendesk.connector(oauth_token=pair["access_token"], oauth_refresh_token=pair["refresh_token"], **CLIENT)
    assert connector.fetch_ticket("1").ticket_id == "1"
    assert zendesk.statuses[:3] == [401, 400, 200]
    assert zendesk.sim.oauth.grants[-1] == "client_credentials"


def test_bad_secret_is_a_typed_error_without_retry(zendesk):
    """Does a wrong client secret raise HelpdeskAuthError (invalid_client) after a single token request?"""
    connector = zendesk.connector(oauth_client_id=DEMO_OAUTH_CLIENT_ID, oauth_client_secret="wrong")
    with pytest.raises(HelpdeskAuthError, match="invalid_client") as raised:
        connector.fetch_ticket("1")
    assert raised.value.status == 401
    assert zendesk.sim.request_log == [TOKENS]


def test_a_token_refused_right_after_renewal_is_not_renewed_again(start_zendesk):
    """If even a brand-new token is refused, is the 401 raised at once instead of looping?"""
    zendesk = start_zendesk(oauth_lifetime=0)
    with pytest.raises(HelpdeskAuthError, match="HTTP 401"):
        zendesk.connector(**CLIENT).fetch_ticket("1")
    assert zendesk.sim.request_log == [TOKENS, ("GET", "/api/v2/tickets/1.json?include=users")]


def test_credentials_are_validated():
    """Are a refresh token without its client, a client without its secret, and API token + OAuth refused?"""
    from connectors.zendesk import ZendeskConnector

    url = "http://127.0.0.1:1"
    with pytest.raises(ValueError, match="client id and secret"):
        ZendeskConnector(url, oauth_token="t", oauth_refresh_token="r")
    with pytest.raises(ValueError, match="client id and secret"):
        ZendeskConnector(url, oauth_client_id="c")
    with pytest.raises(ValueError, match="exactly one"):
        ZendeskConnector(url, email="a@example.com", api_token="t", **CLIENT)


def test_tokens_never_reach_the_logs(start_zendesk, caplog):
    """Through grants, refreshes, a 401 and a truncated token answer, is no token or secret ever logged?"""
    zendesk = start_zendesk(faults=0.5, fault_kinds=("truncated", "500"), seed=2, rate_limit=0)
    with caplog.at_level(logging.DEBUG):
        connector = zendesk.connector(**CLIENT)
        for _ in range(3):
            connector.fetch_ticket("1")
            zendesk.sim.oauth.expire_access_tokens()
    secrets = [*zendesk.sim.oauth.issued, DEMO_OAUTH_CLIENT_SECRET]
    assert "truncated" in zendesk.sim.fault_plan.played
    assert "Bearer" not in caplog.text
    assert not [s for s in secrets if s in caplog.text]
