"""One retrying, paced HTTP layer shared by the helpdesk connectors.

Vendors differ in their JSON, not in how they fail: every call gets a timeout; 429, 5xx, dropped
connections, timeouts and unreadable JSON are retried with exponential backoff and jitter
(``Retry-After`` wins when the server sends it); everything else becomes one of the typed errors of
:mod:`connectors.base`, whose message names the call, the status and the vendor's own words.

Pacing is per rate-limit bucket (helpdesk-apis.md §4.4): each call names its bucket and also spends
the account-wide one; the budgets the response headers announce are spread over their windows.
"""

from __future__ import annotations

import json as jsonlib
import logging
import random
import re
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.utils import parse_header_links

from connectors.base import (
    HelpdeskAuthError,
    HelpdeskConflict,
    HelpdeskError,
    HelpdeskNotFound,
    HelpdeskProtocolError,
    HelpdeskRejected,
    HelpdeskUnavailable,
)
from connectors.pacing import ACCOUNT, RateLimitPacer, header_number

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
_TRANSIENT_EXCEPTIONS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{0,63}")
_TYPED_ERRORS = {401: HelpdeskAuthError, 403: HelpdeskAuthError, 404: HelpdeskNotFound, 409: HelpdeskConflict}


class _SleptClock:
    """Real time plus whatever an injected ``sleep`` claimed but did not really spend: the default
    clock when only ``sleep`` is injected (a test recording its waits), so that paced calls still
    see time pass, and a real custom sleep is not counted twice."""

    def __init__(self, sleep: Callable[[float], None]):
        self._sleep, self._skipped = sleep, 0.0

    def __call__(self) -> float:
        return time.monotonic() + self._skipped

    def sleep(self, seconds: float) -> None:
        started = time.monotonic()
        self._sleep(seconds)
        self._skipped += max(0.0, seconds - (time.monotonic() - started))


class HttpClient:
    """A ``requests`` session bound to one helpdesk account, with timeouts, retries and pacing.

    ``auth`` (a requests auth object or tuple) and ``headers`` are public so that a connector can
    install its credentials on a client built elsewhere. ``sleep`` and ``clock`` are injectable (tests
    share a fake clock with the simulator; with ``sleep`` alone, the time slept counts as passed).
    ``limits`` declares, by bucket, per-minute budgets the vendor documents but announces in no header.
    """

    def __init__(
        self, base_url: str, *, auth=None, headers: Mapping[str, str] | None = None, timeout: float = 10.0,
        max_attempts: int = 5, backoff: float = 0.5, max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep, session: requests.Session | None = None,
        clock: Callable[[], float] | None = None, limits: Mapping[str, float] | None = None,
    ):
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url, self.auth = base_url.rstrip("/"), auth
        self.headers = {"Accept": "application/json", **(headers or {})}
        self.timeout, self.max_attempts, self.backoff, self.max_backoff = timeout, max_attempts, backoff, max_backoff
        if clock is None and sleep is not time.sleep:
            # Sleeps that are not real must still make time pass for the pacer.
            clock = _SleptClock(sleep)
            sleep = clock.sleep
        self.sleep, self.clock = sleep, clock or time.monotonic
        self.session = session or requests.Session()
        self.pacer = RateLimitPacer(self.clock)
        for bucket, per_minute in (limits or {}).items():
            self.pacer.declare(bucket, per_minute)

    def request(
        self, method: str, path_or_url: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
        expect_json: bool = True, no_retry: Collection[int] = (), bucket: str | None = None,
    ) -> tuple[int, Mapping[str, str], Any]:
        """Send one call, paced and retrying transient failures; return ``(status, headers, body)``.

        ``body`` is the parsed JSON (None when ``expect_json`` is false or the body is empty).
        ``no_retry`` lists otherwise retryable statuses the caller handles itself (e.g. a 504 on a
        large export page, answered by asking for a smaller page). ``bucket`` names the rate-limit
        bucket the call spends besides the account's (None: the account's only). Raises a
        :class:`connectors.base.HelpdeskError` subclass.
        """
        url = self._url(path_or_url)
        label = f"{method.upper()} {urlsplit(url).path}"
        attempt, backoff = 0, 0.0
        while True:
            attempt += 1
            pause = self.pacer.reserve(bucket, backoff)  # one wait covers the backoff and the pace
            if pause > backoff:
                level = logging.INFO if pause >= 1 else logging.DEBUG
                log.log(level, "%s: pacing %.2fs for the %s budget", label, pause, bucket or ACCOUNT)
            if pause > 0:
                self.sleep(pause)
            try:
                return self._attempt(method, url, label, params, json, expect_json)
            except HelpdeskError as error:
                if not _transient(error) or error.status in no_retry or attempt == self.max_attempts:
                    raise
                delay = self._retry_delay(attempt, error.retry_after)
                if delay is None:
                    raise
                log.warning("%s; retry %d/%d in %.1fs", error, attempt, self.max_attempts, delay)
                backoff = delay

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
                method, url, params=params, json=json, auth=self.auth, headers=self.headers, timeout=self.timeout
            )
        except _TRANSIENT_EXCEPTIONS as exc:
            raise HelpdeskUnavailable(f"{label}: {type(exc).__name__}: {exc}") from exc
        status = response.status_code
        retry_after = header_number(response.headers.get("Retry-After"))
        self.pacer.observe(response.headers, status=status, retry_after=retry_after)
        log.debug("%s -> %d", label, status)
        if status >= 400 or status < 200:
            raise _status_error(label, response, retry_after)
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


def next_link(headers: Mapping[str, str]) -> str | None:
    """The ``rel="next"`` URL of a ``link`` header (Freshdesk's pagination); absent on the last page."""
    links = parse_header_links(headers.get("link") or "")
    return next((link["url"] for link in links if link.get("rel") == "next"), None)


def _transient(error: HelpdeskError) -> bool:
    """Worth another attempt: no answer, a retryable status, or a success whose body was unreadable."""
    if error.status is None:
        return isinstance(error, HelpdeskUnavailable)
    return error.status in RETRYABLE_STATUSES or (isinstance(error, HelpdeskProtocolError) and error.status < 300)


def _status_error(label: str, response: requests.Response, retry_after: float | None) -> HelpdeskError:
    status = response.status_code
    message = f"{label} returned HTTP {status}: {_excerpt(response)}"
    body = response.content.decode("utf-8", errors="replace")
    if status in RETRYABLE_STATUSES:
        return HelpdeskUnavailable(message, status=status, retry_after=retry_after, body=body)
    kind = _TYPED_ERRORS.get(status) or (HelpdeskRejected if 400 <= status < 500 else HelpdeskProtocolError)
    return kind(message, status=status, body=body)


def _excerpt(response: requests.Response) -> str:
    """What an error message may say of a body: its size, its type and the vendor's error codes — never its
    text, which may quote a ticket's conversation or a token and reaches the logs and the operations page."""
    size = len(response.content)
    media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip() or "no content type"
    codes = _error_codes(response.content)
    return f"{size} bytes of {media_type}" + (f", error codes: {', '.join(codes)}" if codes else "")


def _error_codes(content: bytes) -> list[str]:
    """The identifiers a JSON error body names under "error", "code" or "field" (Zendesk's RecordInvalid,
    Freshdesk's invalid_value and the field it concerns), at most eight, nothing that is not an identifier."""
    try:
        pending = [jsonlib.loads(content)]
    except ValueError:
        return []
    codes: list[str] = []
    while pending and len(codes) < 8:
        item = pending.pop(0)
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("error", "code", "field") and isinstance(value, str) and _IDENTIFIER.fullmatch(value):
                    if value not in codes:
                        codes.append(value)
                elif isinstance(value, dict | list):
                    pending.append(value)
        elif isinstance(item, list):
            pending.extend(item[:20])
    return codes[:8]
