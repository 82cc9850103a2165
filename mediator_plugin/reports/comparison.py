"""Last year's value beside each figure (issue 13: "each figure shows last year's value and the change").

A report carries, under ``figures["previous"]``, the figures of the year before that its editions compare
with: Table A over all files, the admitted mediations, the categories and the parties' answers. They come
from the year before's latest *published* snapshot when there is one — the figures readers already saw —
and otherwise from today's data, marked as not published. At publication they are frozen with the rest
(covered by the data hash), so a published report never changes when last year's data does.

Reading a published snapshot costs one row. Computing an unpublished year runs only the three grouped
passes its figures need (:func:`mediator_plugin.reports.figures.headline`), not the whole report.
"""

from __future__ import annotations

from mediator_plugin.reports import snapshots
from mediator_plugin.reports.figures import headline

CELL_KEYS = ("code", "value", "numerator", "denominator", "definition")


def previous_year(year: int) -> dict | None:
    """What the report of ``year`` compares with, or None when the year before received no saisine and was
    never published (nothing to compare with: the editions then print no comparison)."""
    before = year - 1
    snapshot = snapshots.latest(before)
    if snapshot is not None:
        return _kept(snapshot.figures, published={"version": snapshot.version,
                                                  "published_at": snapshot.published_at.isoformat()})
    figures = headline(before)
    if not figures["table_a"]["all"]["saisines"]["value"]:
        return None
    return _kept(figures, published=None)


def _kept(figures: dict, *, published: dict | None) -> dict:
    """The part of a year's figures that a comparison prints (the whole year of a snapshot is not copied)."""
    return {
        "year": figures["year"],
        "published": published,  # {"version", "published_at"} of the snapshot, or None: computed from the data
        "min_cell": figures["min_cell"],
        "table_a": figures["table_a"]["all"],
        "admitted": figures["funnel"]["admitted"],
        "categories": [{key: c[key] for key in CELL_KEYS} for c in figures["categories"]],
        "answers": figures["answers"]["overall"],
    }


def previous_of(figures: dict) -> dict | None:
    """The comparison a report carries: None for one without (no year before, or a snapshot frozen before
    comparisons were)."""
    return figures.get("previous")


def category_before(previous: dict, code: str) -> dict | None:
    """The share of the category ``code`` in the year before, if it was counted."""
    return next((c for c in previous["categories"] if c["code"] == code), None)
