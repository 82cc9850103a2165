"""The public filing and tracking forms fuzzed with hypothesis: random fields and hostile attachments (names,
content types, sizes) never cause a 5xx, and a refused request leaves no row and no stored file."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediator_plugin import state
from mediator_plugin.cases.models import Case, Document
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db
from mediator_plugin.core.outbox import OutboxMessage
from mediator_plugin.intake.models import IntakeItem, OnlineFiling
from tests.public.conftest import FORM, PDF, csrf_token, post_filing
from tests.support.clock import paris_today

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TABLES = (IntakeItem, OnlineFiling, OutboxMessage, AuditEntry, Case, Document)
UPLOAD_MAX = 4096

hostile_text = st.text(max_size=300) | st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\u202e", "<script>alert(1)</script>", "' OR 1=1 --", "x" * 12_000, "é" * 600])
dates = st.dates(min_value=date(1900, 1, 1), max_value=paris_today() + timedelta(days=30)).map(date.isoformat) | \
    st.text(max_size=12)
filenames = st.text(max_size=80) | st.sampled_from(
    ["../../etc/passwd", "..\\..\\boot.ini", "a\x00.pdf", "facture.pdf", "", ".", "\u202efdp.exe", "x" * 400])
contents = st.sampled_from([PDF, b"", b"MZ\x90\x00" + b"\x00" * 60, b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
                            b"\xff\xd8\xff" + b"\x00" * 20, PDF + b"0" * UPLOAD_MAX]) | st.binary(max_size=600)
content_types = st.sampled_from(["application/pdf", "text/plain", "application/x-msdownload", "", "image/png"]) | \
    st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=30)
# Mostly few or acceptable attachments, so that many filings get through with their hostile fields.
attachments = st.just([]) | st.lists(st.tuples(filenames, st.just(PDF), content_types), max_size=2) | \
    st.lists(st.tuples(filenames, contents, content_types), max_size=7)


@st.composite
def filings(draw) -> dict:
    """A valid filing with up to three fields replaced by hostile values, sometimes one field left out."""
    fields = {**FORM, "first_complaint_on": (paris_today() - timedelta(days=40)).isoformat()}
    names = [*fields, "website", "ticket_number"]
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
        fields[name] = draw(dates if name == "first_complaint_on" else hostile_text)
    if draw(st.integers(0, 4)) == 0:
        fields.pop(draw(st.sampled_from(sorted(fields))))
    return fields


def _counts() -> tuple:
    rows = tuple(db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in TABLES)
    storage = state().storage_dir
    files = frozenset(p.name for p in storage.rglob("*") if p.is_file()) if storage.exists() else frozenset()
    return rows, files


def test_random_filings_never_fail_and_refused_ones_store_nothing(make_app):
    """Whatever the fields and attachments, is the answer below 500; a refusal (4xx) stores no row and no file,
    and an accepted filing (303) stores exactly one request?"""
    app = make_app(filing_rate_limit="100000 per hour", upload_max_bytes=UPLOAD_MAX)
    client = app.test_client()
    with app.app_context():
        token = csrf_token(client)

    @FUZZ
    @given(filings(), attachments)
    def post(fields, files):
        data = {**fields, "csrf_token": token,
                "attachments": [(BytesIO(content), name, kind) for name, content, kind in files]}
        with app.app_context():
            before = _counts()
            answer = client.post("/saisir", data=data, content_type="multipart/form-data")
            after = _counts()
            db.session.remove()
        assert answer.status_code < 500, answer.get_data(as_text=True)[:500]
        if answer.status_code == 303:
            added = [a - b for a, b in zip(after[0], before[0], strict=True)]
            assert added[:2] == [1, 1] and added[4:] == [0, 0], added
            client.get(answer.headers["Location"])  # read the acknowledgement, as the consumer does
        else:
            assert answer.status_code in (400, 413, 422), answer.status_code
            assert after == before

    post()


def test_random_tracking_requests_never_fail(make_app):
    """Whatever reference and code are typed, is the answer a 404 or 422 page, never a 5xx?"""
    app = make_app(tracking_rate_limit="100000 per hour")
    client = app.test_client()
    with app.app_context():
        token = csrf_token(client, "/suivi")

    @FUZZ
    @given(st.dictionaries(st.sampled_from(["reference", "code", "other"]), hostile_text, max_size=3))
    def track(fields):
        answer = client.post("/suivi", data={**fields, "csrf_token": token})
        assert answer.status_code in (404, 422), (answer.status_code, answer.get_data(as_text=True)[:300])

    track()


def test_control_characters_are_dropped_not_a_server_error(app):
    """Does a filing whose text holds NUL and other control characters get through without them (on PostgreSQL
    that was a 500: text columns refuse NUL)?"""
    client = app.test_client()
    answer = post_filing(client, name="Jeanne\x00 Dupont", what_happened="Deux pr\x00élèvements\x07\n\tde mars.")
    assert answer.status_code == 303
    item = db.session.execute(sa.select(IntakeItem)).scalar_one()
    assert item.requester_name == "Jeanne Dupont" and item.snapshot["what_happened"] == "Deux prélèvements\n\tde mars."
