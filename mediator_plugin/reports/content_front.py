"""The chapters around the figures: cover, contents, the mediator's letter (with her own foreword), key figures
(one tile for each item of article R614-2, with the year before), recommendations and tips for consumers,
method and provenance, annexes (with the charter, formatted)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from mediator_plugin.core.pdf import CREATOR, fr_date, fr_number
from mediator_plugin.reports import formatting as fmt
from mediator_plugin.reports.blocks import Contents, Cover, Edition, Grid, Heading, Listing, Run, Text, Tiles
from mediator_plugin.reports.comparison import category_before, previous_of
from mediator_plugin.reports.content_legal import comparison_note
from mediator_plugin.reports.markdown import charter_blocks


def edition_title(name: str) -> str:
    return {"public": _("Public edition"), "comex": _("Executive committee edition")}[name]


def report_title(year: int) -> str:
    return _("Annual report of the mediator — %(year)s", year=year)


def status_line(report: dict) -> str:
    if report["provisional"]:
        return _("Provisional: figures computed from the live data, not published")
    return _("Version %(version)s, published on %(when)s", version=report["version"],
             when=fmt.day(report["published_at"][:10]))


def correction_line(report: dict) -> str | None:
    if report["provisional"] or report["version"] == 1:
        return None
    return _("This version corrects version %(previous)s. Reason: %(reason)s", previous=report["version"] - 1,
             reason=report["reason"])


def front(e: Edition) -> list:
    m, year = e.figures["context"]["mediator"], e.year
    return [
        Cover(report_title(year), edition_title(e.name),
              _("Year from %(start)s to %(end)s", start=fr_date(date(year, 1, 1)), end=fr_date(date(year, 12, 31))),
              status_line(e.report), correction_line(e.report),
              [m["mediator_name"], m["mediator_title"], m["company_name"]],
              [m["postal_address"], f"{m['email']} · {m['website']}"]),
        Contents(_("Contents")),
    ]


def letter(e: Edition) -> list:
    w, f, m = e.whole, e.figures, e.figures["context"]["mediator"]
    top = max(w["refusals"]["by_ground"], key=lambda g: g["numerator"] or 0, default=None)
    # The public view hides small counts; the most frequent ground is then not named.
    ground = " " + _("The most frequent ground of refusal: %(ground)s.",
                     ground=e.label("ground", top["code"]).lower()) if top and top["numerator"] else ""
    open_recos = sum(1 for r in f["recommendations"]["follow_up"] if r["status"] not in ("IMPLEMENTED", "DECLINED",
                                                                                          "OBSOLETE"))
    greeting = _("To the members of the executive committee,") if not e.public else _("To our readers,")
    return [
        Heading(_("Letter from the mediator") if not e.public else _("A word from the mediator")),
        Text(greeting),
        *own_words(foreword(e.figures)),
        Text(_("In %(year)s, %(saisines)s consumers referred a dispute to the mediation. %(refused)s of these requests "
               "could not be examined.", year=e.year, saisines=fmt.number(w["saisines"]),
               refused=fmt.percent(w["refusals"]["share"]))
             + ground),
        Text(_("The mediations closed in the year lasted %(mean)s on average; %(within)s ended within %(days)s "
               "days. %(amicable)s were resolved amicably, and the solutions were fully or partly in the consumer's "
               "favour in %(favour)s of the cases.", mean=fmt.day_count(w["durations"]["mean"]),
               within=fmt.percent(w["durations"]["within_limit"]), days=w["durations"]["limit_days"],
               amicable=fmt.percent(w["results"]["amicable"]), favour=fmt.percent(w["results"]["favours_consumer"]))),
        Text(_("The company followed %(follow)s of my proposals. %(new)s new recommendations are issued this year, "
               "and %(open)s earlier ones are still being followed up.",
               follow=fmt.percent(f["answers"]["overall"]["company_followed"]),
               new=fr_number(len(f["recommendations"]["new"])), open=fr_number(open_recos))),
        Text(_("This report is computed from the files themselves; each figure states its definition, and the "
               "data it rests on is frozen at publication.")),
        Text(m["mediator_name"], "signature"),
        Text(m["mediator_title"], "small"),
    ]


def key_figures(e: Edition) -> list:
    """One tile for each item of article R614-2 (its figure over all disputes, never withheld: a total),
    then the admitted mediations and the parties' answers; each with the year before and the change."""
    w, f, before = e.whole, e.figures, previous_of(e.figures)
    b = before["table_a"] if before else None
    top = next((c for c in f["categories"] if c["code"]), None)
    subject = _("%(category)s: most frequent subject", category=e.label("category", top["code"])) if top else \
        _("most frequent subject")
    tiles = [
        _tile(fmt.number, w["saisines"], _("saisines received"), before, b and b["saisines"]),
        _tile(fmt.percent, top, subject, before, top and before and category_before(before, top["code"])),
        _tile(fmt.percent, w["refusals"]["share"], _("requests refused"), before, b and b["refusals"]["share"]),
        _tile(fmt.percent, w["interruptions"]["share"], _("mediations interrupted"), before,
              b and b["interruptions"]["share"]),
        _tile(_days, w["durations"]["mean"], _("average duration"), before, b and b["durations"]["mean"]),
        _tile(fmt.percent, w["implementation"]["implemented"], _("solutions carried out (where known)"), before,
              b and b["implementation"]["implemented"]),
        _tile(fmt.percent, w["cross_border"], _("cross-border saisines"), before, b and b["cross_border"]),
        _tile(fmt.percent, w["results"]["favours_consumer"], _("solutions in the consumer's favour"), before,
              b and b["results"]["favours_consumer"]),
        _tile(fmt.percent, w["results"]["amicable"], _("resolved amicably"), before, b and b["results"]["amicable"]),
        _tile(fmt.number, _count(f["funnel"]["admitted"]), _("mediations admitted"), before,
              before and _count(before["admitted"])),
        _tile(fmt.percent, f["answers"]["overall"]["company_followed"], _("proposals followed by the company"),
              before, before and before["answers"]["company_followed"]),
        _tile(fmt.percent, f["answers"]["overall"]["consumer_accepted"], _("proposals accepted by the consumer"),
              before, before and before["answers"]["consumer_accepted"]),
    ]
    return [Heading(_("Key figures"), new_page=False), *[Tiles(tiles[i:i + 3]) for i in range(0, len(tiles), 3)]]


def _tile(show, cell: dict | None, caption: str, before: dict | None, then: dict | None) -> tuple[str, str, str]:
    """A key figure: how it reads, its caption, and "2024 : 35 · +14,3 %" when the report compares."""
    now = fmt.not_available() if cell is None else show(cell)
    if before is None:
        return now, caption, ""
    was = fmt.not_available() if then is None else show(then)
    return now, caption, _("%(year)s: %(value)s · %(change)s", year=before["year"], value=was,
                           change=fmt.change(cell, then))


def _count(cell: dict) -> dict:
    """The numerator of a share as a count (the admitted mediations of the funnel)."""
    return {**cell, "value": cell["numerator"], "denominator": None}


def foreword(figures: dict) -> str:
    """The mediator's foreword the report carries ("" for none)."""
    return (figures.get("texts") or {}).get("foreword", "")


def own_words(text: str) -> list[Text]:
    """The mediator's own text as paragraphs (separated by blank lines); nothing for an empty text."""
    return [Text(p.strip(), "own") for p in text.split("\n\n") if p.strip()]


def _days(cell: dict) -> str:
    return fmt.not_available() if cell["value"] is None else _("%(days)s d", days=fr_number(cell["value"], 0))


def recommendations(e: Edition) -> list:
    recos, status = e.figures["recommendations"], (lambda code: e.label("status", code) if code else "—")
    story = [Heading(_("Recommendations")), Heading(_("New recommendations of %(year)s", year=e.year), 1)]
    if not recos["new"]:
        story.append(Text(_("No recommendation was issued in %(year)s.", year=e.year)))
    for r in recos["new"]:
        story += [Text(f"{r['reference']} — {r['title']}", "lead"), Text(r["text"])]
        if e.public:
            story.append(Text(_("Status: %(status)s. %(explanation)s", status=status(r["status"]),
                                explanation=r["public_explanation"]), "small"))
        else:
            story.append(Text(_("Addressed to %(department)s; owner: %(owner)s; due on %(due)s; status: %(status)s.",
                                department=e.label("department", r["addressee"]), owner=r["owner"] or "—",
                                due=fmt.day(r["due_on"]), status=status(r["status"])), "small"))
    story.append(Heading(_("Follow-up of earlier recommendations"), 1))
    if e.public:
        rows = [[_("Recommendation"), _("Status a year ago"), _("Status now"), _("Explanation")]]
        rows += [[f"{r['reference']} — {r['title']}", status(r["status_before"]), status(r["status"]),
                  r["public_explanation"]] for r in recos["follow_up"]]
        widths = (0.34, 0.16, 0.16, 0.34)
    else:
        rows = [[_("Recommendation"), _("Owner"), _("Due date"), _("Status a year ago"), _("Status now")]]
        rows += [[f"{r['reference']} — {r['title']}", r["owner"] or "—", fmt.day(r["due_on"]),
                  status(r["status_before"]), status(r["status"])] for r in recos["follow_up"]]
        widths = (0.36, 0.18, 0.16, 0.15, 0.15)
    if recos["follow_up"]:
        story.append(Grid(rows, widths, _("Follow-up of the recommendations issued before %(year)s", year=e.year)))
    else:
        story.append(Text(_("No earlier recommendation was still open at the start of the year.")))
    return story


def consumer_tips(e: Edition) -> list:
    """The mediator's practical tips for consumers, a list apart from the recommendations to the company
    (R-RECO-4); nothing when she wrote none."""
    tips = (e.figures.get("texts") or {}).get("tips", [])
    if not tips:
        return []
    return [Heading(_("Practical tips for consumers"), 1),
            Text(_("Drawn from the disputes of the year, these tips help consumers avoid them or settle them "
                   "with the company's customer service.")),
            Listing(tuple((Run(tip),) for tip in tips))]


def method(e: Edition) -> list:
    f, c, r = e.figures, e.figures["context"], e.report
    rows = [[_("Item"), _("Value")],
            [_("Edition"), edition_title(e.name)], [_("Status"), status_line(r)],
            [_("Charter"), _("version %(version)s (SHA-256 %(sha)s)", version=c["charter_version"],
                             sha=c["charter_sha256"][:16] + "…")],
            [_("Generator"), f"{CREATOR} {c['generator_version']}"],
            [_("Figures computed on"), fmt.when(f["computed_at"])],
            [_("Hash of the figures (SHA-256)"), r["data_sha256"]]]
    if correction_line(r):
        rows.append([_("Correction"), correction_line(r)])
    note = comparison_note(e)
    story = [Heading(_("Method and provenance")),
             Text(_("All figures cover consumer disputes only, in Paris time, from 1 January to 31 December. Those "
                    "about the saisines count the files received in the year; those about results count the "
                    "mediations that ended in the year.")),
             *([note] if note else []),
             Grid(rows, (0.3, 0.7), _("Provenance of this report"))]
    if e.public:
        story.append(Text(_("To protect the people concerned, every breakdown cell counting fewer than %(n)s files "
                            "reads \"not significant\", and so does any rate computed on fewer than %(n)s files.",
                            n=f["min_cell"])))
    else:
        story.append(Text(_("This edition shows every number. In the public edition, cells counting fewer than "
                            "%(n)s files read \"not significant\".", n=f["min_cell"])))
    return story


def annexes(e: Edition) -> list:
    items = [_("Number of disputes referred and their subject"), _("Most frequent questions and recommendations"),
             _("Share of disputes refused and grounds of refusal"), _("Mediations interrupted and their causes"),
             _("Average duration of the mediation"), _("Solutions carried out, where known"),
             _("Cooperation within networks of cross-border mediators"),
             _("Solutions in favour of each party and amicable resolutions")]
    rows = [[_("Item of article R614-2"), _("Where in this report")]]
    rows += [[f"{i}. {label}", _("The statutory items, item %(n)s", n=i)] for i, label in enumerate(items, 1)]
    story = [Heading(_("Annexes")), Heading(_("The legal items of the report"), 1),
             Text(_("Article R614-2 of the Consumer Code lists what the mediator's annual report contains; directive "
                    "2013/11/EU (article 7) adds the split between domestic and cross-border disputes.")),
             Grid(rows, (0.6, 0.4), _("Where each legal item is answered"))]
    if e.public:
        charter = charter_blocks(e.figures["context"]["charter_text"])
        if not (charter and isinstance(charter[0], Heading) and charter[0].level == 1):
            charter.insert(0, Heading(_("The mediator's charter"), 1))
        story += charter
    return story

