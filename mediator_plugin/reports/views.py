"""Report downloads and the aggregate dashboard, for the mediator's team and the executives."""

from __future__ import annotations

from io import BytesIO

from flask import abort, render_template, request, send_file

from mediator_plugin import state
from mediator_plugin.core import audit
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.permissions import Permission, current_identity, requires
from mediator_plugin.reports import dashboard as dashboard_figures
from mediator_plugin.reports.dashboard_panels import build as build_panels
from mediator_plugin.reports.figures import compute
from mediator_plugin.reports.pdf import EDITIONS, render_report


@requires(Permission.REPORT_READ)
def index():
    """The years that can be reported on."""
    this_year = paris_date(utcnow()).year
    return render_template("reports/index.html", years=range(this_year, this_year - 5, -1))


@requires(Permission.REPORT_READ)
def download(year: int):
    """The report of ``year`` as a PDF, built now from the data (audited as an export)."""
    edition = request.args.get("edition", "public")
    if edition not in EDITIONS or not 2000 <= year <= 2100:
        abort(404)
    figures = compute(year)
    pdf = render_report(figures, charter=state().charter, edition=edition)
    identity = current_identity()
    audit.record("export_report", actor=identity.sub, roles=identity.roles, target=f"{year}:{edition}")
    db.session.commit()
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=f"rapport-{year}-{edition}.pdf")


@requires(Permission.DASHBOARD_AGGREGATES)
def dashboard():
    """Aggregates of one year (``?year=``, this year by default): charts and tables, no file."""
    this_year = paris_date(utcnow()).year
    year = request.args.get("year", this_year, type=int)
    if not 2000 <= year <= this_year:
        year = this_year
    years = range(this_year, dashboard_figures.first_year(this_year) - 1, -1)
    return render_template("reports/dashboard.html", year=year, years=years,
                           panels=build_panels(dashboard_figures.compute(year)))
