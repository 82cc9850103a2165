"""SSO fixtures: the forged provider over HTTP and the app signing in through it."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.forged_oidc import forged_provider


@pytest.fixture(scope="session")
def forged_session():
    with forged_provider() as provider:
        yield provider


@pytest.fixture
def forged(forged_session):
    """The forged provider, issuing good tokens and with nothing recorded at the start of each test."""
    forged_session.reset()
    yield forged_session
    forged_session.reset()


@pytest.fixture
def sso(make_app, forged):
    """The app signing in through the forged provider, with the two legs of the flow as helpers."""
    app = make_app(oidc={"issuer": forged.issuer, "client_id": forged.client_id, "client_secret": "s3cret"})
    client = app.test_client()

    def start(http_client=None):
        """GET /login, then the provider's authorize URL: the callback URL the provider sends back."""
        to_provider = (http_client or client).get("/login")
        assert to_provider.status_code == 302, to_provider.status_code
        back = requests.get(to_provider.headers["Location"], allow_redirects=False, timeout=10)
        assert back.status_code == 302, back.status_code
        return urlsplit(back.headers["Location"])

    def finish(callback, http_client=None):
        return (http_client or client).get(f"{callback.path}?{callback.query}")

    return SimpleNamespace(app=app, client=client, provider=forged, start=start, finish=finish)
