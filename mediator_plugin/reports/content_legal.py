"""The chapter holding the eight items of Table A (R614-2, R-REPORT-1 and -2), each split into domestic
and cross-border disputes (R-REPORT-3), with the definition of every figure under its table, and beside
the figures over all disputes, those of the year before and the change (see
:mod:`mediator_plugin.reports.comparison`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flask_babel import gettext as _

from mediator_plugin.reports import formatting as fmt
from mediator_plugin.reports.blocks import Edition, Grid, Heading, Text
from mediator_plugin.reports.comparison import category_before, previous_of

WIDTHS = (0.31, 0.23, 0.23, 0.23)
COMPARED_WIDTHS = (0.19, 0.17, 0.17, 0.165, 0.175, 0.13)
SPLITS = ("all", "domestic", "cross_border")


class Line(NamedTuple):
    """One figure of an item: its label, how to find it in a split's table, how it reads, and how to find it
    in the year before (by default as in a split's table)."""

    label: str
    pick: Callable[[dict], dict | None]
    show: Callable[[dict | None], str]
    before: Callable[[dict], dict | None] | None = None


def previous_heading(previous: dict) -> str:
    """The head of the column of the year before, saying when it was not published."""
    if previous["published"]:
        return _("All disputes in %(year)s", year=previous["year"])
    return _("All disputes in %(year)s (not published)", year=previous["year"])


def comparison_note(e: Edition) -> Text | None:
    """Where the figures of the year before come from, and how the change reads; None without a comparison."""
    previous = previous_of(e.figures)
    if previous is None:
        return None
    how = _("A change reads in points for a share, in per cent for a count and in days for a duration.")
    if previous["published"]:
        return Text(_("The figures of %(year)s are those of its published report (version %(version)s of "
                      "%(date)s).", year=previous["year"], version=previous["published"]["version"],
                      date=fmt.day(previous["published"]["published_at"][:10])) + " " + how, "small")
    return Text(_("The report of %(year)s was not published: its figures are computed from the data as it stands "
                  "today, and marked “not published”.", year=previous["year"]) + " " + how, "small")


def _split_table(e: Edition, caption: str, lines: list[Line]) -> Grid:
    """One row per figure: its label, then the figure over all files, domestic and cross-border ones, and when
    the report carries the year before, that year's figure over all files and the change."""
    previous = previous_of(e.figures)
    head = [_("Figure"), _("All disputes"), _("Domestic disputes"), _("Cross-border disputes")]
    if previous:
        head += [previous_heading(previous), _("Change")]
    rows = [head]
    for line in lines:
        row = [line.label, *(_shown(line, line.pick(e.figures["table_a"][split])) for split in SPLITS)]
        if previous:
            before = line.before(previous) if line.before else line.pick(previous["table_a"])
            row += [_shown(line, before), fmt.change(line.pick(e.whole), before)]
        rows.append(row)
    if previous:
        return Grid(rows, COMPARED_WIDTHS, caption, right=(1, 2, 3, 4, 5))
    return Grid(rows, WIDTHS, caption, right=(1, 2, 3))


def _shown(line: Line, cell: dict | None) -> str:
    return "—" if cell is None else line.show(cell)


def _coded(cells: list[dict], code: str) -> dict | None:
    return next((c for c in cells if c["code"] == code), None)


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
    # By code, not by position: the year before may have been counted under another list of the charter.
    grounds = [Line(e.label("ground", g["code"]), lambda t, code=g["code"]: _coded(t["refusals"]["by_ground"], code),
                    fmt.share) for g in w["refusals"]["by_ground"]]
    causes = [Line(e.label("interruption", c["code"]),
                   lambda t, code=c["code"]: _coded(t["interruptions"]["by_cause"], code), fmt.share)
              for c in w["interruptions"]["by_cause"]]
    limit = w["durations"]["limit_days"]
    networks = e.figures["context"]["mediator"].get("networks") or _(
        "The mediator belongs to no network of cross-border mediators; cross-border disputes follow the same "
        "procedure, and the European Consumer Centre France can guide consumers.")
    recommendations = e.figures["recommendations"]["new"]
    note = comparison_note(e)
    return [
        Heading(_("The statutory items (article R614-2 of the Consumer Code)")),
        Text(_("Each figure shows what it is computed on and how it is defined. Disputes are split into domestic "
               "disputes and cross-border disputes, brought by consumers living in another country of the "
               "European Union (directive 2013/11/EU, article 7)."), "lead"),
        *([note] if note else []),
        *_item(e, 1, _("Disputes referred and their subject"), _("Number of disputes referred to the mediator and "
               "their subject."), [Line(_("Saisines received"), lambda t: t["saisines"], fmt.number)], ["saisines"],
               [Text(_("Most frequent subjects: %(topics)s. The full breakdown by category is in the chapter "
                       "\"Activity\".", topics=topics))]),
        *_item(e, 2, _("Most frequent questions and recommendations"), _("Questions most often met in the "
               "disputes, and the mediator's recommendations to avoid them."), [
                   Line(e.label("category", c["code"]), lambda t, code=c["code"]: _category(e, t, code), fmt.share,
                        lambda p, code=c["code"]: category_before(p, code)) for c in top], ["category_share"],
               [Text(_("Recommendations issued in %(year)s: %(count)s (see the chapter \"Recommendations\").",
                       year=e.year, count=len(recommendations)))]),
        *_item(e, 3, _("Disputes refused and grounds of refusal"), _("Share of the disputes the mediator refused "
               "to examine, and share of each ground of refusal."),
               [Line(_("Share of requests refused"), lambda t: t["refusals"]["share"], fmt.share), *grounds],
               ["refused_share", "ground_share"]),
        *_item(e, 4, _("Mediations interrupted and their causes"), _("Percentage of mediations interrupted and the "
               "main causes."), [Line(_("Share of mediations interrupted"), lambda t: t["interruptions"]["share"],
                                      fmt.share), *causes], ["interrupted_share", "cause_share"]),
        *_item(e, 5, _("Average duration of the mediation"), _("Average time taken to resolve the disputes."), [
            Line(_("Average duration"), lambda t: t["durations"]["mean"], fmt.day_count),
            Line(_("Median duration"), lambda t: t["durations"]["median"], fmt.day_count),
            Line(_("Ended within %(days)s days", days=limit), lambda t: t["durations"]["within_limit"], fmt.share),
            Line(_("Deadline extended (complex dispute)"), lambda t: t["durations"]["extended"], fmt.share),
        ], ["mean_duration", "median_duration", "within_limit", "extended_share"]),
        *_item(e, 6, _("Solutions carried out"), _("Percentage of mediations whose solution was carried out, "
               "where this is known."), [
            Line(_("Solution carried out"), lambda t: t["implementation"]["implemented"], fmt.share),
            Line(_("Implementation unknown"), lambda t: t["implementation"]["unknown"], fmt.share),
        ], ["implemented_share", "implementation_unknown"]),
        *_item(e, 7, _("Cooperation within networks of cross-border mediators"), _("Cooperation within networks "
               "of mediators of cross-border disputes."),
               [Line(_("Cross-border saisines"), lambda t: t["cross_border"], fmt.share)], ["cross_border_share"],
               [Text(networks)]),
        *_item(e, 8, _("Solutions in favour of each party and amicable resolutions"), _("For a mediator employed "
               "or paid by the professional alone: the share of solutions in favour of the consumer or of the "
               "professional, and the share of disputes resolved amicably."), [
            Line(_("In favour of the consumer"), lambda t: t["results"]["favours_consumer"], fmt.share),
            Line(_("In favour of the professional"), lambda t: t["results"]["favours_professional"], fmt.share),
            Line(_("Resolved amicably"), lambda t: t["results"]["amicable"], fmt.share),
        ], ["favours_consumer", "favours_professional", "amicable_share"]),
    ]


def _category(e: Edition, split_table: dict, code: str) -> dict | None:
    """A category's share is only broken down over all files (the split tables carry no categories)."""
    if split_table is not e.whole:
        return None
    return next(c for c in e.figures["categories"] if c["code"] == code)
