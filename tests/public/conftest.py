"""Filing online with the Flask test client, as a browser without JavaScript would."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from flask import g

from connectors.base import Comment, TicketSnapshot
from tests.support import samples
from tests.support.clock import paris_today

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PDF = samples.pdf()
FORM = {
    "name": "Jeanne Dupont", "email": "jeanne.dupont@example.org", "phone": "06 12 34 56 78",
    "postal_address": "3 rue des Lilas\n33000 Bordeaux", "customer_number": "C-77812", "ticket_number": "",
    "what_happened": "Deux prélèvements de 59,90 € pour la facture de mars ; le service client refuse le second "
                     "remboursement.",
    "what_asked": "Le remboursement du second prélèvement et des frais bancaires.", "certify": "y",
}


def complaint_day() -> str:
    return (paris_today() - timedelta(days=40)).isoformat()


def csrf_token(client, path: str = "/saisir") -> str:
    """The token of ``client``'s session, as found on the page at ``path``."""
    # With the test's app context pushed, requests share its ``g``, where Flask-WTF caches the token of the
    # first session seen: forget it so that each person gets their own (real requests never share ``g``).
    g.pop("csrf_token", None)
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def post_filing(client, *, files=(), with_csrf: bool = True, **changes):
    """POST /saisir with the form above (plus ``changes``) and ``files`` as (name, bytes) pairs."""
    data = {**FORM, "first_complaint_on": complaint_day(), **changes}
    if with_csrf:
        data["csrf_token"] = csrf_token(client)
    data["attachments"] = [(BytesIO(content), name) for name, content in files]
    return client.post("/saisir", data=data, content_type="multipart/form-data")


def file_and_read_ack(client, **kwargs) -> tuple[str, str]:
    """File a request and return (reference, tracking code) read on the acknowledgement page."""
    response = post_filing(client, **kwargs)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r'id="reference">(MED-\d{4}-\d{5})<', page).group(1)
    code = re.search(r'id="tracking-code">([0-9A-Z-]{19})<', page).group(1)
    return reference, code


def helpdesk_request(vendor: str = "zendesk", ticket_id: str = "123", email: str = "Jeanne.Dupont@Example.org"):
    """A closed ticket asking for mediation, as the sync queues it."""
    now = datetime.now(UTC) - timedelta(days=2)
    return TicketSnapshot(
        vendor=vendor, ticket_id=ticket_id, subject="Double prélèvement", status="closed",
        requester_name="Jeanne Dupont", requester_email=email, created_at=now - timedelta(days=30),
        updated_at=now, closed_at=now, tags=("demande_mediation",), mediation_requested=True,
        comments=(Comment(id="1", author_name="Jeanne Dupont", author_is_requester=True, public=True,
                          body="Je conteste le second prélèvement.", created_at=now - timedelta(days=30)),))


@pytest.fixture
def client(app):
    return app.test_client()
