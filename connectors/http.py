"""One retrying, paced HTTP layer shared by the helpdesk connectors.

Vendors differ in their JSON, not in how they fail: every call gets a timeout; 429, 5xx, dropped
connections and unreadable JSON are retried with exponential backoff and jitter (``Retry-After``
wins when the server sends it); everything else becomes one of the typed errors of
:mod:`connectors.base`, whose message names the call, the status and the vendor's own words.
"""

from __future__ import annotations

import json as jsonlib
import logging
import random
import re
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from connectors.base import (
    HelpdeskAuthError,
    HelpdeskConflict,
    HelpdeskError,
    HelpdeskNotFound,
    HelpdeskProtocolError,
    HelpdeskRejected,
    HelpdeskUnavailable,
)

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
_TRANSIENT_EXCEPTIONS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
_BUCKET_HEADER = re.compile(r"^zendesk-ratelimit-(?P<bucket>[\w-]+)$", re.IGNORECASE)
_BODY_EXCERPT = 300
# Reset headers count whole seconds: wait one more so as not to arrive a fraction too early.
_RESET_MARGIN = 1.0


class RateLimitPacer:
    """Remembers exhausted rate-limit buckets and tells how long to wait before the next call.

    Buckets are keyed by name ("account", "incremental-exports"…) so that a later, finer pacer can
    route each call to its own bucket; for now any exhausted bucket pauses every call. A bucket
    that announces no reset time is left to the server's 429 and its Retry-After.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._resume_at: dict[str, float] = {}

    def observe(self, headers: Mapping[str, str]) -> None:
        """Record what a response says about the remaining budget of each bucket."""
        for bucket, remaining, reset in _read_buckets(headers):
            if remaining <= 0 and reset is not None:
                self._resume_at[bucket] = self._clock() + reset + _RESET_MARGIN
            else:
                self._resume_at.pop(bucket, None)

    def take_delay(self) -> float:
        """Seconds to wait before the next call; the waited-out buckets are then forgotten."""
        now = self._clock()
        delay = max((at - now for at in self._resume_at.values()), default=0.0)
        self._resume_at.clear()
        return max(delay, 0.0)


def _read_buckets(headers: Mapping[str, str]) -> Iterator[tuple[str, float, float | None]]:
    """(bucket, remaining, seconds to reset) for each budget the headers describe."""
    lowered = {name.lower(): value for name, value in headers.items()}
    reset = _number(lowered.get("ratelimit-reset"))
    for name in ("x-rate-limit-remaining", "x-ratelimit-remaining", "ratelimit-remaining"):
        remaining = _number(lowered.get(name))
        if remaining is not None:
            yield "account", remaining, reset
            break
    for name, value in lowered.items():
        match = _BUCKET_HEADER.match(name)
        if match:
            fields = dict(part.strip().partition("=")[::2] for part in value.split(";"))
            remaining = _number(fields.get("remaining"))
            if remaining is not None:
                yield match["bucket"], remaining, _number(fields.get("resets"))


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class HttpClient:
    """A ``requests`` session bound to one helpdesk account, with timeouts, retries and pacing.

    ``auth`` (a requests auth object or tuple) and ``headers`` are public so that a connector can
    install its credentials on a client built elsewhere (tests inject one with a recording ``sleep``).
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth=None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 10.0,
        max_attempts: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ):
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.headers = {"Accept": "application/json", **(headers or {})}
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep
        self.session = session or requests.Session()
        self.pacer = RateLimitPacer()

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        expect_json: bool = True,
        no_retry: Collection[int] = (),
    ) -> tuple[int, Mapping[str, str], Any]:
        """Send one call, retrying transient failures; return ``(status, headers, body)``.

        ``body`` is the parsed JSON (None when ``expect_json`` is false or the body is empty).
        ``no_retry`` lists otherwise retryable statuses the caller handles itself (e.g. a 504 on a
        large export page, answered by asking for a smaller page). Raises a
        :class:`connectors.base.HelpdeskError` subclass.
        """
        url = self._url(path_or_url)
        label = f"{method.upper()} {urlsplit(url).path}"
        attempt = 0
        while True:
            attempt += 1
            pause = self.pacer.take_delay()
            if pause:
                log.info("%s: rate-limit budget exhausted, pausing %.1fs", label, pause)
                self.sleep(pause)
            try:
                return self._attempt(method, url, label, params, json, expect_json)
            except HelpdeskError as error:
                if not _transient(error) or error.status in no_retry or attempt == self.max_attempts:
                    raise
                delay = self._retry_delay(attempt, error.retry_after)
                if delay is None:
                    raise
                delay = max(delay, self.pacer.take_delay())  # one wait covers both
                log.warning("%s; retry %d/%d in %.1fs", error, attempt, self.max_attempts, delay)
                self.sleep(delay)

    def _url(self, path_or_url: str) -> str:
        if "://" not in path_or_url:
            return f"{self.base_url}/{path_or_url.lstrip('/')}"
        # Vendor-provided URLs (after_url, links.next) must stay on our host: they carry our credentials.
        if urlsplit(path_or_url)[:2] != urlsplit(self.base_url)[:2]:
            raise HelpdeskProtocolError(f"refusing to follow {path_or_url!r}: not on {self.base_url}")
        return path_or_url

    def _attempt(self, method, url, label, params, json, expect_json):
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                json=json,
                auth=self.auth,
                headers=self.headers,
                timeout=self.timeout,
            )
        except _TRANSIENT_EXCEPTIONS as exc:
            raise HelpdeskUnavailable(f"{label}: {type(exc).__name__}: {exc}") from exc
        self.pacer.observe(response.headers)
        status = response.status_code
        log.debug("%s -> %d", label, status)
        if status >= 400 or status < 200:
            raise _status_error(label, response)
        if not expect_json or not response.content:
            return status, response.headers, None
        try:
            return status, response.headers, jsonlib.loads(response.content)
        except ValueError as exc:
            raise HelpdeskProtocolError(
                f"{label} returned HTTP {status} with unreadable JSON ({len(response.content)} bytes): "
                f"{_excerpt(response)}",
                status=status,
            ) from exc

    def _retry_delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Backoff before the next attempt, or None when the server asks for more than we may block."""
        if retry_after is not None:
            if retry_after > self.max_backoff:
                return None
            return retry_after + random.uniform(0, self.backoff)
        return min(self.max_backoff, self.backoff * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)


def _transient(error: HelpdeskError) -> bool:
    """Worth another attempt: no answer, a retryable status, or a success whose body was unreadable."""
    if error.status is None:
        return isinstance(error, HelpdeskUnavailable)
    return error.status in RETRYABLE_STATUSES or (
        isinstance(error, HelpdeskProtocolError) and error.status < 300
    )


def _status_error(label: str, response: requests.Response) -> HelpdeskError:
    status = response.status_code
    message = f"{label} returned HTTP {status}: {_excerpt(response)}"
    if status in (401, 403):
        return HelpdeskAuthError(message, status=status)
    if status == 404:
        return HelpdeskNotFound(message, status=status)
    if status == 409:
        return HelpdeskConflict(message, status=status)
    if status in RETRYABLE_STATUSES:
        return HelpdeskUnavailable(
            message, status=status, retry_after=_number(response.headers.get("Retry-After"))
        )
    if 400 <= status < 500:
        return HelpdeskRejected(message, status=status)
    return HelpdeskProtocolError(message, status=status)


def _excerpt(response: requests.Response) -> str:
    text = response.content.decode("utf-8", errors="replace").strip()
    return (text[:_BODY_EXCERPT] + "…") if len(text) > _BODY_EXCERPT else (text or "(empty body)")
