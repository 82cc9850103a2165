"""Breakdowns of the saisines (Table A, items 1 and 2; R-STATS-2): categories on two levels, channels,
departments, and the domestic / cross-border split. Each takes the saisines' groups of
:func:`.funnel.received` (tens to a few thousand rows, whatever the number of files)."""

from __future__ import annotations

from mediator_plugin.reports.figures.base import ratio, total

CHANNELS = ("online", "helpdesk", "post")


def _tally(groups: list, key) -> dict:
    counts: dict = {}
    for g in groups:
        counts[key(g)] = counts.get(key(g), 0) + g.n
    return counts


def categories(groups: list, taxonomy: list[dict]) -> list[dict]:
    """Each level-1 category with its share of the saisines and its level-2 children."""
    by_child = _tally(groups, lambda g: (g.category, g.subcategory))
    total_ = sum(by_child.values())
    result = []
    for parent in taxonomy:
        parent_total = sum(n for (p, _), n in by_child.items() if p == parent["code"])
        children = [{"code": c["code"], **ratio(by_child.get((parent["code"], c["code"]), 0), total_,
                                                "category_share")} for c in parent["children"]]
        result.append({"code": parent["code"], **ratio(parent_total, total_, "category_share"), "children": children})
    unclassified = sum(n for (p, _), n in by_child.items() if p not in {c["code"] for c in taxonomy})
    if unclassified:
        result.append({"code": "", **ratio(unclassified, total_, "category_share"), "children": []})
    return sorted(result, key=lambda c: -c["numerator"])


def channels(groups: list) -> list[dict]:
    """Saisines by channel: online form, through the helpdesk, by post."""
    by_channel = _tally(groups, lambda g: g.channel)
    total_ = sum(by_channel.values())
    known = [*CHANNELS, *sorted(set(by_channel) - set(CHANNELS))]
    return [{"code": c, **ratio(by_channel.get(c, 0), total_, "channel_share")} for c in known]


def departments(groups: list, codes: list[str]) -> list[dict]:
    """Saisines by the company department concerned."""
    by_department = _tally(groups, lambda g: g.department)
    total_ = sum(by_department.values())
    known = [*codes, *sorted(c for c in by_department if c and c not in codes)]
    return [{"code": c, **ratio(by_department.get(c, 0), total_, "department_share")} for c in known]


def cross_border(split: list) -> dict:
    """Table A, item 7: saisines from consumers living in another country of the Union."""
    return ratio(total(split, lambda g: g.cross_border), total(split), "cross_border_share")
