"""Public pages: who the mediator is and the charter (R-WEB-1, R-CHARTER-1); the health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, render_template
from markdown_it import MarkdownIt
from markupsafe import Markup

from mediator_plugin import __version__, state
from mediator_plugin.core.db import db
from mediator_plugin.core.permissions import public
from mediator_plugin.core.schema import schema_revision

_markdown = MarkdownIt("commonmark", {"html": False})


@public
def home():
    """The mediator: identity, scope, how to file."""
    charter = state().charter
    return render_template("public/home.html", mediator=charter.mediator, scope=charter.scope,
                           grounds=charter.rules["grounds"], deadlines=charter.deadlines)


@public
def charter():
    """The charter, rendered from ``charter/charte.md`` (raw HTML disabled)."""
    html = _markdown.render(state().charter.text)  # raw HTML is disabled: the output is safe to mark
    return render_template("public/charter.html", body=Markup(html),  # noqa: S704
                           version=state().charter.version)


@public
def healthz():
    """200 with the version and the schema revision when the database answers, 503 otherwise; no authentication.

    Reading the revision row (rather than ``SELECT 1``) proves the schema is there, and makes this the
    one-row reference route of ``bench/console_speed.py``.
    """
    try:
        revision = schema_revision()
        database = "ok"
    except sa.exc.SQLAlchemyError:
        revision, database = None, "unreachable"
    finally:
        db.session.rollback()
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database, schema=revision,
                   version=__version__), status
