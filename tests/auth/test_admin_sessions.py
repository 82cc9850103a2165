"""The administrator's page of console sessions: who is signed in, with which roles, and ending sessions."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.db import db
from tests.support.console_session import csrf_of
from tests.support.console_session import session_rows as rows
from tests.support.factories import admitted_case

pytestmark = pytest.mark.requirement("R-CONF-1", "R-IND-1")
PAGE = "/console/admin/sessions"
SIGNED_IN_AT = datetime(2026, 12, 8, 8, 5, tzinfo=UTC)  # 9 h 05 in Paris


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _session_of(app, sub: str) -> int:
    return next(row.id for row in rows(app) if row.sub == sub and row.ended_at is None)


def _post(client, url: str, **data):
    return client.post(url, data={**data, "csrf_token": csrf_of(client.get(PAGE))})


def _sign_in_everyone(client_for) -> dict:
    """Lisa (case handler, twice: two browsers), Marc (billing correspondent) and Paul (IT administrator)."""
    return {"lisa": client_for("gestionnaire"), "lisa2": client_for("gestionnaire"),
            "marc": client_for("facturation"), "paul": client_for("admin-si")}


@pytest.fixture
def signed_in(app, client_for):
    return _sign_in_everyone(client_for)


def test_the_administrator_sees_who_is_signed_in_in_french(app, client_for):
    """Does the page list each active session with the person's name, roles in French and Paris times, and no
    internal code?"""
    with freeze_time(SIGNED_IN_AT):  # the whole test: a cookie signed later than the clock reads is refused
        page = _sign_in_everyone(client_for)["paul"].get(PAGE)
    text = _text(page)
    assert page.status_code == 200
    for expected in ("Lisa Bernard", "Marc Petit", "Paul Moreau", "Gestionnaire de dossiers",
                     "Correspondant (Facturation)", "Administrateur informatique", "8 décembre 2026 à 9 h 05",
                     "8 décembre 2026 à 19 h 05"):  # signed in, and the end of the 10-hour lifetime
        assert expected in text, expected
    assert text.count("Lisa Bernard") >= 2  # her two sessions
    for code in ("case_handler", "correspondent", "billing"):
        assert code not in text.split("<main", 1)[1], code


def test_ending_a_session_kills_its_cookie_and_only_it(app, people, signed_in):
    """Does "Fermer cette session" end that one session (its cookie then opens nothing), leave the person's other
    session and everyone else's alive, and write the audit entry with the reason?"""
    file_page = f"/console/dossiers/{admitted_case(people.gestionnaire).reference}"
    target = _session_of(app, "gestionnaire")
    done = _post(signed_in["paul"], f"{PAGE}/{target}/terminer", reason="Poste laissé ouvert à l'accueil")
    assert done.status_code == 303
    assert "La session de Lisa Bernard est fermée" in _text(signed_in["paul"].get(PAGE))
    refused = signed_in["lisa"].get(file_page)
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/login")
    assert signed_in["lisa2"].get(file_page).status_code == 200
    assert signed_in["marc"].get("/correspondant/").status_code == 200
    ended = {row.id: row.end_reason for row in rows(app) if row.ended_at is not None}
    assert ended == {target: "admin"}
    with app.app_context():
        [entry] = db.session.execute(sa.select(AuditEntry).where(
            AuditEntry.action == "session_ended_by_admin")).scalars().all()
        assert (entry.actor, entry.target) == ("admin-si", f"session:{target}")
        assert entry.detail == {"person": "gestionnaire", "reason": "Poste laissé ouvert à l'accueil"}


def test_ending_every_session_of_a_person(app, signed_in):
    """Does "Fermer toutes ses sessions" end both of Lisa's sessions and no one else's, one audit entry each?"""
    done = _post(signed_in["paul"], f"{PAGE}/terminer-personne", sub="gestionnaire", reason="Départ de l'agent")
    assert done.status_code == 303
    for browser in ("lisa", "lisa2"):
        assert signed_in[browser].get("/console/").status_code == 302
    assert signed_in["marc"].get("/correspondant/").status_code == 200
    assert sorted(row.sub for row in rows(app) if row.end_reason == "admin") == ["gestionnaire", "gestionnaire"]
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "session_ended_by_admin")).scalar() == 2


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Indiquez le motif de la fermeture de la session"),
    ("x" * 501, "Le motif est trop long (500 caractères au plus)."),
])
def test_ending_a_session_needs_a_reason(app, signed_in, reason, message):
    """Without a reason, or with one too long, is the end refused (422, French message) and nothing ended?"""
    target = _session_of(app, "gestionnaire")
    refused = _post(signed_in["paul"], f"{PAGE}/{target}/terminer", reason=reason)
    assert refused.status_code == 422 and message in _text(refused)
    assert all(row.ended_at is None for row in rows(app))
    assert signed_in["lisa"].get("/console/").status_code == 200


def test_a_session_already_ended_cannot_be_ended_again(app, signed_in):
    """Is a second end of the same session a 409 with a French message, and a person without session too?"""
    target = _session_of(app, "gestionnaire")
    assert _post(signed_in["paul"], f"{PAGE}/{target}/terminer", reason="Incident").status_code == 303
    again = _post(signed_in["paul"], f"{PAGE}/{target}/terminer", reason="Incident")
    assert again.status_code == 409 and "Cette session était déjà terminée." in _text(again)
    nobody = _post(signed_in["paul"], f"{PAGE}/terminer-personne", sub="comex", reason="Incident")
    assert nobody.status_code == 409 and "Cette personne n'a aucune session ouverte." in _text(nobody)


@pytest.mark.parametrize("sub", ["mediatrice", "gestionnaire", "facturation", "comex", "agent-sav"])
def test_no_one_but_the_administrator_reaches_the_sessions(app, client_for, signed_in, sub):
    """Does anyone else get 403 on the page and on both ends, ending nothing?"""
    client = client_for(sub)
    target = _session_of(app, "admin-si")
    assert client.get(PAGE).status_code == 403
    token = csrf_of(client.get("/logout"))
    assert client.post(f"{PAGE}/{target}/terminer", data={"reason": "x", "csrf_token": token}).status_code == 403
    assert client.post(f"{PAGE}/terminer-personne",
                       data={"sub": "admin-si", "reason": "x", "csrf_token": token}).status_code == 403
    assert all(row.ended_at is None for row in rows(app))
