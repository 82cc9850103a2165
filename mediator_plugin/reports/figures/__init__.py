"""The annual report's figures, computed in SQL for one calendar year (Paris time).

Every figure keeps its numerator, denominator and definition (R-REPORT-1); only consumer disputes
count (R-SCOPE-2). Each module runs a few aggregate queries (GROUP BY, FILTER), never a Python loop
over files, so 200,000 files cost about what 20,000 do. :func:`compute` returns plain JSON-ready data:
what a snapshot freezes, together with the labels and definitions it needs to be printed later.
"""

from __future__ import annotations

from mediator_plugin import __version__, state
from mediator_plugin.core.db import utcnow
from mediator_plugin.reports.definitions import definitions
from mediator_plugin.reports.figures.base import Scope, days_between, year_bounds
from mediator_plugin.reports.figures.breakdowns import categories, channels, cross_border, departments
from mediator_plugin.reports.figures.durations import bands, durations, trend
from mediator_plugin.reports.figures.funnel import funnel, per_month, refusals
from mediator_plugin.reports.figures.independence import accesses, reminders
from mediator_plugin.reports.figures.outcomes import answers_by_department, implementation, interruptions, results
from mediator_plugin.reports.figures.recommendations import recommendations
from mediator_plugin.reports.labels import labels

__all__ = ["compute", "days_between", "table_a", "year_bounds"]
SPLITS = {"all": None, "domestic": False, "cross_border": True}


def table_a(scope: Scope) -> dict:
    """The items of Table A (R614-2) that are figures, for one scope."""
    charter = state().charter
    saisines = funnel(scope)["saisines"]
    return {
        "saisines": saisines,
        "refusals": refusals(scope, charter.rules["grounds"]),
        "interruptions": interruptions(scope, charter.rules["interruptions"]),
        "durations": durations(scope, charter.deadlines["outcome_days"]),
        "implementation": implementation(scope),
        "cross_border": cross_border(scope),
        "results": results(scope, charter.rules["outcomes"]),
    }


def compute(year: int) -> dict:
    """Every figure of the report of ``year``, with the context needed to print it from this data alone."""
    charter, settings = state().charter, state().settings
    scope = Scope(year, tuple(charter.scope["statutory_party_types"]))
    return {
        "year": year,
        "computed_at": utcnow().isoformat(),
        "min_cell": settings["report_min_cell"],
        "funnel": funnel(scope),
        "per_month": per_month(scope),
        "table_a": {name: table_a(Scope(year, scope.statutory, split)) for name, split in SPLITS.items()},
        "categories": categories(scope, charter.rules["categories"]),
        "channels": channels(scope),
        "departments": departments(scope, sorted(settings["departments"])),
        "answers": answers_by_department(scope),
        "reminders": reminders(scope),
        "accesses": accesses(scope),
        "duration_bands": bands(scope),
        "trend": trend(scope),
        "recommendations": recommendations(scope),
        "definitions": definitions(charter.deadlines["outcome_days"]),
        "labels": labels(charter, settings),
        "context": {
            "charter_version": charter.version, "charter_sha256": charter.sha256, "generator_version": __version__,
            "mediator": {key: charter.mediator.get(key, "") for key in (
                "company_name", "mediator_name", "mediator_title", "postal_address", "email", "website",
                "appointment", "networks")},
            "charter_text": charter.text,
        },
    }
