"""Pacing calls to a helpdesk from its rate-limit headers, per bucket (helpdesk-apis.md §1.6, §2.5, §4.4).

Zendesk announces each bucket's total, remaining calls and reset (``X-Rate-Limit*``, ``ratelimit-*``,
``Zendesk-RateLimit-<bucket>``); Freshdesk announces an account-wide total and the credits each call
used (``X-RateLimit-*``); limits announced by no header are declared. The pacer turns that into the
wait before each call so that the allowed rate is used fully and never exceeded.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

ACCOUNT = "account"
_BUCKET_HEADER = re.compile(r"^zendesk-ratelimit-(?P<bucket>[\w-]+)$", re.IGNORECASE)
_NUMBER = re.compile(r"\s*(\d+(?:\.\d+)?)")
_WINDOW = 60.0  # every documented helpdesk limit counts per minute
# Reset headers count whole seconds: wait one more so as not to arrive a fraction too early.
_RESET_MARGIN = 1.0
# Our own send times are exact; this only covers the trip to the server.
_RECORD_MARGIN = 0.25


@dataclass
class _Budget:
    """What is known of one bucket: the server's last word, and our own calls since."""

    total: float | None = None  # calls per window, announced or declared
    remaining: float | None = None  # the server's count, less our calls since it spoke
    reset_at: float | None = None  # when the server's current window ends, if announced
    blocked_until: float = -math.inf  # a 429's Retry-After
    last: float | None = None  # when we last sent a call in this bucket
    calls: deque[float] = field(default_factory=deque)  # one send time per credit spent in the last window

    def earliest(self, now: float) -> float:
        """The first moment a call may start without overspending this bucket."""
        if self.reset_at is not None and now >= self.reset_at + _RESET_MARGIN:
            # The announced window is over: the server forgot our calls, and so do we.
            self.reset_at, self.remaining = None, None
            self.calls.clear()
        while self.calls and self.calls[0] <= now - _WINDOW:
            self.calls.popleft()
        at = max(now, self.blocked_until)
        # Calls go at once while budget is left (a burst costs nothing); they wait only when the
        # server's count, or our own record of the last minute, says the window is spent.
        if self.reset_at is not None and self.remaining is not None:
            return max(at, self.reset_at + _RESET_MARGIN) if self.remaining <= 0 else at
        if self.total and len(self.calls) >= self.total:  # our own record fills the window: wait for its oldest
            at = max(at, self.calls[-int(self.total)] + _WINDOW + _RECORD_MARGIN)
        if self.remaining is not None and self.remaining <= 0 and self.calls:
            at = max(at, self.calls[0] + _WINDOW + _RECORD_MARGIN)
        return at

    def book(self, at: float) -> None:
        self.last = at
        self.calls.append(at)
        self.remaining = None if self.remaining is None else self.remaining - 1


class RateLimitPacer:
    """Per-bucket budgets fed by the response headers, and the pace they allow.

    Where the server announces the remaining calls and the seconds to the reset, calls go until the
    count is spent, then wait for the reset; where only a per-minute total is known (or declared), a
    sliding record of our own calls never lets more than that total into any minute. Every call
    spends the ``"account"`` bucket and the one it names, and waits for those two only.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._budgets: dict[str, _Budget] = {}
        self._lock = threading.Lock()  # one client may serve several threads

    def declare(self, bucket: str, per_minute: float) -> None:
        """A limit the vendor documents but announces in no header (e.g. Freshdesk's tickets list)."""
        with self._lock:
            self._budget(bucket).total = per_minute

    def observe(self, headers: Mapping[str, str], *, status: int = 200, retry_after: float | None = None) -> None:
        """Record what a response says about the budgets (a 429's ``retry_after`` blocks the exhausted ones)."""
        with self._lock:
            now = self._clock()
            for name, total, remaining, reset, used in _read_buckets(headers):
                budget = self._budget(name)
                budget.total = total or budget.total
                if remaining is not None:
                    if reset is None and budget.remaining is not None and remaining > budget.remaining:
                        budget.reset_at = None  # more left than we thought: the window rolled over
                    budget.remaining = remaining
                    if remaining <= 0 and status == 429 and retry_after is not None:
                        # The server says when to come back: that beats our guess from the remaining count.
                        budget.blocked_until = max(budget.blocked_until, now + retry_after)
                        budget.remaining = None
                if reset is not None:
                    budget.reset_at = now + reset
                if used and used > 1 and budget.last is not None:  # Freshdesk charges extra for includes
                    budget.calls.extend([budget.last] * int(used - 1))

    def reserve(self, bucket: str | None = None, at_least: float = 0.0) -> float:
        """Book the next call in ``bucket`` and return how long to wait before sending it."""
        with self._lock:
            now = self._clock()
            budgets = [self._budget(name) for name in {ACCOUNT, bucket or ACCOUNT}]
            at = max([now + at_least] + [budget.earliest(now) for budget in budgets])
            for budget in budgets:
                budget.book(at)
            return at - now

    def take_delay(self, bucket: str | None = None) -> float:
        """Seconds a call in ``bucket`` would wait now (nothing is booked)."""
        with self._lock:
            now = self._clock()
            return max(self._budget(name).earliest(now) for name in {ACCOUNT, bucket or ACCOUNT}) - now

    def _budget(self, name: str) -> _Budget:
        return self._budgets.setdefault(name, _Budget())


_Reading = tuple[str, float | None, float | None, float | None, float | None]


def _read_buckets(headers: Mapping[str, str]) -> Iterator[_Reading]:
    """(bucket, total, remaining, seconds to reset, credits used) for each budget the headers describe."""
    lowered = {name.lower(): value for name, value in headers.items()}

    def first(*names: str) -> float | None:
        return next((n for n in (header_number(lowered.get(name)) for name in names) if n is not None), None)

    remaining = first("x-rate-limit-remaining", "x-ratelimit-remaining", "ratelimit-remaining")
    if remaining is not None:
        total = first("x-rate-limit", "x-ratelimit-total", "ratelimit-limit")
        used = first("x-ratelimit-used-currentrequest")
        yield ACCOUNT, total, remaining, first("ratelimit-reset"), used
    for name, value in lowered.items():
        match = _BUCKET_HEADER.match(name)
        if match:
            fields = dict(part.strip().partition("=")[::2] for part in value.split(";"))
            remaining = header_number(fields.get("remaining"))
            if remaining is not None:
                total, resets = header_number(fields.get("total")), header_number(fields.get("resets"))
                yield match["bucket"], total, remaining, resets, None


def header_number(value: str | None) -> float | None:
    """The leading number of a header value ("30", "30.5", "30; …"), or None."""
    match = _NUMBER.match(value) if value is not None else None
    return float(match[1]) if match else None
