"""Where the year's requests come from: the saisines by the consumer's region (R-STATS-2), and every request by
dispute domain and party type, the ones outside the statutory figures counted apart (R-SCOPE-2).

One grouped pass over the year's files by party type, dispute domain and region (:func:`origin_groups`): the
index of migration 0014 holds exactly those columns after the year, so the pass reads an index range in order
and never the rows. The groups (at most party types × domains × regions) are folded here.
"""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.core.geography import OUTSIDE
from mediator_plugin.reports.figures.base import Scope, count, ratio, rows

ORIGIN_KEYS = (Case.party_type, Case.dispute_domain, Case.region)


def origin_groups(scope: Scope) -> list:
    """The files received in the year, of every party type, counted (``n``) by :data:`ORIGIN_KEYS`."""
    return rows(sa.select(*ORIGIN_KEYS, sa.func.count().label("n"))
                .where(Case.received_year == scope.year).group_by(*ORIGIN_KEYS))


def regions(scope: Scope, groups: list, codes: list[str]) -> list[dict]:
    """The saisines (statutory party types) by the consumer's region, most first; a file without a region
    counts as outside France or unknown. ``codes``: every region the report may show, in the table's order."""
    found = dict.fromkeys(codes, 0)
    for g in groups:
        if g.party_type in scope.statutory:
            region = g.region if g.region in found else OUTSIDE
            found[region] += g.n
    total = sum(found.values())
    ordered = sorted(codes, key=lambda code: -found[code])  # sorted() keeps the table's order between equals
    return [{"code": code, **ratio(found[code], total, "region_share")} for code in ordered]


def domains(scope: Scope, groups: list, party_types: list[str], codes: list[str]) -> dict:
    """Every request of the year by dispute domain (rows) and party type (columns): only the columns of the
    statutory party types count in the statutory figures. A file without a domain is on the "" row."""
    cells: dict[tuple[str, str], int] = {}
    for g in groups:
        key = (g.dispute_domain or "", g.party_type)
        cells[key] = cells.get(key, 0) + g.n
    known = [*codes, *sorted({domain for domain, _ in cells} - set(codes))]
    return {
        "party_types": party_types,
        "statutory": [p for p in party_types if p in scope.statutory],
        "rows": [{"code": domain, "cells": [count(cells.get((domain, p), 0), "domain_count") for p in party_types]}
                 for domain in known],
    }
