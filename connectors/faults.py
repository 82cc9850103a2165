"""Deterministic fault injection for the helpdesk simulators (``--faults RATE --seed S``).

:class:`FaultPlan` decides which answers go wrong, reproducibly for a seed; :class:`FaultMiddleware`
wraps a simulator's WSGI app and plays the fault on the wire:

- ``429``, ``500``, ``502``, ``503``: the vendor's own error answer (the simulator supplies it, since
  bodies and headers differ between vendors);
- ``slow``: the real answer, after longer than the client's timeout;
- ``drop``: the connection is closed without any answer;
- ``truncated``: the real answer cut in the middle of its JSON;
- ``malformed``: an answer whose body is not JSON although it says so.

Only the API is faulted, never the simulator's own ``/_sim/`` control routes.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable, Iterable

from werkzeug.wrappers import Response

FAULT_KINDS = ("429", "500", "502", "503", "slow", "drop", "truncated", "malformed")
STATUS_FAULTS = frozenset({"429", "500", "502", "503"})


class FaultPlan:
    """Which answers are faulty: a fraction ``rate`` of them, kinds drawn from ``kinds``, seeded."""

    def __init__(self, rate: float, *, seed: int = 1, kinds: Iterable[str] = FAULT_KINDS):
        if not 0 <= rate <= 1:
            raise ValueError("the fault rate is a fraction between 0 and 1")
        self.rate = rate
        self.kinds = tuple(kinds)
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kind(s): {', '.join(sorted(unknown))}")
        self._rng = random.Random(seed)
        self._lock = threading.Lock()  # the simulator serves requests from several threads
        self.played: dict[str, int] = {}

    def draw(self) -> str | None:
        """The fault for the next answer, or None for a correct one."""
        if not self.rate:
            return None
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            kind = self._rng.choice(self.kinds)
            self.played[kind] = self.played.get(kind, 0) + 1
            return kind


class FaultMiddleware:
    """WSGI middleware playing a :class:`FaultPlan` in front of a simulator's API."""

    def __init__(self, app, plan: FaultPlan, status_answer: Callable[[str], Response], *,
                 slow_seconds: float = 15.0, exempt_prefix: str = "/_sim/"):
        self.app, self.plan, self.status_answer = app, plan, status_answer
        self.slow_seconds, self.exempt_prefix = slow_seconds, exempt_prefix

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(self.exempt_prefix):
            return self.app(environ, start_response)
        fault = self.plan.draw()
        if fault is None:
            return self.app(environ, start_response)
        if fault in STATUS_FAULTS:
            return self.status_answer(fault)(environ, start_response)
        if fault == "drop":
            connection = environ.get("werkzeug.socket")
            if connection is not None:
                connection.shutdown(socket.SHUT_RDWR)
            return Response(b"")(environ, start_response)
        if fault == "slow":
            time.sleep(self.slow_seconds)
            return self.app(environ, start_response)
        real = Response.from_app(self.app, environ)
        body = real.get_data()
        if fault == "truncated":
            real.set_data(body[: max(1, len(body) // 2)])
        else:  # malformed
            real.set_data(b'{"tickets": [{"id": 1, "subject": "' + b"\xff" * 8 + b"}]")
        return real(environ, start_response)

