"""Two tables of the activity chapter: the saisines by the consumer's region (R-STATS-2), and every request
of the year by dispute domain and party type, those outside the statutory figures apart (R-SCOPE-2).

A snapshot published before these figures were computed has neither: the edition then prints neither table.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mediator_plugin.reports import formatting as fmt
from mediator_plugin.reports.blocks import Edition, Grid, Heading, Text


def origins(e: Edition) -> list:
    """The region table and the domain table, each with its definition."""
    return [*_regions(e), *_domains(e)]


def _regions(e: Edition) -> list:
    cells = e.figures.get("regions")
    if not cells:
        return []
    rows = [[_("Region"), _("Saisines"), _("Share")]]
    rows += [[e.label("region", c["code"]), fmt.number(c), fmt.percent(c)] for c in cells if c["numerator"] != 0]
    return [Heading(_("Where the consumers live"), 1),
            Grid(rows, (0.6, 0.2, 0.2), _("Saisines by the consumer's region"), right=(1, 2)),
            Text(e.definition("region_share"), "small")]


def _domains(e: Edition) -> list:
    table = e.figures.get("domains")
    if not table:
        return []
    statutory = set(table["statutory"])
    heads = [e.label("party_type", p) + (" *" if p in statutory else "") for p in table["party_types"]]
    rows = [[_("Dispute domain"), *heads]]
    rows += [[e.label("dispute_domain", r["code"]), *(fmt.number(c) for c in r["cells"])] for r in table["rows"]]
    other = (1 - 0.31) / len(heads)
    return [Heading(_("Requests by dispute domain"), 1),
            Grid(rows, (0.31, *(other,) * len(heads)),
                 _("Requests of the year by dispute domain and party type"), right=tuple(range(1, len(heads) + 1))),
            Text(_("* Counted in the statutory figures. The other columns are requests handled outside them, "
                   "reported apart."), "small"),
            Text(e.definition("domain_count"), "small")]
