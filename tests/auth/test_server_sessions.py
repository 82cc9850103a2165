"""Server-side console sessions (issue 15, finding 3): a signed-out or expired session is dead, and so is every
copy of its cookie; sign-out is a POST; a new sign-in after the lifetime reads the groups again."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db, utcnow
from tests.support.console_session import session_rows as rows
from tests.support.console_session import sign_out
from tests.support.factories import admitted_case

pytestmark = pytest.mark.requirement("R-CONF-1")


def _copy_of(app, client):
    """Another client holding a copy of ``client``'s session cookie (as someone who took it would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].endswith("/login")


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.execute(sa.select(AuditEntry).where(AuditEntry.action == action)).scalars().all()
        db.session.expunge_all()
        return entries


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(app, people, client_for):
    """After the sign-out (POST), does a copy of the cookie taken before it get the sign-in page on a file page
    and 401 from the API, and is the end recorded (row and audit) with the ID token erased?"""
    file_page = f"/console/dossiers/{admitted_case(people.gestionnaire).reference}"
    lisa = client_for("gestionnaire")
    copy = _copy_of(app, lisa)
    assert copy.get(file_page).status_code == 200  # the copy works while the session lives
    signed_out = sign_out(lisa)
    assert signed_out.status_code in (302, 303)
    assert _sent_to_sign_in(lisa.get(file_page))
    assert _sent_to_sign_in(copy.get(file_page))
    assert copy.get("/api/v1/files").status_code == 401
    [row] = rows(app)
    assert (row.end_reason, row.id_token) == ("signed_out", "") and row.ended_at is not None
    [entry] = _audit(app, "logout")
    assert (entry.actor, entry.target) == ("gestionnaire", f"session:{row.id}")
    [login] = _audit(app, "login")
    assert login.target == f"session:{row.id}"


def test_sign_out_by_get_does_not_sign_out(app, people, client_for):
    """Does GET /logout only show the page with the sign-out button, and a POST without its CSRF token end
    nothing, the session still opening the file?"""
    file_page = f"/console/dossiers/{admitted_case(people.gestionnaire).reference}"
    lisa = client_for("gestionnaire")
    page = lisa.get("/logout")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'method="post"' in html and "Se déconnecter" in html
    assert lisa.post("/logout").status_code == 400  # CSRF-protected like every console form
    assert lisa.get(file_page).status_code == 200
    assert rows(app)[0].ended_at is None and not _audit(app, "logout")


def test_an_idle_session_is_dead_for_every_copy(make_app, login):
    """Is a session left idle beyond the limit ended for the copy of its cookie too (not only for its browser)?"""
    app = make_app(session_idle_minutes=30)
    client = app.test_client()
    start = utcnow()
    with freeze_time(start):
        login(client, "gestionnaire")
        copy = _copy_of(app, client)
    with freeze_time(start + timedelta(minutes=31)):
        assert _sent_to_sign_in(copy.get("/console/dossiers"))
        assert _sent_to_sign_in(client.get("/console/dossiers"))
    assert rows(app)[0].end_reason == "idle"
    [entry] = _audit(app, "session_expired")
    assert entry.detail == {"person": "gestionnaire", "reason": "idle"}


def test_after_its_lifetime_a_session_ends_and_the_next_sign_in_reads_the_groups_again(make_app, login, oidc_issuer):
    """However active, does a session end at its absolute lifetime (10 hours by default), and does the new
    sign-in take the groups the provider holds then, a role removed there being gone?"""
    sub = f"lifetime-{secrets.token_hex(4)}"  # a person of this test only, on the shared provider
    person = {"name": "Léa Test", "email": f"{sub}@example.com"}
    assert requests.put(f"{oidc_issuer}/users/{sub}", json={**person, "groups": ["mediation-handlers"]},
                        timeout=10).status_code == 204
    app = make_app(session_idle_minutes=24 * 60)  # never idle here: only the lifetime ends it
    client = app.test_client()
    start = utcnow()
    with freeze_time(start):
        login(client, sub)
        assert client.get("/console/dossiers").status_code == 200
    assert requests.put(f"{oidc_issuer}/users/{sub}", json={**person, "groups": []}, timeout=10).status_code == 204
    with freeze_time(start + timedelta(hours=9, minutes=59)):
        assert client.get("/console/dossiers").status_code == 200  # the roles of the sign-in, until its end
    with freeze_time(start + timedelta(hours=10)):
        assert _sent_to_sign_in(client.get("/console/dossiers"))
    assert (rows(app)[0].end_reason, rows(app)[0].roles) == ("expired", ["case_handler"])
    with freeze_time(start + timedelta(hours=10, minutes=1)):
        login(client, sub)
        assert client.get("/console/dossiers").status_code == 403  # the role removed at the provider is gone
    assert rows(app)[1].roles == [] and rows(app)[1].ended_at is None


def test_a_new_sign_in_ends_the_session_the_browser_held(make_app, login):
    """When the same browser signs in again, is the session it held before ended (its copies with it)?"""
    app = make_app()
    client = app.test_client()
    login(client, "mediatrice")
    copy = _copy_of(app, client)
    login(client, "mediatrice")
    assert _sent_to_sign_in(copy.get("/console/dossiers"))
    assert client.get("/console/dossiers").status_code == 200
    assert [row.end_reason for row in rows(app)] == ["replaced", None]


def test_the_jobs_end_the_sessions_that_ran_out_unseen_and_forget_old_ones(make_app, login):
    """Does ``mediator jobs`` end (and audit) a session idle without any request, then one past its lifetime, and
    delete the rows of sessions ended more than 30 days before?"""
    from mediator_plugin.core.jobs import run_jobs

    app = make_app(session_idle_minutes=30)
    start = utcnow()
    with freeze_time(start):
        login(app.test_client(), "gestionnaire")
    with freeze_time(start + timedelta(minutes=20)):
        marc = app.test_client()
        login(marc, "facturation")
    with freeze_time(start + timedelta(minutes=31)), app.app_context():
        assert run_jobs()["sessions"] == {"expired": 1, "deleted": 0}
    assert [(row.sub, row.end_reason) for row in rows(app)] == [("gestionnaire", "idle"), ("facturation", None)]
    with freeze_time(start + timedelta(days=31)), app.app_context():
        assert run_jobs()["sessions"] == {"expired": 1, "deleted": 1}
    assert [(row.sub, row.end_reason) for row in rows(app)] == [("facturation", "expired")]
    assert sorted(entry.detail["reason"] for entry in _audit(app, "session_expired")) == ["expired", "idle"]
