"""Signing out of the console and reading its sessions, as the tests of issue 15 (finding 3) need."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import g, has_app_context

from mediator_plugin.core.db import db
from mediator_plugin.core.sessions import ConsoleSession

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(response) -> str:
    """The CSRF token of the page ``response`` holds."""
    return CSRF.search(response.get_data(as_text=True)).group(1)


def sign_out(client):
    """Press "Se déconnecter": the sign-out page's form, posted with its CSRF token."""
    if has_app_context():  # a test's app context is shared by its clients: the token of another person's page
        g.pop("csrf_token", None)  # may be cached there (see client_for in tests/conftest.py)
    return client.post("/logout", data={"csrf_token": csrf_of(client.get("/logout"))})


def session_rows(app) -> list[ConsoleSession]:
    """Every console session stored, oldest first (detached: readable after the app context)."""
    with app.app_context():
        rows = db.session.execute(sa.select(ConsoleSession).order_by(ConsoleSession.id)).scalars().all()
        db.session.expunge_all()
        return rows
