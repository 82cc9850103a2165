"""Rate limits of the simulated Zendesk account and the headers that announce them
(helpdesk-apis.md §1.5, §1.6).

- the account limit (``X-Rate-Limit``/``X-Rate-Limit-Remaining`` on every answer, ``ratelimit-*``
  on list endpoints), default 700 requests a minute;
- the incremental exports, 10 a minute (``zendesk-ratelimit-incremental-exports``);
- Update Ticket, 100 a minute per account, announced in no header;
- Update Ticket, 30 updates per 10 minutes per user and ticket, refused in plain text.

Every refusal is a 429 with ``Retry-After``; a refused call is not counted.
"""

from __future__ import annotations

import math
from collections import deque

from connectors.zendesk.simulator_state import ApiError

_THROTTLED = {
    "error": "APIRateLimitExceeded",
    "description": "Number of allowed API requests per minute exceeded",
}
_TICKET_THROTTLED = (
    "You have exceeded the rate limit for updating this ticket. Please wait before updating it again."
)
_LIST_ENDPOINTS = frozenset({"api_export", "api_comments", "api_tickets"})


class Window:
    """A fixed request budget over ``length`` seconds, opened by the first call after the last one ended."""

    def __init__(self, limit: int, length: float = 60.0):
        self.limit, self.length, self.used, self.start = limit, length, 0, -math.inf

    def roll(self, now: float) -> None:
        """Open a new window when the current one is over."""
        if now >= self.start + self.length:
            self.start, self.used = now, 0

    def resets(self, now: float) -> int:
        """Whole seconds until the window ends, rounded up as the headers give them."""
        return max(1, math.ceil(self.start + self.length - now))


class RateLimits:
    """The account's budgets; ``rate_limit=0`` lifts every limit."""

    def __init__(
        self,
        rate_limit: int,
        incremental_limit: int,
        update_limit: int = 100,
        ticket_updates: int = 30,
        ticket_window: float = 600.0,
    ):
        self.enabled = bool(rate_limit)
        self.account = Window(rate_limit)
        self.incremental = Window(incremental_limit or rate_limit)
        self.updates = Window(update_limit)
        self.ticket_updates, self.ticket_window = ticket_updates, ticket_window
        self._recent_updates: dict[tuple[int, int], deque[float]] = {}

    def charge(self, endpoint: str, method: str, args: dict, user_id: int, now: float) -> list[tuple[str, str]]:
        """Count one call and return its rate-limit headers, or raise the 429 that refuses it."""
        if not self.enabled:
            return []
        update = endpoint == "api_ticket" and method == "PUT"
        windows = [self.account]
        windows += [self.incremental] if endpoint == "api_export" else []
        windows += [self.updates] if update else []
        for window in windows:
            window.roll(now)
        full = [w for w in windows if w.used >= w.limit]
        recent = self._recent_updates.setdefault((user_id, args["ticket_id"]), deque()) if update else deque()
        while recent and recent[0] <= now - self.ticket_window:
            recent.popleft()
        ticket_full = len(recent) >= self.ticket_updates
        if not full and not ticket_full:
            for window in windows:
                window.used += 1
            if update:
                recent.append(now)
        headers = self._headers(endpoint, now)
        if full:
            retry_after = max(w.resets(now) for w in full)
            raise ApiError(429, _THROTTLED, [*headers, ("Retry-After", str(retry_after))])
        if ticket_full:
            retry_after = max(1, math.ceil(recent[0] + self.ticket_window - now))
            raise ApiError(429, _TICKET_THROTTLED, [*headers, ("Retry-After", str(retry_after))])
        return headers

    def _headers(self, endpoint: str, now: float) -> list[tuple[str, str]]:
        account = self.account
        remaining = str(account.limit - account.used)
        headers = [("X-Rate-Limit", str(account.limit)), ("X-Rate-Limit-Remaining", remaining)]
        if endpoint in _LIST_ENDPOINTS:
            headers += [
                ("ratelimit-limit", str(account.limit)),
                ("ratelimit-remaining", remaining),
                ("ratelimit-reset", str(account.resets(now))),
            ]
        if endpoint == "api_export":
            inc = self.incremental
            budget = f"total={inc.limit}; remaining={inc.limit - inc.used}; resets={inc.resets(now)}"
            headers.append(("zendesk-ratelimit-incremental-exports", budget))
        return headers
