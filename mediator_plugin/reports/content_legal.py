"""The chapter holding the eight items of Table A (R614-2, R-REPORT-1 and -2), each split into domestic
and cross-border disputes (R-REPORT-3), with the definition of every figure under its table."""

from __future__ import annotations

from flask_babel import gettext as _

from mediator_plugin.reports import formatting as fmt
from mediator_plugin.reports.blocks import Edition, Grid, Heading, Text

WIDTHS = (0.31, 0.23, 0.23, 0.23)
SPLITS = ("all", "domestic", "cross_border")


def _split_table(e: Edition, caption: str, lines: list[tuple[str, callable, callable]]) -> Grid:
    """One row per figure: its label, then the figure over all files, domestic and cross-border ones."""
    head = [_("Figure"), _("All disputes"), _("Domestic disputes"), _("Cross-border disputes")]
    rows = [head]
    for label, pick, show in lines:
        rows.append([label, *(show(pick(e.figures["table_a"][split])) for split in SPLITS)])
    return Grid(rows, WIDTHS, caption, right=(1, 2, 3))


def _definitions(e: Edition, codes: list[str]) -> list[Text]:
    return [Text(e.definition(code), "small") for code in dict.fromkeys(codes)]


def _item(e: Edition, number: int, title: str, legal: str, lines: list, codes: list[str], extra=()) -> list:
    caption = _("Item %(number)s — %(title)s", number=number, title=title)
    return [Heading(f"{number}. {title}", 1), Text(legal, "small"), _split_table(e, caption, lines), *extra,
            *_definitions(e, codes)]


def table_a(e: Edition) -> list:
    """Chapter: the statutory items, in the order of article R614-2 of the Consumer Code."""
    w = e.whole
    top = [c for c in e.figures["categories"] if c["code"] and c["numerator"] != 0][:3]
    topics = "; ".join(f"{e.label('category', c['code'])} ({fmt.percent(c)})" for c in top) or fmt.not_available()
    grounds = [(e.label("ground", g["code"]), lambda t, i=i: t["refusals"]["by_ground"][i], fmt.share)
               for i, g in enumerate(w["refusals"]["by_ground"])]
    causes = [(e.label("interruption", c["code"]), lambda t, i=i: t["interruptions"]["by_cause"][i], fmt.share)
              for i, c in enumerate(w["interruptions"]["by_cause"])]
    limit = w["durations"]["limit_days"]
    networks = e.figures["context"]["mediator"].get("networks") or _(
        "The mediator belongs to no network of cross-border mediators; cross-border disputes follow the same "
        "procedure, and the European Consumer Centre France can guide consumers.")
    recommendations = e.figures["recommendations"]["new"]
    return [
        Heading(_("The statutory items (article R614-2 of the Consumer Code)")),
        Text(_("Each figure shows what it is computed on and how it is defined. Disputes are split into domestic "
               "disputes and cross-border disputes, brought by consumers living in another country of the "
               "European Union (directive 2013/11/EU, article 7)."), "lead"),
        *_item(e, 1, _("Disputes referred and their subject"), _("Number of disputes referred to the mediator and "
               "their subject."), [(_("Saisines received"), lambda t: t["saisines"], fmt.number)], ["saisines"],
               [Text(_("Most frequent subjects: %(topics)s. The full breakdown by category is in the chapter "
                       "\"Activity\".", topics=topics))]),
        *_item(e, 2, _("Most frequent questions and recommendations"), _("Questions most often met in the "
               "disputes, and the mediator's recommendations to avoid them."), [
                   (e.label("category", c["code"]), lambda t, code=c["code"]: _category(e, t, code), lambda x: x)
                   for c in top], ["category_share"],
               [Text(_("Recommendations issued in %(year)s: %(count)s (see the chapter \"Recommendations\").",
                       year=e.year, count=len(recommendations)))]),
        *_item(e, 3, _("Disputes refused and grounds of refusal"), _("Share of the disputes the mediator refused "
               "to examine, and share of each ground of refusal."),
               [(_("Share of requests refused"), lambda t: t["refusals"]["share"], fmt.share), *grounds],
               ["refused_share", "ground_share"]),
        *_item(e, 4, _("Mediations interrupted and their causes"), _("Percentage of mediations interrupted and the "
               "main causes."), [(_("Share of mediations interrupted"), lambda t: t["interruptions"]["share"],
                                  fmt.share), *causes], ["interrupted_share", "cause_share"]),
        *_item(e, 5, _("Average duration of the mediation"), _("Average time taken to resolve the disputes."), [
            (_("Average duration"), lambda t: t["durations"]["mean"], fmt.day_count),
            (_("Median duration"), lambda t: t["durations"]["median"], fmt.day_count),
            (_("Ended within %(days)s days", days=limit), lambda t: t["durations"]["within_limit"], fmt.share),
            (_("Deadline extended (complex dispute)"), lambda t: t["durations"]["extended"], fmt.share),
        ], ["mean_duration", "median_duration", "within_limit", "extended_share"]),
        *_item(e, 6, _("Solutions carried out"), _("Percentage of mediations whose solution was carried out, "
               "where this is known."), [
            (_("Solution carried out"), lambda t: t["implementation"]["implemented"], fmt.share),
            (_("Implementation unknown"), lambda t: t["implementation"]["unknown"], fmt.share),
        ], ["implemented_share", "implementation_unknown"]),
        *_item(e, 7, _("Cooperation within networks of cross-border mediators"), _("Cooperation within networks "
               "of mediators of cross-border disputes."),
               [(_("Cross-border saisines"), lambda t: t["cross_border"], fmt.share)], ["cross_border_share"],
               [Text(networks)]),
        *_item(e, 8, _("Solutions in favour of each party and amicable resolutions"), _("For a mediator employed "
               "or paid by the professional alone: the share of solutions in favour of the consumer or of the "
               "professional, and the share of disputes resolved amicably."), [
            (_("In favour of the consumer"), lambda t: t["results"]["favours_consumer"], fmt.share),
            (_("In favour of the professional"), lambda t: t["results"]["favours_professional"], fmt.share),
            (_("Resolved amicably"), lambda t: t["results"]["amicable"], fmt.share),
        ], ["favours_consumer", "favours_professional", "amicable_share"]),
    ]


def _category(e: Edition, split_table: dict, code: str) -> str:
    """A category's share is only broken down over all files (the split tables carry no categories)."""
    if split_table is not e.whole:
        return "—"
    return fmt.share(next(c for c in e.figures["categories"] if c["code"] == code))
