"""A faithful in-memory subset of the Freshdesk API v2, served by a plain werkzeug WSGI app.

The tests, the demo (``mediator simulate freshdesk``) and the benchmarks talk to it over real HTTP. It
follows reference/helpdesk-apis.md §2: basic auth with an API key, the Tickets List with its 30-day
default window, ascending or descending order, ``link`` pagination and 300-page wall, archived tickets
only reachable through their own read-only endpoints, ``tags`` replaced on update, ``cf_`` custom
fields validated, 405 on spam or deleted tickets, the vendor's error bodies, per-minute credits with
the ``X-RateLimit-*`` headers and 429s, automation rules that run as Freshdesk runs them
(:mod:`connectors.freshdesk.simulator_rules`), and seeded faults (:mod:`connectors.faults`). The handlers
live in :mod:`connectors.freshdesk.simulator_api`; this module holds the plumbing.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from connectors.faults import FAULT_KINDS, FaultMiddleware, FaultPlan
from connectors.freshdesk import simulator_data
from connectors.freshdesk.simulator_api import FreshdeskApi
from connectors.freshdesk.simulator_rules import AutomationRules
from connectors.freshdesk.simulator_state import ApiError, json_response

log = logging.getLogger(__name__)

_ROUTES = (
    ("/api/v2/tickets", "api_list", ("GET",)),
    ("/api/v2/tickets/<int:ticket_id>", "api_ticket", ("GET", "PUT")),
    ("/api/v2/tickets/<int:ticket_id>/conversations", "api_conversations", ("GET",)),
    ("/api/v2/tickets/archived/<int:ticket_id>", "api_archived", ("GET",)),
    ("/api/v2/tickets/archived/<int:ticket_id>/conversations", "api_archived_conversations", ("GET",)),
    ("/api/v2/agents/<int:user_id>", "api_agent", ("GET",)),
    ("/api/v2/contacts/<int:user_id>", "api_contact", ("GET",)),
    ("/api/v2/automations/<int:type_id>/rules", "api_rules", ("GET", "POST")),
    ("/api/v2/automations/<int:type_id>/rules/<int:rule_id>", "api_rule", ("GET", "PUT", "DELETE")),
    ("/_sim/tickets", "sim_create", ("POST",)),
    ("/_sim/tickets/<int:ticket_id>", "sim_ticket", ("GET", "PUT")),
    ("/_sim/bulk", "sim_bulk", ("POST",)),
    ("/_sim/automations/run", "sim_run_automations", ("POST",)),
)
# The simulator's public demo credential (interfaces.md `mediator simulate`), not a secret.
DEMO_API_KEY = "demo-freshdesk-key"
_UNAUTHORIZED = {"code": "invalid_credentials", "message": "You have to be logged in to perform this action."}
_THROTTLED = {"message": "You have exceeded the limit of requests per minute. Please try again after some time."}


class _Window:
    """A fixed one-minute budget of credits (or calls)."""

    def __init__(self, limit: int):
        self.limit, self.used, self.start = limit, 0, -math.inf

    def roll(self, now: float) -> None:
        if now >= self.start + 60:
            self.start, self.used = now, 0

    def resets(self, now: float) -> int:
        return max(1, math.ceil(self.start + 60 - now))


class FreshdeskSimulator(AutomationRules, FreshdeskApi):
    """Tickets, contacts, agents and conversations of one simulated Freshdesk account, and its WSGI app.

    ``wsgi_app`` is the API behind the fault middleware (its ``plan`` is ``fault_plan``);
    ``request_log`` records ``(method, path with query, JSON body or None)`` for every request that
    reached the account (status faults aside). ``max_pages`` is the Tickets List wall: 300 as
    documented, lowered by tests to reach it with few tickets.
    """

    def __init__(
        self,
        agents: dict[int, dict],
        contacts: dict[int, dict],
        tickets: dict[int, dict],
        *,
        api_key: str = DEMO_API_KEY,
        rate_limit: int = 400,
        list_limit: int = 100,
        max_pages: int = 300,
        faults: float = 0.0,
        fault_kinds: Iterable[str] = FAULT_KINDS,
        slow_seconds: float = 15.0,
        seed: int = 1,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__(agents, contacts, tickets, clock)
        self.api_key = api_key
        self.rate_limit, self.max_pages = rate_limit, max_pages
        self._account, self._list = _Window(rate_limit), _Window(list_limit or rate_limit)
        self.request_log: list[tuple[str, str, object]] = []
        self._lock = threading.Lock()
        self._urls = Map([Rule(path, endpoint=name, methods=methods) for path, name, methods in _ROUTES])
        self.fault_plan = FaultPlan(faults, seed=seed, kinds=fault_kinds)
        self.wsgi_app = FaultMiddleware(self._serve, self.fault_plan, _fault_answer, slow_seconds=slow_seconds)

    @classmethod
    def seeded(
        cls,
        tickets: int = 200,
        seed: int = 1,
        now: float | None = None,
        api_key: str = DEMO_API_KEY,
        rate_limit: int = 400,
        list_limit: int = 100,
        faults: float = 0.0,
        clock: Callable[[], float] = time.time,
        **options,
    ) -> FreshdeskSimulator:
        """An account with ``tickets`` realistic French tickets, identical for a given ``seed`` and ``now``.

        Limits are per minute and account-wide, as on the Pro plan (400 credits, Tickets List 100
        calls); ``rate_limit=0`` lifts every limit; ``faults`` is the fraction of answers to spoil.
        ``options``: ``max_pages`` (the listing wall, 300), ``fault_kinds``, ``slow_seconds``.
        """
        rng = random.Random(seed)
        now = int(clock() if now is None else now)
        agents, contacts = simulator_data.seed_people(rng, max(5, tickets * 3 // 4))
        people, staff = list(contacts.values()), list(agents)
        records = {
            tid: simulator_data.seed_ticket(rng, tid, now, rng.choice(people), rng.choice(staff))
            for tid in range(1, tickets + 1)
        }
        return cls(agents, contacts, records, api_key=api_key, rate_limit=rate_limit, list_limit=list_limit,
                   faults=faults, seed=seed, clock=clock, **options)  # fmt: skip

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> BaseWSGIServer:
        """A threaded werkzeug server for this account (port 0 picks a free port); call ``serve_forever``."""
        return make_server(host, port, self.wsgi_app, threaded=True, request_handler=_QuietHandler)

    def _serve(self, environ, start_response):
        """Requests are served one at a time, like a consistent database."""
        request = Request(environ)
        with self._lock:
            self.host = request.host_url.rstrip("/")
            response = self._dispatch(request)
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        try:
            endpoint, args = self._urls.bind_to_environ(request.environ).match()
        except NotFound:
            return Response(b"", 404)
        except MethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.valid_methods or ()))
            message = f"{request.method} method is not allowed. It should be one of these method(s): {allowed}"
            return json_response(405, {"message": message})
        body = request.get_json(silent=True) if request.data else None
        self.request_log.append((request.method, request.full_path.rstrip("?"), body))
        try:
            if endpoint.startswith("sim_"):
                return getattr(self, f"_{endpoint}")(request, **args)
            return self._serve_api(endpoint, request, args)
        except ApiError as error:
            return error.response

    def _serve_api(self, endpoint: str, request: Request, args: dict) -> Response:
        # Charged before authentication: invalid requests count too (§2.5).
        headers = self._throttle(endpoint, _credits(endpoint, request), self.clock())
        try:
            auth = request.authorization
            if not auth or auth.type != "basic" or auth.username != self.api_key:
                raise ApiError(401, _UNAUTHORIZED)
            response = getattr(self, f"_{endpoint}")(request, **args)
        except ApiError as error:
            response = error.response
        response.headers.extend(headers)
        return response

    def _throttle(self, endpoint: str, credits: int, now: float) -> list[tuple[str, str]]:
        """Charge the call to its per-minute windows and describe them, or refuse it with a 429."""
        if not self.rate_limit:
            return [("X-Freshdesk-API-Version", "latest=2; requested=2")]
        windows = [self._account] + ([self._list] if endpoint == "api_list" else [])
        for window in windows:
            window.roll(now)
        full = [w for w in windows if w.used >= w.limit]
        if not full:
            self._account.used += credits
            if endpoint == "api_list":
                self._list.used += 1  # the Tickets List sub-limit counts calls, not credits
        headers = [
            ("X-Freshdesk-API-Version", "latest=2; requested=2"),
            ("X-RateLimit-Total", str(self._account.limit)),
            ("X-RateLimit-Remaining", str(max(0, self._account.limit - self._account.used))),
            ("X-RateLimit-Used-CurrentRequest", "0" if full else str(credits)),
        ]
        if full:
            retry_after = max(w.resets(now) for w in full)
            raise ApiError(429, _THROTTLED, [*headers, ("Retry-After", str(retry_after))])
        return headers


def _credits(endpoint: str, request: Request) -> int:
    """1 credit a call; each list include costs 2 more, view includes 1 (conversations 2) (§2.3)."""
    include = [n for n in request.args.get("include", "").split(",") if n]
    if endpoint == "api_list":
        return 1 + 2 * len(include)
    if endpoint == "api_ticket" and request.method == "GET":
        return 1 + sum(2 if n == "conversations" else 1 for n in include)
    return 1


def _fault_answer(kind: str) -> Response:
    """Freshdesk-looking answers for the status faults of :class:`connectors.faults.FaultPlan`."""
    if kind == "429":
        return json_response(429, _THROTTLED, [("Retry-After", "1"), ("X-RateLimit-Remaining", "0")])
    if kind == "502":
        html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
        return Response(html, 502, content_type="text/html")
    if kind == "503":
        body = {"message": "Service temporarily unavailable. Please retry later."}
        return json_response(503, body, [("Retry-After", "1")])
    return json_response(500, {"message": "We're sorry, but something went wrong."})


class _QuietHandler(WSGIRequestHandler):
    """Request lines go to the debug log instead of stderr."""

    def log_request(self, code="-", size="-") -> None:
        log.debug("%s %s", self.requestline, code)


@contextlib.contextmanager
def run_in_thread(sim: FreshdeskSimulator, port: int = 0) -> Iterator[BaseWSGIServer]:
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
