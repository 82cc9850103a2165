"""Small-cell suppression for the public edition (R-GDPR-8, R-STATS-6).

In the public edition, every breakdown cell that counts at least one file but fewer than the
``report_min_cell`` setting (frozen in the snapshot as ``min_cell``) prints "non significatif"; a
rate computed on such a small group (a department's follow rate, a split of Table A) too. The
headline figures of the year are totals and stay. :func:`public_view` returns the figures with those
cells emptied, so the public edition's code never holds the small numbers. Its recommendations keep
the text, the status and the public explanation, without owners, due dates or action plans
(R-RECO-3). The comex edition prints the real numbers.

The year before that a report compares with (``figures["previous"]``) is read the same way: its totals
stay, its breakdown cells under the threshold are withheld, so a comparison never reveals a small cell.
"""

from __future__ import annotations

import copy

SPLITS = ("domestic", "cross_border")
PUBLIC_RECOMMENDATION_FIELDS = ("reference", "title", "text", "status", "status_before", "public_explanation",
                                "issued_on", "categories")


def is_small(n, threshold: int) -> bool:
    return n is not None and 0 < n < threshold


def _suppress(cell: dict) -> None:
    cell.update(value=None, numerator=None, denominator=None, suppressed=True)


def _cells(tree):
    """Every figure (a dict with a ``definition``) inside ``tree``."""
    if isinstance(tree, dict):
        if "definition" in tree:
            yield tree
        for value in tree.values():
            yield from _cells(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _cells(value)


def _breakdowns(f: dict) -> list:
    whole = f["table_a"]["all"]
    # Regions and domains are missing from the snapshots published before they were computed.
    return [whole["refusals"]["by_ground"], whole["interruptions"]["by_cause"],
            whole["implementation"]["by_status"], whole["results"]["by_outcome"], f["categories"], f["channels"],
            f["departments"], f["duration_bands"], f["accesses"]["by_role"], f.get("regions", []),
            f.get("domains", {}).get("rows", [])]


def _previous_breakdowns(previous: dict) -> list:
    whole = previous["table_a"]
    return [whole["refusals"]["by_ground"], whole["interruptions"]["by_cause"],
            whole["implementation"]["by_status"], whole["results"]["by_outcome"], previous["categories"]]


def public_view(figures: dict) -> dict:
    """A copy of ``figures`` fit for publication: small cells suppressed, no internal owners."""
    f = copy.deepcopy(figures)
    k = f["min_cell"]
    for cell in _cells(_breakdowns(f)):
        if is_small(cell["numerator"], k):
            _suppress(cell)
    for group in (f["answers"]["departments"], f["reminders"]["departments"]):
        for cell in _cells(group):
            if is_small(cell["denominator"], k):
                _suppress(cell)
    for split in SPLITS:
        for cell in _cells(f["table_a"][split]):
            if is_small(cell["numerator"], k) or is_small(cell["denominator"], k):
                _suppress(cell)
    if f.get("previous"):
        for cell in _cells(_previous_breakdowns(f["previous"])):
            if is_small(cell["numerator"], k):
                _suppress(cell)
    f["per_month"] = [None if is_small(n, k) else n for n in f["per_month"]]
    f["recommendations"] = {part: [{key: r[key] for key in PUBLIC_RECOMMENDATION_FIELDS} for r in entries]
                            for part, entries in f["recommendations"].items()}
    f["public"] = True
    return f
