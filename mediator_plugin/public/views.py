"""Public pages: the mediator (R614-1, R-WEB-1), the charter, the reports archive; the health check."""

from __future__ import annotations

from io import BytesIO

import sqlalchemy as sa
from flask import abort, jsonify, render_template, send_file, url_for
from markdown_it import MarkdownIt
from markupsafe import Markup

from mediator_plugin import state
from mediator_plugin.core.db import db
from mediator_plugin.core.permissions import public
from mediator_plugin.core.schema import schema_revision
from mediator_plugin.public.archive import public_report, published_years
from mediator_plugin.reports.html import render_html
from mediator_plugin.reports.publication import render

_markdown = MarkdownIt("commonmark", {"html": False})


@public
def home():
    """The mediator: identity, the R614-1 items, the regime (listed or not, R-SCOPE-4), the process, rights and
    obligations, the pre-check."""
    charter = state().charter
    return render_template("public/home.html", mediator=charter.mediator, scope=charter.scope,
                           grounds=charter.rules["grounds"], deadlines=charter.deadlines,
                           listing=charter.governance["listing"])


@public
def charter():
    """The charter, rendered from ``charter/charte.md`` (raw HTML disabled)."""
    html = _markdown.render(state().charter.text)  # raw HTML is disabled: the output is safe to mark
    return render_template("public/charter.html", body=Markup(html),  # noqa: S704
                           version=state().charter.version)


@public
def reports():
    """Each year's public report, in PDF and in HTML, newest first."""
    return render_template("public/reports.html", years=published_years())


@public
def report_html(year: int):
    """The latest published public edition of ``year`` as a web page."""
    report = public_report(year)
    if report is None:
        abort(404)
    return render_html(report, "public", stylesheet_url=url_for("mediator.static", filename="report.css"))


@public
def report_pdf(year: int):
    """The latest published public edition of ``year`` as a PDF."""
    report = public_report(year)
    if report is None:
        abort(404)
    return send_file(BytesIO(render(report, "public")), mimetype="application/pdf",
                     download_name=f"rapport-mediation-{year}.pdf")


@public
def liveness():
    """200 while the process serves requests, whatever the database: a liveness probe that restarted every
    worker during a database outage would add an outage of the application to it."""
    return jsonify(status="ok")


@public
def healthz():
    """Readiness: 200 with the schema revision when the database answers, 503 otherwise; no authentication,
    so no version of the software (which would tell a caller which flaws to try).

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
    return jsonify(status="ok" if status == 200 else "degraded", database=database, schema=revision), status
