"""The chapters of figures: activity (funnel, months, channels, categories), results (outcomes,
durations, implementation), the company's departments, independence, and the years before."""

from __future__ import annotations

from flask_babel import gettext as _

from mediator_plugin.core.pdf import CONTENT_WIDTH, fr_number
from mediator_plugin.reports import charts
from mediator_plugin.reports import formatting as fmt
from mediator_plugin.reports.blocks import Chart, Edition, Grid, Heading, Text

WIDE = CONTENT_WIDTH


def _breakdown(e: Edition, kind: str, cells: list[dict], caption: str, head: str) -> Grid:
    rows = [[head, _("Number"), _("Share")]]
    rows += [[e.label(kind, c["code"]), fmt.number(c), fmt.percent(c)] for c in cells]
    return Grid(rows, (0.6, 0.2, 0.2), caption, right=(1, 2))


def _bars(e: Edition, kind: str, cells: list[dict], *, as_share=False):
    return charts.horizontal_bars([(e.label(kind, c["code"]), *fmt.chart_value(c, as_share=as_share))
                                   for c in cells], WIDE)


def activity(e: Edition) -> list:
    f = e.figures
    funnel = f["funnel"]
    stages = [(_("Requests in the intake queue"), funnel["contacts"], fmt.number),
              (_("Saisines (consumer disputes)"), funnel["saisines"], fmt.number),
              (_("Refused (inadmissible)"), funnel["refused"], fmt.share),
              (_("Admitted and notified"), funnel["admitted"], fmt.share),
              (_("… with an outcome"), funnel["with_outcome"], fmt.share),
              (_("… interrupted"), funnel["interrupted"], fmt.share),
              (_("… still under way"), funnel["under_way"], fmt.share),
              (_("Awaiting an admissibility decision"), funnel["before_admission"], fmt.number),
              (_("Requests from non-consumers (outside the statutory figures)"), funnel["non_statutory"],
               fmt.number)]
    month_items = [(fmt.MONTHS[i], n, "n.s." if n is None else fr_number(n)) for i, n in enumerate(f["per_month"])]
    months = Grid([[_("Month"), _("Saisines")]] + [[m, t] for m, _v, t in month_items], (0.5, 0.5),
                  _("Saisines per month"), right=(1,))
    categories = [[_("Category"), _("Number"), _("Share")]]
    for c in f["categories"]:
        categories.append([e.label("category", c["code"]), fmt.number(c), fmt.percent(c)])
        categories += [["\u00a0" * 5 + e.label("category", s["code"]), fmt.number(s), fmt.percent(s)]
                       for s in c["children"]]
    return [
        Heading(_("Activity in %(year)s", year=e.year)),
        Heading(_("From request to outcome"), 1),
        Grid([[_("Stage"), _("Files")]] + [[label, show(cell)] for label, cell, show in stages], (0.6, 0.4),
             _("The funnel of the saisines of the year"), right=(1,)),
        Text(_("The stages after the saisine follow the files received in the year: admitted files are those "
               "with an outcome, those interrupted and those still under way."), "small"),
        Chart(_("Saisines per month"), charts.vertical_bars(month_items, WIDE), months, False),
        Heading(_("How consumers reach the mediator"), 1),
        Chart(_("Saisines by channel"), _bars(e, "channel", f["channels"]),
              _breakdown(e, "channel", f["channels"], _("Saisines by channel"), _("Channel"))),
        Heading(_("Subjects of the disputes"), 1),
        Chart(_("Saisines by category"), _bars(e, "category", f["categories"]),
              Grid(categories, (0.6, 0.2, 0.2), _("Saisines by category and sub-category"), right=(1, 2))),
        Text(e.definition("category_share"), "small"),
    ]


def results(e: Edition) -> list:
    w, f = e.whole, e.figures
    outcomes = w["results"]["by_outcome"]
    bands = f["duration_bands"]
    band_items = [(_band(b), *fmt.chart_value(b)) for b in bands]
    statuses = w["implementation"]["by_status"]
    return [
        Heading(_("Results")),
        Heading(_("Outcomes of the mediations closed in %(year)s", year=e.year), 1),
        Chart(_("Outcomes"), charts.pie([(e.label("outcome", o["code"]), *fmt.chart_value(o, as_share=True))
                                        for o in outcomes], WIDE),
              _breakdown(e, "outcome", outcomes, _("Outcomes of the mediations closed in the year"), _("Outcome"))),
        Text(e.definition("outcome_share"), "small"),
        Heading(_("Durations"), 1),
        Chart(_("Mediations closed in the year by duration (days)"), charts.vertical_bars(band_items, WIDE, 140),
              Grid([[_("Duration"), _("Mediations")]] + [[label, text] for label, _v, text in band_items], (0.5, 0.5),
                   _("Mediations closed in the year by duration"), right=(1,)), False),
        Text(e.definition("band_share"), "small"),
        Heading(_("Implementation of the solutions"), 1),
        _breakdown(e, "implementation", statuses, _("Implementation of the solutions"), _("Latest record")),
        Text(e.definition("implementation_status"), "small"),
    ]


def _band(band: dict) -> str:
    if band["high"] is None:
        return _("over %(low)s", low=band["low"] - 1)
    return f"{band['low']}–{band['high']}"


def departments(e: Edition) -> list:
    f = e.figures
    answers, reminders = f["answers"], f["reminders"]
    codes = sorted(set(answers["departments"]) | set(reminders["departments"]))
    empty = {key: {"value": None} for key in ("company_followed", "company_refused", "company_silent",
                                              "consumer_accepted")}
    rows = [[_("Department"), _("Company follow rate"), _("Reasoned refusals"), _("No answer"),
             _("Consumer acceptance"), _("Reminders per file")]]
    for code in codes:
        a = answers["departments"].get(code, empty)
        r = reminders["departments"].get(code, {"value": None})
        rows.append([e.label("department", code), fmt.share(a["company_followed"]), fmt.share(a["company_refused"]),
                     fmt.share(a["company_silent"]), fmt.share(a["consumer_accepted"]), fmt.per_file(r)])
    o = answers["overall"]
    rows.append([_("All departments"), fmt.share(o["company_followed"]), fmt.share(o["company_refused"]),
                 fmt.share(o["company_silent"]), fmt.share(o["consumer_accepted"]), fmt.per_file(reminders["overall"])])
    items = [(e.label("department", code), *fmt.chart_value(answers["departments"][code]["company_followed"],
                                                            as_share=True)) for code in sorted(answers["departments"])]
    story = [Heading(_("The company's departments")),
             Grid(rows, (0.22, 0.16, 0.16, 0.14, 0.16, 0.16),
                  _("Answers to the proposals and reminders, per department"), right=(1, 2, 3, 4, 5))]
    if items:
        story.append(Chart(_("Company follow rate per department"), charts.horizontal_bars(items, WIDE), None))
    story += [Text(e.definition(code), "small") for code in ("company_follow_rate", "company_refusal_rate",
                                                             "company_silence_rate", "consumer_acceptance_rate",
                                                             "reminders_per_file")]
    story += [Heading(_("Saisines per department"), 1),
              _breakdown(e, "department", f["departments"], _("Saisines per department"), _("Department"))]
    return story


def independence(e: Edition) -> list:
    a = e.figures["accesses"]
    rows = [[_("Who"), _("Actions on files")]] + [[e.label("role", r["code"]), fmt.number(r)] for r in a["by_role"]]
    rows.append([_("Total"), fmt.number(a["total"])])
    return [Heading(_("Independence made visible"), 1),
            Text(_("Every reading of a file and every action on it is recorded in a chained audit log. People outside "
                   "the mediator's team acted %(total)s times on %(files)s files in %(year)s, always within what their "
                   "role allows (answering a request for observations, recording an implementation).",
                   total=fmt.number(a["total"]), files=fmt.number(a["files"]), year=e.year)),
            Grid(rows, (0.7, 0.3), _("Actions on files by people outside the mediator's team"), right=(1,)),
            Text(e.definition("outside_accesses"), "small")]


def trend(e: Edition) -> list:
    years = e.figures["trend"]
    items = [(str(y["year"]), y["saisines"], fr_number(y["saisines"])) for y in years]
    rows = [[_("Year"), _("Saisines"), _("Closed with an outcome"), _("Average duration (days)")]]
    rows += [[str(y["year"]), fr_number(y["saisines"]), fr_number(y["closed"]),
              "—" if y["mean_days"] is None else fr_number(y["mean_days"], 1)] for y in years]
    return [Heading(_("Year on year"), 1),
            Chart(_("Saisines per year"), charts.vertical_bars(items, WIDE, 130),
                  Grid(rows, (0.25, 0.25, 0.25, 0.25), _("The last five years"), right=(1, 2, 3)))]
