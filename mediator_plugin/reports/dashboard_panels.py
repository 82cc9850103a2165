"""The executive dashboard as the page shows it: each figure of :mod:`.dashboard` becomes a panel with
its words, a chart (:mod:`.svg`) and the same values as a table, in the reader's locale (French by default)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import get_month_names
from flask_babel import format_decimal, format_percent, get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from mediator_plugin import state
from mediator_plugin.cases.presenters import department_label
from mediator_plugin.recommendations.presenters import status_label
from mediator_plugin.reports import svg


def _half_up(value: float, decimals: int) -> Decimal:
    # Rounded half up, as readers of statistics expect and as the PDF report does (Babel rounds half even).
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: float, decimals: int = 0) -> str:
    """``value`` with the locale's separators: "1 234", "41,3"."""
    return format_decimal(_half_up(value, decimals), format="#,##0" + ("." + "0" * decimals if decimals else ""))


def percent(ratio: float) -> str:
    """A 0..1 ratio as the locale writes a percentage, one decimal: "66,7 %"."""
    pattern = get_locale().percent_formats[None].pattern
    return format_percent(_half_up(ratio, 3), format=re.sub(r"0(?=[^0]*$)", "0.0", pattern, count=1))


def _share(part: int, whole: int) -> str:
    return percent(part / whole) if whole else "—"


@dataclass
class Panel:
    """One figure of the dashboard: title, chart, table (header and rows of text) and its definition."""

    key: str
    title: str
    chart: Markup | None
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""

    @property
    def wide(self) -> bool:
        """A table too wide to sit beside its chart goes under it."""
        return len(self.columns) > 3


def _counted(key: str, title: str, items: list[tuple[str, int]], *, first_column: str, note: str = "",
             axis_title: str | None = None) -> Panel:
    """A panel of counts with their share of the total, as horizontal bars."""
    total = sum(count for _, count in items)
    chart = svg.bar_chart(f"chart-{key}", title, items, fmt=number,
                          axis_title=axis_title or _("Number of files")) if total else None
    rows = [[label, number(count), _share(count, total)] for label, count in items]
    return Panel(key, title, chart, [first_column, _("Number"), _("Share")], rows, note)


def _months(figures: dict) -> Panel:
    wide = get_month_names("wide", locale=get_locale())
    short = get_month_names("abbreviated", locale=get_locale())
    counts = figures["received_by_month"]
    title = _("Files received per month")
    chart = svg.column_chart("chart-months", title, [(short[m], counts[m - 1]) for m in range(1, 13)],
                             fmt=number, axis_title=_("Files received"))
    rows = [[wide[m].capitalize(), number(counts[m - 1])] for m in range(1, 13)]
    rows.append([_("Total"), number(sum(counts))])
    return Panel("months", title, chart, [_("Month"), _("Files received")], rows)


def _follow_rates(figures: dict) -> Panel:
    title = _("Follow rate of the mediator's proposals, per department")
    items, rows = [], []
    for department, parties in sorted(figures["follow_rates"].items(), key=lambda item: str(item[0])):
        label = department_label(department) if department else _("No department")
        company, consumer = parties["company"], parties["consumer"]
        answered, accepted = sum(company.values()), company.get("accepted", 0)
        if answered:
            items.append((label, accepted / answered))
        rows.append([label, number(answered), number(accepted), _share(accepted, answered),
                     _share(consumer.get("accepted", 0), sum(consumer.values()))])
    chart = svg.bar_chart("chart-follow", title, items, fmt=percent, axis_title=_("Follow rate"), ratio=True) \
        if items else None
    note = _("Follow rate: proposals accepted by the company divided by the proposals the company answered or "
             "let pass without answer, by the date of the answer. The consumer's acceptance is counted the same way.")
    return Panel("follow", title, chart, [_("Department"), _("Company answers"), _("Proposals accepted by the company"),
                                          _("Follow rate"), _("Acceptance rate of the consumers")], rows, note)


def _durations(figures: dict) -> Panel:
    d = figures["durations"]
    title = _("Duration of the mediations that ended in the year")
    items = [(_("Within 90 days"), d["within"]), (_("Over 90 days"), d["count"] - d["within"])]
    chart = svg.bar_chart("chart-durations", title, items, fmt=number, axis_title=_("Number of files")) \
        if d["count"] else None

    def days(value):
        return "—" if value is None else ngettext("%(days)s day", "%(days)s days", int(value), days=number(value, 1))

    rows = [[_("Mediations ended with an outcome"), number(d["count"])], [_("Mean duration"), days(d["mean"])],
            [_("Median duration"), days(d["median"])],
            [_("Ended within 90 days"), "—" if d["within_share"] is None else percent(d["within_share"])]]
    note = _("Duration: calendar days from the notice of seizure to the end of the mediation.")
    return Panel("durations", title, chart, [_("Figure"), _("Value")], rows, note)


def build(figures: dict) -> list[Panel]:
    """Every panel of the dashboard, in reading order."""
    charter = state().charter
    adm = figures["admissibility"]
    endings = figures["endings"]
    categories = figures["categories"]
    category_items = [(c["label"], categories.get(c["code"], 0)) for c in charter.rules["categories"]]
    if categories.get(None):
        category_items.append((_("Not classified yet"), categories[None]))
    return [
        _months(figures),
        _counted("admissibility", _("Admissibility of the files received"),
                 [(_("Admitted files"), adm["admitted"]), (_("Refused files (inadmissible)"), adm["refused"]),
                  (_("Admissibility not decided yet"), adm["pending"])], first_column=_("Decision")),
        _counted("grounds", _("Grounds of refusal (Consumer Code, article L612-2)"),
                 [(g["label"], adm["by_ground"].get(g["code"], 0)) for g in charter.rules["grounds"]],
                 first_column=_("Ground")),
        _counted("outcomes", _("Outcome of the mediations that ended in the year"),
                 [(o["label"], endings["outcomes"].get(o["code"], 0)) for o in charter.rules["outcomes"]],
                 first_column=_("Outcome")),
        _counted("interruptions", _("Mediations interrupted in the year"),
                 [(c["label"], endings["interruptions"].get(c["code"], 0)) for c in charter.rules["interruptions"]],
                 first_column=_("Cause")),
        _counted("categories", _("Files received by category"), category_items, first_column=_("Category")),
        _follow_rates(figures),
        _durations(figures),
        _counted("recommendations", _("General recommendations by status"),
                 [(status_label(code), count) for code, count in figures["recommendations"].items()],
                 first_column=_("Status"), axis_title=_("Number of recommendations"),
                 note=_("Recommendations issued up to the year selected, with their status today.")),
    ]
