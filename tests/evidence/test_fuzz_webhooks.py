"""Webhooks fuzzed with hypothesis: random bodies, headers and signatures never cause a 5xx, and a hint is
stored only for a correctly signed delivery that names a ticket."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.freshdesk.client import SECRET_HEADER
from mediator_plugin.core.db import db
from mediator_plugin.core.operations import WebhookHint

SECRET = "webhook-signing-secret"
HELPDESK = {"url": "http://127.0.0.1:9", "webhook_secret": SECRET}  # never called: a hint is only stored
FUZZ = settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

printable = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=60)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
ticket_ids = st.integers(min_value=-10, max_value=10**50) | st.text(max_size=50) | json_values
payloads = st.one_of(
    json_values,
    st.fixed_dictionaries({}, optional={"ticket_id": ticket_ids, "ticket": json_values | st.fixed_dictionaries(
        {"id": ticket_ids}), "detail": json_values | st.fixed_dictionaries({"id": ticket_ids}),
        "subject": st.text(max_size=30) | ticket_ids.map(lambda t: f"zen:ticket:{t}"),
        "freshdesk_webhook": json_values | st.fixed_dictionaries({"ticket_id": ticket_ids})}))
bodies = st.one_of(payloads.map(lambda p: json.dumps(p).encode()), st.binary(max_size=300),
                   st.sampled_from([b"[" * 5000 + b"]" * 5000, b'{"ticket_id": ' + b"9" * 5000 + b"}"]))


def _zendesk_headers(body: bytes, secret: str, when: datetime) -> dict:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
    return {"X-Zendesk-Webhook-Signature": base64.b64encode(digest).decode(),
            "X-Zendesk-Webhook-Signature-Timestamp": stamp}


@st.composite
def deliveries(draw) -> tuple[str, bytes, dict, bool]:
    """(vendor, body, headers, correctly signed): right, wrong, stale, random or no signature."""
    vendor = draw(st.sampled_from(["zendesk", "freshdesk"]) | st.text(st.characters(codec="ascii",
                                                                                      categories=["L"]), max_size=8))
    body = draw(bodies)
    kind = draw(st.sampled_from(["signed", "wrong secret", "stale", "random headers", "none"]))
    headers: dict = {}
    if kind == "random headers":
        names = st.sampled_from(["X-Zendesk-Webhook-Signature", "X-Zendesk-Webhook-Signature-Timestamp",
                                 SECRET_HEADER, "Content-Type", "X-Other"])
        headers = draw(st.dictionaries(names, printable, max_size=4))
    elif kind != "none":
        secret = SECRET if kind != "wrong secret" else draw(printable.filter(lambda s: s != SECRET))
        when = datetime.now(UTC) - (timedelta(minutes=30) if kind == "stale" else timedelta(0))
        headers = _zendesk_headers(body, secret, when) if vendor == "zendesk" else {SECRET_HEADER: secret}
    return vendor, body, headers, _correctly_signed(vendor, body, headers)


def _correctly_signed(vendor: str, body: bytes, headers: dict) -> bool:
    """The helpdesk's own rule, written again: Zendesk's HMAC over a fresh timestamp, Freshdesk's shared secret
    (hypothesis also tries this module's constants, so "random" headers may well carry the right secret)."""
    if vendor == "freshdesk":
        return headers.get(SECRET_HEADER, "").strip() == SECRET
    stamp = headers.get("X-Zendesk-Webhook-Signature-Timestamp", "").strip()
    try:
        fresh = abs(datetime.now(UTC) - datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))
    except ValueError:
        return False
    expected = _zendesk_headers(body, SECRET, datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))
    return vendor == "zendesk" and fresh < timedelta(minutes=5) and (
        headers.get("X-Zendesk-Webhook-Signature", "").strip() == expected["X-Zendesk-Webhook-Signature"])


def _named_ticket(body: bytes) -> str | None:
    """The ticket id a delivery names, by the documented shapes, as ASCII digits of at most 40 characters."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict):
        return None
    nested = [payload.get(key) for key in ("ticket", "detail", "freshdesk_webhook")]
    candidates = [payload.get("ticket_id"), *(n.get("id" if k != 2 else "ticket_id") if isinstance(n, dict) else None
                                              for k, n in enumerate(nested))]
    subject = payload.get("subject")
    if isinstance(subject, str) and subject.startswith("zen:ticket:"):
        candidates.append(subject.removeprefix("zen:ticket:"))
    for value in candidates:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if isinstance(text, str) and text.isascii() and text.isdecimal() and len(text) <= 40:
            return text
    return None


def _hints() -> set[tuple[str, str]]:
    return {(h.vendor, h.ticket_id) for h in db.session.execute(sa.select(WebhookHint)).scalars()}


def test_random_deliveries_never_fail_and_only_signed_ones_leave_a_hint(make_app):
    """Whatever the body, headers and signature, is the answer below 500, and is a hint stored only when the
    delivery is correctly signed and names a ticket (202), nothing otherwise?"""
    app = make_app(zendesk={**HELPDESK, "email": "m@example.com", "api_token": "t"},
                   freshdesk={**HELPDESK, "api_key": "k"})
    client = app.test_client()

    @FUZZ
    @given(deliveries())
    def deliver(delivery):
        vendor, body, headers, signed = delivery
        with app.app_context():
            before = _hints()
            answer = client.post(f"/webhooks/{vendor}", data=body, headers=headers)
            after = _hints()
        assert answer.status_code < 500, answer.get_data(as_text=True)[:300]
        ticket = _named_ticket(body) if signed else None
        if ticket is not None:
            assert answer.status_code == 202 and (vendor, ticket) in after and after - before <= {(vendor, ticket)}
        else:
            assert answer.status_code in (400, 401, 404, 405, 413), answer.status_code
            assert after == before

    deliver()


@pytest.mark.parametrize("body", [b'{"ticket": "12"}', b'{"detail": [1]}', b'{"ticket_id": ' + b"9" * 5000 + b"}",
                                  b"[" * 5000 + b"]" * 5000, b'{"ticket_id": "\\u00b2"}', b'{"ticket_id": "' +
                                  b"1" * 41 + b'"}', b'{"ticket_id": true}'],
                         ids=["ticket-not-object", "detail-list", "huge-integer", "deep-nesting", "superscript-digit",
                              "id-too-long", "boolean"])
def test_signed_but_odd_bodies_are_refused_with_400(make_app, body):
    """Does a correctly signed body whose ticket id is not usable get a 400 and leave nothing (these were 500s)?"""
    app = make_app(zendesk={**HELPDESK, "email": "m@example.com", "api_token": "t"})
    with app.app_context():
        answer = app.test_client().post("/webhooks/zendesk", data=body,
                                        headers=_zendesk_headers(body, SECRET, datetime.now(UTC)))
        assert answer.status_code == 400 and _hints() == set()
