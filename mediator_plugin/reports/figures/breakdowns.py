"""Breakdowns of the saisines (Table A, items 1 and 2; R-STATS-2): categories on two levels, channels,
departments, and the domestic / cross-border split."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.reports.figures.base import Scope, ratio, rows

CHANNELS = ("online", "helpdesk", "post")


def categories(scope: Scope, taxonomy: list[dict]) -> list[dict]:
    """Each level-1 category with its share of the saisines and its level-2 children, from one GROUP BY."""
    grouped = rows(sa.select(Case.category, Case.subcategory, sa.func.count()).where(scope.received())
                   .group_by(Case.category, Case.subcategory))
    total = sum(n for *_, n in grouped)
    by_child = {(parent, child): n for parent, child, n in grouped}
    result = []
    for parent in taxonomy:
        parent_total = sum(n for (p, _), n in by_child.items() if p == parent["code"])
        children = [{"code": c["code"], **ratio(by_child.get((parent["code"], c["code"]), 0), total, "category_share")}
                    for c in parent["children"]]
        result.append({"code": parent["code"], **ratio(parent_total, total, "category_share"), "children": children})
    unclassified = sum(n for (p, _), n in by_child.items() if p not in {c["code"] for c in taxonomy})
    if unclassified:
        result.append({"code": "", **ratio(unclassified, total, "category_share"), "children": []})
    return sorted(result, key=lambda c: -c["numerator"])


def channels(scope: Scope) -> list[dict]:
    """Saisines by channel: online form, through the helpdesk, by post."""
    by_channel = dict(rows(sa.select(Case.channel, sa.func.count()).where(scope.received()).group_by(Case.channel)))
    total = sum(by_channel.values())
    known = [*CHANNELS, *sorted(set(by_channel) - set(CHANNELS))]
    return [{"code": c, **ratio(by_channel.get(c, 0), total, "channel_share")} for c in known]


def departments(scope: Scope, codes: list[str]) -> list[dict]:
    """Saisines by the company department concerned."""
    by_department = dict(rows(sa.select(Case.department, sa.func.count()).where(scope.received())
                              .group_by(Case.department)))
    total = sum(by_department.values())
    known = [*codes, *sorted(c for c in by_department if c and c not in codes)]
    return [{"code": c, **ratio(by_department.get(c, 0), total, "department_share")} for c in known]


def cross_border(scope: Scope) -> dict:
    """Table A, item 7: saisines from consumers living in another country of the Union."""
    total, crossing = rows(sa.select(sa.func.count(), sa.func.count().filter(Case.cross_border.is_(True)))
                           .where(scope.received()))[0]
    return ratio(crossing, total, "cross_border_share")
