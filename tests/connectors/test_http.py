"""The shared HTTP layer against a scripted werkzeug server on loopback: retries, typed errors, pacing.

The scripted clients pace and sleep on a :class:`FakeClock`, so every wait is exact and instant.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from connectors.base import (
    HelpdeskAuthError,
    HelpdeskConflict,
    HelpdeskNotFound,
    HelpdeskProtocolError,
    HelpdeskRejected,
    HelpdeskUnavailable,
)
from connectors.http import HttpClient
from tests.connectors.conftest import FakeClock

EXPORTS = "incremental-exports"


class Script:
    """A loopback server answering each request with the next scripted (status, body, headers)."""

    def __init__(self):
        self.answers: list[tuple] = []
        self.received: list[Request] = []
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"

    def _app(self, environ, start_response):
        request = Request(environ)
        request.get_data()
        self.received.append(request)
        status, body, headers, *delay = self.answers.pop(0) if self.answers else (200, "{}", {})
        if delay:
            time.sleep(delay[0])
        response = Response(
            body, status, headers, content_type=headers.get("Content-Type", "application/json")
        )
        return response(environ, start_response)

    def client(self, **options) -> tuple[HttpClient, list[float]]:
        clock = FakeClock()
        return HttpClient(self.base_url, sleep=clock.sleep, clock=clock, **options), clock.sleeps


@pytest.fixture
def script():
    scripted = Script()
    thread = threading.Thread(
        target=scripted.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield scripted
    scripted.server.shutdown()
    thread.join()
    scripted.server.server_close()


def test_retry_after_is_honoured(script):
    """Does a 429 with Retry-After wait at least that long (plus bounded jitter) and then succeed?"""
    script.answers = [
        (429, "You have exceeded the rate limit", {"Retry-After": "7", "Content-Type": "text/plain"}),
        (200, '{"ok": true}', {}),
    ]
    client, waits = script.client(backoff=0.5)
    status, _, body = client.request("GET", "/api/v2/tickets/1.json")
    assert (status, body) == (200, {"ok": True})
    assert len(script.received) == 2
    assert len(waits) == 1
    assert 7 <= waits[0] <= 7.5


def test_server_errors_are_retried_with_growing_backoff(script):
    """Are 500, 502, 503 and 504 retried with exponential backoff until the call succeeds?"""
    script.answers = [
        (500, "{}", {}),
        (502, "<html>Bad Gateway</html>", {}),
        (503, "{}", {}),
        (504, "", {}),
        (200, '{"tickets": []}', {}),
    ]
    client, waits = script.client(backoff=1.0, max_backoff=30.0)
    status, _, body = client.request("GET", "/api/v2/incremental/tickets/cursor.json")
    assert (status, body) == (200, {"tickets": []})
    assert len(script.received) == 5
    for attempt, wait in enumerate(waits, start=1):
        assert 0.5 * 2 ** (attempt - 1) <= wait <= 2 ** (attempt - 1)


def test_malformed_json_is_retried(script):
    """Is a 200 whose body is truncated JSON retried, and the next good body returned?"""
    script.answers = [(200, '{"ticket": {"id": 1, "sub', {}), (200, '{"ticket": {"id": 1}}', {})]
    client, _ = script.client()
    assert client.request("GET", "/api/v2/tickets/1.json")[2] == {"ticket": {"id": 1}}
    assert len(script.received) == 2


def test_persistent_bad_json_becomes_a_protocol_error(script):
    """After max_attempts unreadable bodies, is the failure a HelpdeskProtocolError naming the call?"""
    script.answers = [(200, '{"ticket": ', {})] * 3
    client, _ = script.client(max_attempts=3)
    with pytest.raises(
        HelpdeskProtocolError, match=r"GET /api/v2/tickets/1\.json .*HTTP 200.*unreadable JSON"
    ):
        client.request("GET", "/api/v2/tickets/1.json")
    assert len(script.received) == 3


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, HelpdeskRejected),
        (401, HelpdeskAuthError),
        (403, HelpdeskAuthError),
        (404, HelpdeskNotFound),
        (405, HelpdeskRejected),
        (409, HelpdeskConflict),
        (413, HelpdeskRejected),
        (422, HelpdeskRejected),
    ],
)
def test_client_errors_are_typed_and_not_retried(script, status, error):
    """Is each 4xx mapped to its typed error after one attempt, with method, path, status and the body's size and
    type, not its text?"""
    script.answers = [(status, "Vendor says no: RecordInvalid", {"Content-Type": "text/plain"})]
    client, waits = script.client()
    with pytest.raises(error) as raised:
        client.request("PUT", "/api/v2/tickets/9.json", json={"ticket": {}})
    assert len(script.received) == 1
    assert waits == []
    assert raised.value.status == status
    assert f"PUT /api/v2/tickets/9.json returned HTTP {status}: 29 bytes of text/plain" in str(raised.value)
    assert "Vendor says no" not in str(raised.value)  # the body's words never reach the logs (issue 15)


def test_exhausted_retries_raise_unavailable_with_retry_after(script):
    """When every attempt gets a 503, is HelpdeskUnavailable raised after max_attempts, with Retry-After?"""
    script.answers = [(503, '{"error": "DatabaseDeadlock"}', {"Retry-After": "2"})] * 4
    client, waits = script.client(max_attempts=4)
    with pytest.raises(HelpdeskUnavailable, match="DatabaseDeadlock") as raised:
        client.request("GET", "/x")
    assert raised.value.retry_after == 2
    assert len(script.received) == 4
    assert len(waits) == 3


def test_long_retry_after_is_handed_to_the_caller(script):
    """Does a Retry-After longer than max_backoff raise at once instead of blocking the thread?"""
    script.answers = [(429, "slow down", {"Retry-After": "3600"})]
    client, waits = script.client(max_backoff=30)
    with pytest.raises(HelpdeskUnavailable) as raised:
        client.request("GET", "/x")
    assert raised.value.retry_after == 3600
    assert waits == []
    assert len(script.received) == 1


def test_no_retry_lets_the_caller_handle_a_status(script):
    """With no_retry={504}, is a 504 raised after one attempt so that the caller can shrink its page?"""
    script.answers = [(504, "upstream request timeout", {"Content-Type": "text/plain"})]
    client, _ = script.client()
    with pytest.raises(HelpdeskUnavailable) as raised:
        client.request("GET", "/export", no_retry={504})
    assert raised.value.status == 504
    assert len(script.received) == 1


def test_timeouts_and_refused_connections_are_retried():
    """Are a timeout and a refused connection retried and finally reported as HelpdeskUnavailable?"""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits: list[float] = []
    client = HttpClient(f"http://127.0.0.1:{port}", sleep=waits.append, max_attempts=3)
    with pytest.raises(HelpdeskUnavailable, match="ConnectionError"):
        client.request("GET", "/x")
    assert len(waits) == 2


def test_a_slow_answer_times_out_and_is_retried(script):
    """Does every call carry a timeout, so that a slow answer is abandoned and retried?"""
    script.answers = [(200, "{}", {}, 0.5), (200, '{"fast": 1}', {})]
    client, waits = script.client(timeout=0.1)
    assert client.request("GET", "/x")[2] == {"fast": 1}
    assert len(script.received) == 2
    assert len(waits) == 1


def test_exhausted_budget_pauses_until_reset(script):
    """When a response says no budget remains, does the next call first sleep until the reset (+1 s)?"""
    script.answers = [(200, "{}", {"X-Rate-Limit-Remaining": "0", "ratelimit-reset": "12"}), (200, "{}", {})]
    client, waits = script.client()
    client.request("GET", "/a")
    client.request("GET", "/b")
    assert waits == [13]


def test_exhausted_export_bucket_does_not_delay_other_calls(script):
    """Does an exhausted incremental bucket delay the next export only, not a comments call?"""
    exhausted = {
        "X-Rate-Limit-Remaining": "600",
        "zendesk-ratelimit-incremental-exports": "total=10; remaining=0; resets=30",
    }
    script.answers = [(200, "{}", exhausted), (200, "{}", {}), (200, "{}", {})]
    client, waits = script.client()
    client.request("GET", "/export", bucket=EXPORTS)
    client.request("GET", "/tickets/1/comments.json")
    assert waits == []
    client.request("GET", "/export", bucket=EXPORTS)
    assert waits == [31]


def test_exhausted_account_bucket_delays_every_call(script):
    """Does an exhausted account bucket delay an export call too, until the later of both resets?"""
    script.answers = [(200, "{}", {"X-Rate-Limit-Remaining": "0", "ratelimit-reset": "20"}), (200, "{}", {})]
    client, waits = script.client()
    client.request("GET", "/tickets/1/comments.json")
    client.request("GET", "/export", bucket=EXPORTS)
    assert waits == [21]


def test_calls_go_while_budget_is_left_then_wait_for_the_reset(script):
    """With remaining and reset announced, do calls go at once until the count is spent, then wait the reset?"""
    script.answers = [
        (200, "{}", {"X-Rate-Limit-Remaining": "9", "ratelimit-reset": "50"}),
        (200, "{}", {"X-Rate-Limit-Remaining": "8", "ratelimit-reset": "45"}),
        (200, "{}", {"X-Rate-Limit-Remaining": "0", "ratelimit-reset": "40"}),
        (200, "{}", {}),
    ]
    client, waits = script.client()
    for _ in range(4):
        client.request("GET", "/x")
    assert waits == [41]  # 40 s to the reset, plus one for its whole-second rounding


def test_a_total_alone_is_paced_by_our_own_record(script):
    """With only a per-minute total (Freshdesk), are extra credits counted and no minute overspent?"""
    def answer(remaining):
        return (200, "{}", {"X-RateLimit-Total": "6", "X-RateLimit-Remaining": str(remaining),
                            "X-RateLimit-Used-CurrentRequest": "2"})

    script.answers = [answer(4), answer(2), answer(0), (200, "{}", {})]
    client, waits = script.client()
    for _ in range(4):
        client.request("GET", "/api/v2/tickets", params={"include": "requester"})
    # Three calls of 2 credits spend the 6 of the minute at once: the 4th waits for the window (t=60.25).
    assert waits == [pytest.approx(60.25)]


def test_declared_limits_pace_their_bucket_only(script):
    """Does a declared 2/min bucket hold its own third call for the window, and leave account calls alone?"""
    client, waits = script.client(limits={"update-ticket": 2})
    client.request("PUT", "/tickets/1.json", json={}, bucket="update-ticket")
    client.request("PUT", "/tickets/2.json", json={}, bucket="update-ticket")
    client.request("GET", "/tickets/1.json")
    assert waits == []
    client.request("PUT", "/tickets/3.json", json={}, bucket="update-ticket")
    assert waits == [pytest.approx(60.25)]


def test_a_429_blocks_the_exhausted_bucket_for_retry_after(script):
    """After a 429 whose headers show the account spent, does the retry wait Retry-After, once?"""
    script.answers = [(429, "{}", {"X-Rate-Limit-Remaining": "0", "Retry-After": "9"}), (200, "{}", {}),
                      (200, "{}", {})]
    client, waits = script.client(backoff=0.5)
    client.request("GET", "/x")
    client.request("GET", "/y")
    assert len(waits) == 1
    assert 9 <= waits[0] <= 9.5


def test_injected_sleep_alone_still_lets_pacing_time_pass(script):
    """With only ``sleep`` injected (no clock), do the recorded sleeps count as time passed for pacing?"""
    waits: list[float] = []
    client = HttpClient(script.base_url, sleep=waits.append, limits={"b": 2})
    for _ in range(4):
        client.request("GET", "/x", bucket="b")
    # The third call waits out the minute; that wait counts as time passed, so the fourth goes at once.
    assert len(waits) == 1
    assert 59.5 <= waits[0] <= 60.5


def test_credentials_are_sent_but_never_logged(script, caplog):
    """Is the Authorization header sent on every attempt yet absent from the logs, even on retries?"""
    script.answers = [(500, "{}", {}), (401, '{"error": "Couldn\'t authenticate you"}', {})]
    client, _ = script.client(auth=("agent@example.com/token", "s3cret-token"))
    with caplog.at_level(logging.DEBUG), pytest.raises(HelpdeskAuthError):
        client.request("GET", "/api/v2/users/me.json")
    assert all(r.headers["Authorization"].startswith("Basic ") for r in script.received)
    assert "s3cret" not in caplog.text
    assert "Basic" not in caplog.text
    assert "Authorization" not in caplog.text
    assert "retry 1/5" in caplog.text


def test_urls_elsewhere_are_refused(script):
    """Is an absolute URL on another host refused, so that credentials never leave the helpdesk?"""
    client, _ = script.client(auth=("a/token", "t"))
    with pytest.raises(HelpdeskProtocolError, match="refusing"):
        client.request("GET", "http://attacker.example/steal")
    assert client.request("GET", f"{script.base_url}/next?page=2")[0] == 200
    assert script.received[-1].full_path == "/next?page=2"


def test_tokens_in_quoted_bodies_are_masked(script, caplog):
    """Is a token in a body quoted by an error (a truncated token answer) masked in the error and the logs?"""
    truncated = '{"access_token": "tok-5ecret", "token_type": "bearer", "refresh_token": "ref-5ecr'
    script.answers = [(200, truncated, {})] * 2
    client, _ = script.client(max_attempts=2)
    with caplog.at_level(logging.DEBUG), pytest.raises(HelpdeskProtocolError) as raised:
        client.request("POST", "/oauth/tokens", json={"grant_type": "client_credentials"})
    assert "bytes of" in str(raised.value) and "5ecr" not in str(raised.value)
    assert "5ecr" not in caplog.text


def test_an_error_names_the_vendors_codes_and_never_the_body_text(script, caplog):
    """Does an error body quoting a customer's words (Freshdesk's validation errors, Zendesk's RecordInvalid
    details) give only its size, type and error codes — "invalid_value", the field — in the error and the logs,
    never the words, which the administrator's operations page would otherwise show?"""
    body = ('{"description": "Validation failed", "errors": [{"field": "page", "code": "invalid_value", '
            '"message": "Jeanne Dupont: ma facture de 59,90 euros"}], "error": "RecordInvalid", '
            '"details": {"base": [{"error": "BlankValue", "description": "Mme Dupont, 12 rue des Lilas"}]}}')
    script.answers = [(422, body, {"Content-Type": "application/json; charset=utf-8"})]
    client, _ = script.client()
    with caplog.at_level(logging.DEBUG), pytest.raises(HelpdeskRejected) as raised:
        client.request("GET", "/api/v2/tickets?page=0")
    message = str(raised.value)
    assert f"{len(body.encode())} bytes of application/json" in message
    assert "error codes: RecordInvalid, page, invalid_value, BlankValue" in message
    for words in ("Dupont", "facture", "Lilas", "Validation failed"):
        assert words not in message and words not in caplog.text
