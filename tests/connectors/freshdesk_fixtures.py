"""Fixtures for the Freshdesk tests: a simulator served over real HTTP on 127.0.0.1.

Time is the :class:`FakeClock` of ``conftest.py`` (fixture ``clock``), shared by the simulator and the
client: the client's ``sleep`` moves it forward, so rate-limit windows and Retry-After run instantly
and every wait is recorded. Import the fixtures into a test module to use them.
"""

from __future__ import annotations

import contextlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from connectors.freshdesk import FreshdeskConnector
from connectors.freshdesk.simulator import DEMO_API_KEY, FreshdeskSimulator, run_in_thread
from connectors.freshdesk.simulator_data import MEDIATION_TAG
from connectors.http import HttpClient

CLOSED, RESOLVED = 5, 4
LIST_PREFIX = "/api/v2/tickets?"


class ScriptedFaults:
    """Stands in for a :class:`connectors.faults.FaultPlan`: plays the given faults on the next answers."""

    def __init__(self, kinds):
        self.queue = list(kinds)
        self.played: dict[str, int] = {}

    def draw(self) -> str | None:
        if not self.queue:
            return None
        kind = self.queue.pop(0)
        self.played[kind] = self.played.get(kind, 0) + 1
        return kind


class Freshdesk:
    """A running simulator, its base URL and helpers to reach it as a client or as the test bench."""

    def __init__(self, sim: FreshdeskSimulator, base_url: str, clock):
        self.sim, self.base_url, self.clock = sim, base_url, clock
        self.session = requests.Session()  # the test bench's own connection, kept alive between calls

    def connector(self, session=None, timeout: float = 5.0, **options) -> FreshdeskConnector:
        """A connector with the demo API key, sleeping on the fake clock (Retry-After up to a minute)."""
        http = HttpClient(self.base_url, sleep=self.clock.sleep, session=session, timeout=timeout, max_backoff=60)
        return FreshdeskConnector(self.base_url, http=http, **{"api_key": DEMO_API_KEY, **options})

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """A raw call to the vendor API, with the demo API key unless ``auth`` is given."""
        kwargs.setdefault("auth", (DEMO_API_KEY, "X"))
        return self.session.request(method, self.base_url + path, timeout=5, **kwargs)

    def state(self, ticket_id) -> dict:
        """The simulator's full view of a ticket (``GET /_sim/tickets/{id}``)."""
        return requests.get(f"{self.base_url}/_sim/tickets/{ticket_id}", timeout=5).json()

    def create(self, **fields) -> dict:
        """A new ticket through ``POST /_sim/tickets``; returns its state."""
        return requests.post(f"{self.base_url}/_sim/tickets", json=fields, timeout=5).json()

    def bulk(self, count: int, updated_at, **fields) -> list[int]:
        """``count`` tickets sharing ``updated_at`` (``POST /_sim/bulk``); returns their ids."""
        body = {"count": count, "updated_at": updated_at, **fields}
        return requests.post(f"{self.base_url}/_sim/bulk", json=body, timeout=5).json()["ids"]

    def change(self, ticket_id, **fields) -> dict:
        """Change a ticket behind the API's back (``PUT /_sim/tickets/{id}``)."""
        return requests.put(f"{self.base_url}/_sim/tickets/{ticket_id}", json=fields, timeout=5).json()

    def calls(self, prefix: str = "/api/", method: str | None = None) -> list[tuple[str, str, object]]:
        """The API requests the simulator received, optionally only those of one method."""
        return [c for c in self.sim.request_log if c[1].startswith(prefix) and method in (None, c[0])]

    def list_queries(self) -> list[dict[str, str]]:
        """The query parameters of every Tickets List request, in order."""
        return [{k: v[0] for k, v in parse_qs(urlsplit(p).query).items()} for _, p, _ in self.calls(LIST_PREFIX, "GET")]

    def writes(self) -> list[tuple[str, str, object]]:
        """Every write request the simulator's API received so far."""
        return [c for c in self.calls() if c[0] != "GET"]

    def listed(self) -> set[int]:
        """Ids the Tickets List can show: neither archived, deleted nor spam."""
        return {t["id"] for t in self.sim.tickets.values() if not (t["archived"] or t["deleted"] or t["spam"])}

    def eligible(self, statuses=(CLOSED,)) -> set[str]:
        """Ground truth: listed tickets of those statuses carrying the mediation tag."""
        return {
            str(tid)
            for tid in self.listed()
            if self.sim.tickets[tid]["status"] in statuses and MEDIATION_TAG in self.sim.tickets[tid]["tags"]
        }

    def ticket_id(self, **wanted) -> int:
        """The first seeded ticket whose internal fields match ``wanted`` (status, archived…)."""
        defaults = {"archived": False, "deleted": False, "spam": False}
        return next(
            t["id"] for t in self.sim.tickets.values() if all(t[k] == v for k, v in {**defaults, **wanted}.items())
        )


def drain(connector, checkpoint: str | None = None, stop_after: int | None = None) -> list:
    """The pages of ``connector``'s stream from ``checkpoint``, all of them or the first ``stop_after``."""
    pages = []
    for page in connector.iter_closed_tickets(checkpoint):
        pages.append(page)
        if len(pages) == stop_after:
            break
    return pages


def eligible_ids(pages) -> list[str]:
    """Ticket ids of the eligible snapshots of ``pages``, in order."""
    return [snapshot.ticket_id for page in pages for snapshot in page.eligible]


@pytest.fixture
def start_freshdesk(clock):
    """Start simulators with the given ``FreshdeskSimulator.seeded`` options; stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(**options) -> Freshdesk:
            sim = FreshdeskSimulator.seeded(**{"tickets": 200, "seed": 7, "clock": clock, **options})
            server = stack.enter_context(run_in_thread(sim))
            return Freshdesk(sim, f"http://127.0.0.1:{server.server_port}", clock)

        yield start


@pytest.fixture
def freshdesk(start_freshdesk) -> Freshdesk:
    """A seeded account with the Pro plan's limits (400 credits/min, Tickets List 100/min) and no faults."""
    return start_freshdesk()
