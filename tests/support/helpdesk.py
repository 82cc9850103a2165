"""A Zendesk simulator on loopback with one closed ticket asking for mediation."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import requests

from connectors.zendesk.simulator import ZendeskSimulator, run_in_thread

CREDENTIALS = {"email": "mediateur@example.com", "api_token": "demo-token"}


@contextlib.contextmanager
def zendesk_with_request(*, subject: str = "Frais de résiliation facturés deux fois") -> Iterator[dict]:
    """Yield {"base": URL, "ticket_id": id} of a simulator holding background tickets and ours."""
    simulator = ZendeskSimulator.seeded(tickets=60, seed=7)
    with run_in_thread(simulator) as server:
        base = f"http://127.0.0.1:{server.server_port}"
        two_days_ago = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2 * 86400))
        created = requests.post(f"{base}/_sim/tickets", json={
            "subject": subject, "status": "closed", "tags": ["demande_mediation", "facturation"],
            "requester": {"name": "Jeanne Dupont", "email": "jeanne.dupont@example.org"},
            "comments": [
                {"author": "requester", "public": True, "body": "On m'a facturé deux fois les frais de résiliation."},
                {"author": "agent", "public": True, "body": "Les frais sont conformes au contrat."},
                {"author": "requester", "public": True, "body": "Je conteste et je demande la médiation."},
            ],
            "created_at": two_days_ago, "updated_at": two_days_ago,
        }, timeout=10).json()
        yield {"base": base, "ticket_id": created["ticket"]["id"], "settings": {"url": base, **CREDENTIALS}}


def ticket_state(helpdesk: dict) -> dict:
    """The simulator's whole view of our ticket (tags, fields, comments)."""
    return requests.get(f"{helpdesk['base']}/_sim/tickets/{helpdesk['ticket_id']}", timeout=10).json()
