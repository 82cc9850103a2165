"""Which report an edition is printed from — the latest published snapshot of the year, else the live
figures marked provisional — an edition in either format, and publication itself, the same from the
command line and from the console.

Only a year that is over in Paris time and received at least one request is published (interfaces.md):
a snapshot never goes away, so a year still running, or one with nothing to report, must not get one.
The current year keeps its provisional edition.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases.models import Case
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import InvalidTransition, MissingField
from mediator_plugin.intake.models import IntakeItem
from mediator_plugin.public.archive import published_years
from mediator_plugin.public.r614 import missing_r614_items
from mediator_plugin.reports import snapshots
from mediator_plugin.reports.comparison import previous_year
from mediator_plugin.reports.examples import with_examples
from mediator_plugin.reports.figures import compute, year_bounds
from mediator_plugin.reports.texts import frozen_texts


def report_figures(year: int) -> dict:
    """Everything a report of ``year`` prints from the data: the figures, the examples approved today, the
    year before to compare with, and the mediator's foreword and comments as they stand."""
    return {**with_examples(compute(year), year), "previous": previous_year(year), "texts": frozen_texts(year)}


def current_report(year: int, version: int | None = None) -> dict:
    """The report of ``year``: version ``version`` (or the latest) if published, else provisional live figures."""
    if version is not None:
        chosen = next((s for s in snapshots.versions(year) if s.version == version), None)
        if chosen is None:
            raise LookupError(f"the report of {year} has no version {version}")
        return chosen.as_report()
    latest = snapshots.latest(year)
    return latest.as_report() if latest else snapshots.live_report(report_figures(year))


def publish(year: int, *, published_by: str, reason: str | None = None) -> snapshots.ReportSnapshot:
    """Freeze the report of ``year`` — figures, approved examples, the year before and the mediator's texts —
    as its next version.

    Refused (:class:`~mediator_plugin.core.errors.InvalidTransition`) for a year not over in Paris time or
    without any request, and (:class:`MissingField`) while an item the website must show is empty (R-WEB-1):
    the report is published on that website, and the CECMC reads both together. The caller commits.
    """
    refuse_unfinished_or_empty(year)
    missing = missing_r614_items(state().charter)
    if missing:
        raise MissingField(_("Publication is refused while items the mediator's website must show are empty: "
                             "%(items)s. Complete them in the charter (charter/mediator.toml or rules.toml), then "
                             "publish again.", items=", ".join(missing)), field="charter")
    return snapshots.publish(year, report_figures(year), published_by=published_by, reason=reason)


def refuse_unfinished_or_empty(year: int) -> None:
    """Raise :class:`InvalidTransition` unless ``year`` is over in Paris time and holds at least one request
    (a file received in the year, or a request waiting in the intake queue)."""
    this_year = paris_date(utcnow()).year
    if year >= this_year:
        raise InvalidTransition(_("The report of %(year)s cannot be published yet: the year is not over in Paris "
                                  "time. It can be published from 1 January %(next)s; until then its provisional "
                                  "edition stays available.", year=year, next=year + 1))
    start, end = year_bounds(year)
    received = sa.exists().where(Case.received_year == year)
    queued = sa.exists().where(IntakeItem.asked_at >= start, IntakeItem.asked_at < end)
    if not db.session.execute(sa.select(sa.or_(received, queued))).scalar():
        raise InvalidTransition(_("The report of %(year)s cannot be published: no request for mediation was "
                                  "received that year.", year=year))


def listed_years(this_year: int) -> list[int]:
    """The years the console offers, newest first: the last five and every year with a published report."""
    return sorted({*range(this_year, this_year - 5, -1), *published_years()}, reverse=True)


def render(report: dict, edition: str, fmt: str = "pdf", *, stylesheet_url: str | None = None) -> bytes:
    """The edition as bytes: PDF, or UTF-8 HTML (linking ``stylesheet_url`` instead of inlining the style
    when served by the application, whose CSP forbids inline style)."""
    if fmt == "html":
        from mediator_plugin.reports.html import render_html

        return render_html(report, edition, stylesheet_url=stylesheet_url).encode("utf-8")
    from mediator_plugin.reports.pdf import render_edition

    return render_edition(report, edition)
