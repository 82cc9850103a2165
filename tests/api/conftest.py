"""Clients of the JSON API, signed in through the real OIDC provider."""

from __future__ import annotations

import pytest

API = "/api/v1"


@pytest.fixture
def api(app, login):
    """``api(who)``: a test client signed in as ``who`` (anonymous with None)."""
    def client_for(who: str | None = None):
        client = app.test_client()
        if who is not None:
            login(client, who)
        return client
    return client_for


def csrf_token(client) -> str:
    """The session's CSRF token, as every successful GET of the API hands it out."""
    response = client.get(f"{API}/recommendations")
    assert response.status_code == 200, response.json
    return response.headers["X-CSRFToken"]


def error_of(response) -> dict:
    """The JSON error body, checking it has the documented shape."""
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    error = response.json["error"]
    assert set(error) == {"code", "message", "fields"}
    return error
