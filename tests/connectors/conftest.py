"""Fixtures for the connector tests: a Zendesk simulator served over real HTTP on 127.0.0.1.

Time is a :class:`FakeClock` shared by the simulator and the client: the client's ``sleep`` moves it
forward, so rate-limit windows, Retry-After and job polling run instantly and every wait is recorded.
"""

from __future__ import annotations

import contextlib
import time

import pytest
import requests

from connectors.http import HttpClient
from connectors.zendesk import ZendeskConnector
from connectors.zendesk.simulator import DEMO_API_TOKEN, DEMO_EMAIL, ZendeskSimulator, run_in_thread


class FakeClock:
    """A clock that only moves when someone sleeps on it (or a test advances it)."""

    def __init__(self):
        self.now = float(int(time.time()))
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Zendesk:
    """A running simulator, its base URL and helpers to reach it as a client or as the test bench."""

    def __init__(self, sim: ZendeskSimulator, base_url: str, clock: FakeClock):
        self.sim, self.base_url, self.clock = sim, base_url, clock
        self.statuses: list[int] = []  # every status the connectors of this test received

    def connector(self, session: requests.Session | None = None, timeout: float = 5.0, **options) -> ZendeskConnector:
        """A connector (demo API token unless ``options`` name OAuth) pacing and sleeping on the fake clock."""
        session = session or requests.Session()
        session.trust_env = False  # loopback only: skip the proxy settings lookup on every call
        session.hooks["response"].append(lambda response, **_: self.statuses.append(response.status_code))
        http = HttpClient(self.base_url, sleep=self.clock.sleep, clock=self.clock, session=session, timeout=timeout)
        oauth = any(name.startswith("oauth_") for name in options)
        credentials = {} if oauth else {"email": DEMO_EMAIL, "api_token": DEMO_API_TOKEN}
        return ZendeskConnector(self.base_url, http=http, **{**credentials, **options})

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """A raw call to the vendor API, with the demo admin's API token unless ``auth`` is given."""
        kwargs.setdefault("auth", (f"{DEMO_EMAIL}/token", DEMO_API_TOKEN))
        return requests.request(method, self.base_url + path, timeout=5, **kwargs)

    def state(self, ticket_id) -> dict:
        """The simulator's full view of a ticket (``GET /_sim/tickets/{id}``)."""
        return requests.get(f"{self.base_url}/_sim/tickets/{ticket_id}", timeout=5).json()

    def create(self, **fields) -> dict:
        """A new ticket through ``POST /_sim/tickets``; returns its state."""
        return requests.post(f"{self.base_url}/_sim/tickets", json=fields, timeout=5).json()

    def change(self, ticket_id, **fields) -> dict:
        """Change a ticket behind the API's back (``PUT /_sim/tickets/{id}``)."""
        return requests.put(f"{self.base_url}/_sim/tickets/{ticket_id}", json=fields, timeout=5).json()

    def writes(self) -> list[tuple[str, str]]:
        """Every write request the simulator's API received so far."""
        return [(m, p) for m, p in self.sim.request_log if m != "GET" and p.startswith("/api/")]


@pytest.fixture
def clock() -> FakeClock:
    """The time shared by the simulator and the client of one test."""
    return FakeClock()


@pytest.fixture
def start_zendesk(clock):
    """Start simulators with the given ``ZendeskSimulator.seeded`` options; stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(**options) -> Zendesk:
            sim = ZendeskSimulator.seeded(**{"tickets": 200, "seed": 7, "clock": clock, **options})
            server = stack.enter_context(run_in_thread(sim))
            return Zendesk(sim, f"http://127.0.0.1:{server.server_port}", clock)

        yield start


@pytest.fixture
def zendesk(start_zendesk) -> Zendesk:
    """A seeded account with Zendesk's default limits (700/min, 10 exports/min) and no faults."""
    return start_zendesk()
