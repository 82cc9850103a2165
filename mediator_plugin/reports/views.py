"""The annual reports in the console — their versions, both editions in PDF and HTML, the mediator's foreword
and chapter comments, publication by the mediator — and the aggregate dashboard, for the mediator's team and
the executives."""

from __future__ import annotations

from io import BytesIO

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.core import audit, forms
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import bounded_int, db, utcnow
from mediator_plugin.core.errors import MediationError
from mediator_plugin.core.permissions import Permission, current_identity, requires
from mediator_plugin.core.transactions import run_step
from mediator_plugin.public.r614 import missing_r614_items
from mediator_plugin.reports import dashboard as dashboard_figures
from mediator_plugin.reports import publication, snapshots
from mediator_plugin.reports import texts as report_texts
from mediator_plugin.reports.dashboard_panels import build as build_panels
from mediator_plugin.reports.editions import EDITIONS


@requires(Permission.REPORT_READ)
def index():
    """Each year with its published versions and links to both editions; the publish form for the mediator."""
    return _index_page()


@requires(Permission.REPORT_PUBLISH)
def publish(year: int):
    """Publish the report of a finished ``year`` as its next version (a correction needs its reason); the
    service refuses a year not over or without requests, and the page says why."""
    if not 2000 <= year <= 2100:
        abort(404)
    reason = forms.text("reason")
    try:
        snapshot = run_step(lambda: publication.publish(year, published_by=current_identity().sub, reason=reason))
    except MediationError as exc:
        db.session.rollback()
        return _index_page(error=exc, error_year=year, reason=reason)
    flash(_("The report of %(year)s is published as version %(version)s.", year=year, version=snapshot.version),
          "success")
    return redirect(url_for("mediator.reports.index", _anchor=f"y{year}"), code=303)


@requires(Permission.REPORT_PUBLISH)
def texts(year: int):
    """The mediator's foreword, chapter comments and tips for consumers of ``year``'s report: the form (GET),
    saved (POST)."""
    if not 2000 <= year <= 2100:
        abort(404)
    if request.method == "GET":
        return _texts_page(year)
    try:
        run_step(lambda: report_texts.save_texts(
            year, current_identity(), foreword=forms.text("foreword"), version=forms.integer("version"),
            comments={code: forms.text(f"comment_{code}") for code in report_texts.CHAPTERS},
            consumer_tips=forms.text("consumer_tips")))
    except MediationError as exc:
        db.session.rollback()
        return _texts_page(year, error=exc)
    flash(_("The texts of the report of %(year)s are saved. They are printed in its editions and frozen with the "
            "figures when you publish.", year=year), "success")
    return redirect(url_for("mediator.reports.texts", year=year), code=303)


@requires(Permission.REPORT_READ)
def download(year: int):
    """An edition of ``year``'s report as a PDF (``?edition=public|comex&version=N``), audited as an export."""
    report, edition = _exported_report(year, "pdf")
    label = f"v{report['version']}" if report["version"] else "provisoire"
    return send_file(BytesIO(publication.render(report, edition)), mimetype="application/pdf",
                     download_name=f"rapport-{year}-{edition}-{label}.pdf")


@requires(Permission.REPORT_READ)
def download_html(year: int):
    """The same edition as a web page, its stylesheet linked (the console's CSP forbids inline style)."""
    report, edition = _exported_report(year, "html")
    page = publication.render(report, edition, "html", stylesheet_url=url_for("mediator.static", filename="report.css"))
    return Response(page, mimetype="text/html")


@requires(Permission.DASHBOARD_AGGREGATES)
def dashboard():
    """Aggregates of one year (``?year=``, this year by default): charts and tables, no file."""
    this_year = paris_date(utcnow()).year
    year = bounded_int(request.args.get("year"), 2000, this_year) or this_year
    years = range(this_year, dashboard_figures.first_year(this_year) - 1, -1)
    return render_template("reports/dashboard.html", year=year, years=years,
                           panels=build_panels(dashboard_figures.compute(year)))


def _exported_report(year: int, fmt: str) -> tuple[dict, str]:
    """The report and edition asked for (404 when there is no such edition or version), its export audited."""
    edition = request.args.get("edition", "public")
    if edition not in EDITIONS or not 2000 <= year <= 2100:
        abort(404)
    try:
        asked = request.args.get("version")
        version = bounded_int(asked, 1)
        if asked is not None and version is None:
            abort(404)  # no such version, like an unknown one
        report = publication.current_report(year, version)
    except LookupError:
        abort(404)
    identity = current_identity()
    audit.record("export_report", actor=identity.sub, roles=identity.roles, target=f"{year}:{edition}",
                 detail={"format": fmt, "version": report["version"]})
    db.session.commit()
    return report, edition


def _texts_page(year: int, *, error: MediationError | None = None):
    saved = report_texts.texts_of(year)
    if error:  # what she typed comes back, with the message next to the field
        form = {"foreword": request.form.get("foreword", ""), "version": request.form.get("version", "0"),
                "consumer_tips": request.form.get("consumer_tips", ""),
                **{code: request.form.get(f"comment_{code}", "") for code in report_texts.CHAPTERS}}
    else:
        form = {"foreword": saved.foreword if saved else "", "version": str(saved.version if saved else 0),
                "consumer_tips": saved.consumer_tips if saved else "",
                **{code: (saved.comments or {}).get(code, "") if saved else "" for code in report_texts.CHAPTERS}}
    return render_template(
        "reports/texts.html", year=year, form=form, saved=saved, latest=snapshots.latest(year),
        chapters=report_texts.chapter_labels(), foreword_max=report_texts.FOREWORD_MAX,
        comment_max=report_texts.COMMENT_MAX, tip_max=report_texts.TIP_MAX, tips_max=report_texts.TIPS_MAX,
        error=error.message if error else None,
        error_field=error.field if error else None), error.status if error else 200


def _index_page(*, error: MediationError | None = None, error_year: int | None = None, reason: str = ""):
    can_publish, this_year = current_identity().can(Permission.REPORT_PUBLISH), paris_date(utcnow()).year
    years = snapshots.history(publication.listed_years(this_year))
    return render_template(
        "reports/index.html", years=years, this_year=this_year, editions=EDITIONS, can_publish=can_publish,
        missing=missing_r614_items(state().charter) if can_publish else [],
        error=error.message if error else None, error_year=error_year, reason=reason,
    ), error.status if error else 200
