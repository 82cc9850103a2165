"""One contract, both helpdesks: what the sync engine and the outbox rely on, checked over real HTTP.

Each vendor is driven through an adapter that only speaks to its simulator's control routes, so the
same assertions hold for Zendesk and Freshdesk (issue 3, item 6).
"""

from __future__ import annotations

import time

import pytest
import requests

from connectors.base import HelpdeskAuthError, HelpdeskConnector, HelpdeskNotFound, MediationLabel
from connectors.freshdesk import FreshdeskConnector
from connectors.freshdesk.simulator import FreshdeskSimulator
from connectors.freshdesk.simulator import run_in_thread as run_freshdesk
from connectors.http import HttpClient
from connectors.zendesk import ZendeskConnector
from connectors.zendesk.simulator import ZendeskSimulator
from connectors.zendesk.simulator import run_in_thread as run_zendesk

TWO_DAYS_AGO = int(time.time()) - 2 * 86400


class Vendor:
    """A running simulator with no seeded ticket, and how to make tickets and connectors for it."""

    name: str
    closed: object
    open: object

    def __init__(self, base: str):
        self.base = base

    MESSAGES = ({"author": "requester", "body": "Je conteste la facture."},
                {"author": "agent", "body": "La facture est conforme."},
                {"author": "requester", "body": "Je demande la médiation."})

    def create(self, subject: str, *, closed: bool = True, asks: bool = True, offset: int = 0) -> str:
        body = {"subject": subject, "status": self.closed if closed else self.open,
                "tags": ["vip"] + (["demande_mediation"] if asks else []),
                "requester": {"name": "Jeanne Dupont", "email": "jeanne.dupont@example.org"},
                "updated_at": self.stamp(TWO_DAYS_AGO + offset), "created_at": self.stamp(TWO_DAYS_AGO - 86400),
                **self.conversation()}
        return str(requests.post(f"{self.base}/_sim/tickets", json=body, timeout=5).json()["ticket"]["id"])

    def state(self, ticket_id: str) -> dict:
        return requests.get(f"{self.base}/_sim/tickets/{ticket_id}", timeout=5).json()


class Zendesk(Vendor):
    name, closed, open, comments_key = "zendesk", "closed", "open", "comments"

    def conversation(self) -> dict:
        return {"comments": list(self.MESSAGES)}

    @staticmethod
    def stamp(epoch: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))

    def connector(self, **options) -> ZendeskConnector:
        return ZendeskConnector(self.base, http=HttpClient(self.base, timeout=5), email="mediateur@example.com",
                                **{"api_token": "demo-token", **options})

    def label_view(self, state: dict) -> tuple[list, object]:
        return sorted(state["ticket"]["tags"]), None


class Freshdesk(Vendor):
    name, closed, open, comments_key = "freshdesk", 5, 2, "conversations"

    def conversation(self) -> dict:
        # Freshdesk keeps the first message as the ticket's description, the rest as conversations.
        return {"description": self.MESSAGES[0]["body"], "conversations": list(self.MESSAGES[1:])}

    @staticmethod
    def stamp(epoch: int) -> int:
        return epoch

    def connector(self, **options) -> FreshdeskConnector:
        return FreshdeskConnector(self.base, http=HttpClient(self.base, timeout=5, max_backoff=60),
                                  **{"api_key": "demo-freshdesk-key", **options})

    def label_view(self, state: dict) -> tuple[list, object]:
        return sorted(state["ticket"]["tags"]), state["ticket"]["custom_fields"].get("cf_mediation")


@pytest.fixture(params=["zendesk", "freshdesk"])
def vendor(request):
    if request.param == "zendesk":
        with run_zendesk(ZendeskSimulator.seeded(tickets=0, seed=1, rate_limit=0)) as server:
            yield Zendesk(f"http://127.0.0.1:{server.server_port}")
    else:
        with run_freshdesk(FreshdeskSimulator.seeded(tickets=0, seed=1, rate_limit=0)) as server:
            yield Freshdesk(f"http://127.0.0.1:{server.server_port}")


def _drain(connector: HelpdeskConnector, checkpoint=None, *, stop_after: int | None = None):
    eligible, last = [], checkpoint
    for number, page in enumerate(connector.iter_closed_tickets(checkpoint), 1):
        eligible += [t.ticket_id for t in page.eligible]
        last = page.checkpoint
        if stop_after and number == stop_after:
            break
    return eligible, last


def test_implements_the_protocol(vendor):
    """Is the connector a HelpdeskConnector with its vendor name?"""
    connector = vendor.connector()
    assert isinstance(connector, HelpdeskConnector) and connector.vendor == vendor.name


def test_drain_yields_exactly_the_closed_requests_once(vendor):
    """Only closed tickets asking for mediation come out, each exactly once, and a resumed drain adds none."""
    wanted = {vendor.create(f"Demande {n}", offset=n) for n in range(5)}
    vendor.create("Ouvert", closed=False, offset=10)
    vendor.create("Clos sans demande", asks=False, offset=11)
    eligible, checkpoint = _drain(vendor.connector())
    assert sorted(eligible) == sorted(wanted)
    again, _ = _drain(vendor.connector(), checkpoint)
    assert again == []
    later = vendor.create("Nouvelle demande", offset=20)
    assert _drain(vendor.connector(), checkpoint)[0] == [later]


def test_resume_mid_stream_has_no_gap_and_no_duplicate(vendor):
    """Stopping after the first page and resuming from its checkpoint gives the whole set once."""
    wanted = {vendor.create(f"Demande {n}", offset=n) for n in range(7)}
    first, checkpoint = _drain(vendor.connector(per_page=3), stop_after=1)
    rest, _ = _drain(vendor.connector(per_page=3), checkpoint)
    assert len(first) + len(rest) == len(wanted) and set(first) | set(rest) == wanted


@pytest.mark.requirement("R-HELPDESK-2")
def test_fetch_ticket_copies_the_whole_conversation(vendor):
    """The snapshot has the requester, the three messages in order and a stable content hash."""
    ticket_id = vendor.create("Facture contestée")
    connector = vendor.connector()
    snapshot = connector.fetch_ticket(ticket_id)
    assert snapshot.vendor == vendor.name and snapshot.requester_email == "jeanne.dupont@example.org"
    assert [c.body for c in snapshot.comments] == ["Je conteste la facture.", "La facture est conforme.",
                                                   "Je demande la médiation."]
    assert [c.author_is_requester for c in snapshot.comments] == [True, False, True]
    assert snapshot.content_sha256() == connector.fetch_ticket(ticket_id).content_sha256()


@pytest.mark.requirement("R-HELPDESK-2", "R-CONF-4")
def test_label_written_is_exactly_the_mediation_status(vendor):
    """In progress then ended: the label tag (and field) change, the agent's own tags stay, nothing else moves."""
    ticket_id = vendor.create("Facture contestée")
    before = vendor.state(ticket_id)
    connector = vendor.connector()
    connector.write_label(ticket_id, MediationLabel.IN_PROGRESS)
    tags, field = vendor.label_view(vendor.state(ticket_id))
    assert tags == sorted(["vip", "demande_mediation", "mediation_en_cours"]) and field in (None, "En cours")
    connector.write_label(ticket_id, MediationLabel.ENDED)
    after = vendor.state(ticket_id)
    tags, field = vendor.label_view(after)
    assert tags == sorted(["vip", "demande_mediation", "mediation_terminee"]) and field in (None, "Terminée")
    key = vendor.comments_key
    assert after[key] == before[key]  # no note, no reply: nothing of the file goes to the helpdesk


def test_errors_are_typed(vendor):
    """A revoked credential is an auth error; an unknown ticket is not found."""
    with pytest.raises(HelpdeskAuthError):
        _drain(vendor.connector(**({"api_token": "revoked"} if vendor.name == "zendesk" else {"api_key": "revoked"})))
    with pytest.raises(HelpdeskNotFound):
        vendor.connector().fetch_ticket("987654")
