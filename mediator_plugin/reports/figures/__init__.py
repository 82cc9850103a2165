"""The annual report's figures, computed in SQL for one calendar year (Paris time).

Every figure keeps its numerator, denominator and definition (R-REPORT-1); only consumer disputes
count (R-SCOPE-2). The year's files are read in a few grouped passes — received in the year, ended in
the year, closed with an outcome — each grouped by the side of the domestic / cross-border split and a
few codes, never a Python loop over files: a handful of reads of the year's rows instead of about fifty
(bench/report_speed.py gives the time of each statement). :func:`compute` returns plain JSON-ready data:
what a snapshot freezes, together with the labels and definitions it needs to be printed later.
"""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin import __version__, state
from mediator_plugin.cases import deadlines
from mediator_plugin.cases.models import Case
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.geography import region_names
from mediator_plugin.reports.definitions import definitions
from mediator_plugin.reports.figures import durations as duration_figures
from mediator_plugin.reports.figures.base import (
    SPLITS,
    Scope,
    by_split,
    count,
    is_postgresql,
    rows,
    total,
    year_bounds,
)
from mediator_plugin.reports.figures.breakdowns import categories, channels, cross_border, departments
from mediator_plugin.reports.figures.funnel import RECEIVED_KEYS, funnel, per_month, received, refusals, saisines
from mediator_plugin.reports.figures.independence import accesses, reminders
from mediator_plugin.reports.figures.origins import domains, origin_groups, regions
from mediator_plugin.reports.figures.outcomes import (
    answers_by_department,
    ended,
    implementation,
    interruptions,
    results,
)
from mediator_plugin.reports.figures.recommendations import recommendations
from mediator_plugin.reports.labels import labels

__all__ = ["compute", "headline", "year_bounds"]

# What the year before is compared on needs neither the sub-categories, the channels nor the departments:
# grouping its files by the first seven keys only (a prefix of the index, so SQLite still counts as it reads
# the range) makes a few dozen groups instead of thousands, which PostgreSQL's hash aggregate feels.
HEADLINE_KEYS = RECEIVED_KEYS[:7]


def table_a(scope: Scope, received_groups: list, ended_groups: list, closed_groups: list,
            splits: tuple[str, ...] = SPLITS) -> dict:
    """The items of Table A (R614-2) that are figures, for each of ``splits`` ("all", "domestic" and
    "cross_border" files), from the groups of the three passes."""
    charter = state().charter
    limit_days = deadlines.outcome_days()
    medians = duration_figures.medians(scope, closed_groups)
    received_, ended_, closed_ = by_split(received_groups), by_split(ended_groups), by_split(closed_groups)
    return {split: {
        "saisines": count(total(received_[split]), "saisines"),
        "refusals": refusals(received_[split], charter.rules["grounds"]),
        "interruptions": interruptions(ended_[split], charter.rules["interruptions"]),
        "durations": duration_figures.durations(closed_[split], medians[split], limit_days),
        "implementation": implementation(ended_[split]),
        "cross_border": cross_border(received_[split]),
        "results": results(ended_[split], charter.rules["outcomes"]),
    } for split in splits}


def compute(year: int) -> dict:
    """Every figure of the report of ``year``, with the context needed to print it from this data alone."""
    charter, settings = state().charter, state().settings
    scope = Scope(year, tuple(charter.scope["statutory_party_types"]))
    if is_postgresql():
        # The passes group a year of rows: in memory (hash or quicksort) rather than a sort spilled to disk
        # with the default 4 MB. SET LOCAL ends with the transaction.
        db.session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
    every_party, ended_groups, closed_groups = received(scope), ended(scope), duration_figures.closed(scope)
    received_groups, origins = saisines(scope, every_party), origin_groups(scope)
    return {
        "year": year,
        "computed_at": utcnow().isoformat(),
        "min_cell": settings["report_min_cell"],
        "funnel": funnel(scope, every_party),
        "per_month": per_month(scope),
        "table_a": table_a(scope, received_groups, ended_groups, closed_groups),
        "categories": categories(received_groups, charter.rules["categories"]),
        "channels": channels(received_groups),
        "departments": departments(received_groups, sorted(settings["departments"])),
        "regions": regions(scope, origins, list(region_names())),
        "domains": domains(scope, origins, charter.scope["party_types"],
                           [d["code"] for d in charter.scope["dispute_domains"]]),
        "answers": answers_by_department(ended_groups),
        "reminders": reminders(scope),
        "accesses": accesses(scope),
        "duration_bands": duration_figures.bands(closed_groups),
        "trend": duration_figures.trend(scope, total(received_groups), closed_groups),
        "recommendations": recommendations(scope),
        "definitions": definitions(deadlines.outcome_days()),
        "labels": labels(charter, settings),
        "context": {
            "charter_version": charter.version, "charter_sha256": charter.sha256, "generator_version": __version__,
            # The website is the deployment's public address (the base_url setting), as in the letters.
            "mediator": {**{key: charter.mediator.get(key, "") for key in (
                "company_name", "mediator_name", "mediator_title", "postal_address", "email", "appointment",
                "networks")}, "website": settings["base_url"]},
            "charter_text": charter.text,
        },
    }


def headline(year: int) -> dict:
    """The figures of ``year`` that the next year's report compares itself with (see
    :mod:`mediator_plugin.reports.comparison`): Table A over all files, the admitted files, the categories
    and the parties' answers, equal to those :func:`compute` gives. The same three grouped passes, the files
    received grouped by :data:`HEADLINE_KEYS` only, and nothing no comparison prints (months, reminders,
    accesses, trend, recommendations)."""
    charter, settings = state().charter, state().settings
    scope = Scope(year, tuple(charter.scope["statutory_party_types"]))
    if is_postgresql():
        db.session.execute(sa.text("SET LOCAL work_mem = '64MB'"))  # as in compute()
    every_party = rows(sa.select(*HEADLINE_KEYS, sa.null().label("subcategory"), sa.func.count().label("n"))
                       .where(Case.received_year == year).group_by(*HEADLINE_KEYS))
    ended_groups, closed_groups = ended(scope), duration_figures.closed(scope)
    received_groups = saisines(scope, every_party)
    return {
        "year": year,
        "min_cell": settings["report_min_cell"],
        "funnel": funnel(scope, every_party),
        "table_a": table_a(scope, received_groups, ended_groups, closed_groups, ("all",)),
        "categories": categories(received_groups, charter.rules["categories"]),
        "answers": answers_by_department(ended_groups),
    }
