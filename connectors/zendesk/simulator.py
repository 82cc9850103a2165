"""A faithful in-memory subset of the Zendesk Support API, served by a plain werkzeug WSGI app.

The tests, the demo (``mediator simulate zendesk``) and the benchmarks talk to it over real HTTP.
It follows reference/helpdesk-apis.md §1: admin-only cursor export hiding the last minute, closed
tickets refusing updates except tags through ``update_many`` (an asynchronous job), ``safe_update``
conflicts, the vendor's error bodies, API tokens and OAuth (:mod:`.simulator_oauth`), rate limits
and their headers (:mod:`.simulator_limits`), triggers and automations that run as Zendesk runs them
(:mod:`.simulator_rules`), and seeded faults (:mod:`connectors.faults`). The API handlers live in
:mod:`connectors.zendesk.simulator_api`; this module holds the plumbing.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from connectors.faults import FAULT_KINDS, FaultMiddleware, FaultPlan
from connectors.zendesk import simulator_data
from connectors.zendesk.simulator_api import ZendeskApi
from connectors.zendesk.simulator_limits import RateLimits
from connectors.zendesk.simulator_listing import TicketListing
from connectors.zendesk.simulator_oauth import (
    ACCESS_LIFETIME,
    DEMO_OAUTH_CLIENT_ID,
    DEMO_OAUTH_CLIENT_SECRET,
    OAuthServer,
)
from connectors.zendesk.simulator_rules import BusinessRules
from connectors.zendesk.simulator_state import ApiError, json_response

log = logging.getLogger(__name__)

_ROUTES = (
    ("/incremental/tickets/cursor", "api_export", ("GET",)),
    ("/tickets", "api_tickets", ("GET",)),
    ("/tickets/update_many", "api_update_many", ("PUT",)),
    ("/tickets/<int:ticket_id>", "api_ticket", ("GET", "PUT")),
    ("/tickets/<int:ticket_id>/comments", "api_comments", ("GET",)),
    ("/tickets/<int:ticket_id>/tags", "api_tags", ("GET", "POST", "PUT", "DELETE")),
    ("/job_statuses/<job_id>", "api_job_status", ("GET",)),
    ("/triggers", "api_triggers", ("GET", "POST")),
    ("/triggers/<int:rule_id>", "api_trigger", ("GET", "PUT", "DELETE")),
    ("/automations", "api_automations", ("GET", "POST")),
    ("/automations/<int:rule_id>", "api_automation", ("GET", "PUT", "DELETE")),
)
# The simulator's public demo credentials (interfaces.md `mediator simulate`), not secrets.
DEMO_EMAIL = "mediateur@example.com"
DEMO_API_TOKEN = "demo-token"  # noqa: S105
DEMO_OAUTH_TOKEN = "demo-oauth-token"  # noqa: S105
_UNAUTHORIZED = {"error": "Couldn't authenticate you"}


class ZendeskSimulator(BusinessRules, ZendeskApi, TicketListing):
    """Tickets, users, comments and jobs of one simulated Zendesk account, and its WSGI app.

    ``faults`` is the fraction of API answers spoiled by a :class:`connectors.faults.FaultPlan`
    seeded with ``seed`` (``fault_kinds`` narrows the kinds; ``slow_seconds`` is how late a slow
    answer comes). ``rate_limit=0`` lifts every limit.
    """

    def __init__(
        self,
        users: dict[int, dict],
        tickets: dict[int, dict],
        *,
        credentials: dict[str, str],
        oauth_token: str | None,
        oauth_clients: dict[str, str] | None = None,
        oauth_lifetime: int = ACCESS_LIFETIME,
        rate_limit: int = 700,
        incremental_limit: int = 10,
        faults: float = 0.0,
        seed: int = 1,
        fault_kinds: Iterable[str] = FAULT_KINDS,
        slow_seconds: float = 15.0,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__(users, tickets, clock)
        self._api_tokens = {(email, token): self._user_id(email) for email, token in credentials.items()}
        admin = self._user_id(next(iter(credentials))) if credentials else 1
        clients = {DEMO_OAUTH_CLIENT_ID: DEMO_OAUTH_CLIENT_SECRET} if oauth_clients is None else oauth_clients
        self.oauth = OAuthServer(clock, admin, clients, oauth_token, oauth_lifetime)
        self.limits = RateLimits(rate_limit, incremental_limit)
        self.fault_plan = FaultPlan(faults, seed=seed, kinds=fault_kinds)
        self._faulty = FaultMiddleware(self._serve, self.fault_plan, _status_fault, slow_seconds=slow_seconds)
        self.request_log: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        rules = [
            Rule(f"/api/v2{path}{suffix}", endpoint=name, methods=methods)
            for path, name, methods in _ROUTES
            for suffix in ("", ".json")
        ]
        rules += [
            Rule("/oauth/tokens", endpoint="oauth_tokens", methods=("POST",)),
            Rule("/_sim/tickets", endpoint="sim_create", methods=("POST",)),
            Rule("/_sim/tickets/<int:ticket_id>", endpoint="sim_ticket", methods=("GET", "PUT")),
            Rule("/_sim/automations/run", endpoint="sim_run_automations", methods=("POST",)),
        ]
        self._urls = Map(rules, strict_slashes=False)

    @classmethod
    def seeded(
        cls,
        tickets: int = 200,
        seed: int = 1,
        now: float | None = None,
        email: str = DEMO_EMAIL,
        api_token: str = DEMO_API_TOKEN,
        oauth_token: str = DEMO_OAUTH_TOKEN,
        clock: Callable[[], float] = time.time,
        **options,
    ) -> ZendeskSimulator:
        """An account with ``tickets`` realistic French tickets, identical for a given ``seed`` and ``now``.

        ``email``/``api_token``, ``oauth_token`` (which never expires) and the demo OAuth client
        authenticate the admin the mediator uses; ``options`` go to the constructor (limits, faults).
        """
        rng = random.Random(seed)
        now = int(clock() if now is None else now)
        users = simulator_data.seed_accounts(rng, max(5, tickets * 3 // 4), email)
        agents = [u["id"] for u in users.values() if u["role"] == "agent"]
        requesters = [u for u in users.values() if u["role"] == "end-user"]
        records = {
            tid: simulator_data.seed_ticket(rng, tid, now, rng.choice(requesters), rng.choice(agents))
            for tid in range(1, tickets + 1)
        }
        return cls(
            users, records, credentials={email: api_token}, oauth_token=oauth_token, seed=seed, clock=clock, **options
        )

    def add_api_token(self, email: str, token: str) -> None:
        """Let an existing user (e.g. a non-admin agent) call the API with an API token."""
        self._api_tokens[(email, token)] = self._user_id(email)

    def _user_id(self, email: str) -> int:
        return next(uid for uid, user in self.users.items() if user["email"] == email)

    def wsgi_app(self, environ, start_response):
        """The WSGI entry point: the API behind the fault plan."""
        return self._faulty(environ, start_response)

    def _serve(self, environ, start_response):
        # Requests are served one at a time, like a consistent database.
        request = Request(environ)
        with self._lock:
            self.host = request.host_url.rstrip("/")
            response = self._dispatch(request)
        return response(environ, start_response)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> BaseWSGIServer:
        """A threaded werkzeug server for this account (port 0 picks a free port); call ``serve_forever``."""
        return make_server(host, port, self.wsgi_app, threaded=True, request_handler=_QuietHandler)

    def _dispatch(self, request: Request) -> Response:
        try:
            endpoint, args = self._urls.bind_to_environ(request.environ).match()
        except NotFound:
            return json_response(404, {"error": "InvalidEndpoint", "description": "Not found"})
        except MethodNotAllowed:
            return json_response(405, {"error": "MethodNotAllowed", "description": "Method not allowed"})
        self.request_log.append((request.method, request.full_path.rstrip("?")))
        try:
            if endpoint == "oauth_tokens":
                return self.oauth.token_endpoint(request)
            if endpoint.startswith("sim_"):
                return getattr(self, f"_{endpoint}")(request, **args)
            return self._serve_api(endpoint, request, args)
        except ApiError as error:
            return error.response

    def _serve_api(self, endpoint: str, request: Request, args: dict) -> Response:
        user = self._authenticate(request)
        headers = self.limits.charge(endpoint, request.method, args, user["id"], self.clock())
        try:
            response = getattr(self, f"_{endpoint}")(request, user, **args)
        except ApiError as error:
            response = error.response
        response.headers.extend(headers)
        return response

    def _authenticate(self, request: Request) -> dict:
        auth = request.authorization
        uid = None
        if auth and auth.type == "bearer":
            uid = self.oauth.user_of(auth.token or "")
        elif auth and auth.type == "basic" and (auth.username or "").endswith("/token"):
            uid = self._api_tokens.get((auth.username.removesuffix("/token"), auth.password))
        if uid is None:
            raise ApiError(401, _UNAUTHORIZED, [("WWW-Authenticate", 'Basic realm="Web Password"')])
        return self.users[uid]


def _status_fault(fault: str) -> Response:
    """The answers Zendesk and its front ends give for the status faults (helpdesk-apis.md §1.6, §1.8)."""
    if fault == "429":  # Per-object limits answer in plain text.
        return Response("You have exceeded the rate limit. Please retry later.", 429, [("Retry-After", "1")],
                        content_type="text/plain")
    if fault == "502":
        return Response("<html><body><h1>502 Bad Gateway</h1></body></html>", 502, content_type="text/html")
    if fault == "503":
        body = {"error": "DatabaseDeadlock", "description": "The database is temporarily unavailable"}
        return json_response(503, body, [("Retry-After", "1")])
    return json_response(500, {"error": "InternalError", "description": "Something went wrong"})


class _QuietHandler(WSGIRequestHandler):
    """Request lines go to the debug log instead of stderr."""

    def log_request(self, code="-", size="-") -> None:
        log.debug("%s %s", self.requestline, code)


@contextlib.contextmanager
def run_in_thread(sim: ZendeskSimulator, port: int = 0) -> Iterator[BaseWSGIServer]:
    """Serve ``sim`` on 127.0.0.1 from a background thread; yield the server, stop it on exit."""
    server = sim.serve(port=port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
