"""The activity information for the CECMC as a PDF (R-CECMC-1), beside its JSON and CSV files: the Table A items as
the annual report prints them (every number, as in the executive committee's edition), the organisation and the
staffing, the governance register (R-IND-5) and the trainings of the year (R-CECMC-2)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from mediator_plugin.core.pdf import fr_date, fr_number
from mediator_plugin.reports.blocks import Cover, Edition, Grid, Heading, Text
from mediator_plugin.reports.content_legal import table_a
from mediator_plugin.reports.labels import role_labels
from mediator_plugin.reports.pdf import render_blocks
from mediator_plugin.reports.snapshots import live_report


def _day(iso: str | None) -> str:
    return fr_date(date.fromisoformat(iso)) if iso else "—"


def _role(code: str) -> str:
    return {"mediator": _("Mediators"), "case_handler": _("Case handlers")}.get(code) or role_labels().get(code, code)


def _organisation(info: dict) -> list:
    o = info["organisation"]
    rows = [[_("Item"), _("Value")],
            [_("Mediator"), f"{o['mediator_name']}, {o['mediator_title']}"], [_("Company"), o["company_name"]],
            [_("Postal address"), o["postal_address"]], [_("E-mail address"), o["email"]],
            [_("Website"), o["website"]], [_("Version of the charter"), o["charter_version"]],
            [_("Departments answering the mediator"), ", ".join(o["departments"]) or "—"]]
    staffing = [[_("Role"), _("People")]] + [[_role(code), fr_number(n)] for code, n in info["staffing"].items()]
    return [Heading(_("Organisation and staffing")), Grid(rows, (0.35, 0.65), _("Organisation")),
            Grid(staffing, (0.6, 0.4), _("Staffing"), right=(1,)),
            Text(_("People who signed in to the module with each role since the start of the year."), "small")]


def _governance(register: dict) -> list:
    listing = register["listing"]
    if listing["listed"]:
        status = _("Listed since %(day)s — %(decision)s", day=_day(listing["listed_on"]),
                   decision=listing["cecmc_decision"])
    else:
        other = listing["listed_mediator"]
        status = _("Not listed (internal recourse); listed consumer mediator: %(name)s, %(address)s, %(website)s",
                   **other)
    rows = [[_("Item"), _("Value")],
            [_("Appointing body"), register["appointing_body"]],
            [_("Appointment decision"), _("%(day)s — %(minutes)s", day=_day(register["appointment"]["decided_on"]),
                                          minutes=register["appointment"]["minutes_reference"])],
            [_("Mandate"), _("From %(start)s to %(end)s", start=_day(register["mandate"]["start"]),
                             end=_day(register["mandate"]["end"]))],
            [_("Budget line of the mediation"), register["budget_line_reference"]],
            [_("End of the post-mandate restriction"), _day(register["post_mandate_restriction_ends_on"])],
            [_("Listing by the CECMC"), status]]
    return [Heading(_("Governance register")), Grid(rows, (0.35, 0.65), _("Governance register"))]


def _training(info: dict) -> list:
    log = info["training_log"]
    story = [Heading(_("Trainings of %(year)s", year=info["year"]), 1)]
    if not log["entries"]:
        return [*story, Text(_("No training is recorded for this year."))]
    rows = [[_("Date"), _("Subject"), _("Hours"), _("Participants")]]
    rows += [[_day(t["date"]), t["subject"], fr_number(t["hours"], 1), ", ".join(t["who"])] for t in log["entries"]]
    return [*story, Grid(rows, (0.16, 0.46, 0.1, 0.28), _("Trainings"), right=(2,)),
            Text(_("%(hours)s hours of training in the year.", hours=fr_number(log["total_hours"], 1)), "small")]


def activity_pdf(info: dict, figures: dict) -> bytes:
    """The PDF of ``info`` (:func:`mediator_plugin.retention.cecmc.activity`) and of the year's ``figures``."""
    year, o = info["year"], info["organisation"]
    title = _("Activity information for the CECMC — %(year)s", year=year)
    cover = Cover(title, o["company_name"],
                  _("Year from %(start)s to %(end)s", start=fr_date(date(year, 1, 1)), end=fr_date(date(year, 12, 31))),
                  _("Exported on %(day)s from the live data", day=_day(info["produced_at"][:10])), None,
                  [o["mediator_name"], o["mediator_title"], o["company_name"]],
                  [o["postal_address"], f"{o['email']} · {o['website']}"])
    edition = Edition(figures, live_report(figures), "comex")
    items = [cover, *table_a(edition), *_organisation(info), *_governance(info["governance"]), *_training(info)]
    return render_blocks(items, title=title, author=o["mediator_name"], subject=o["company_name"],
                         keywords=["CECMC", "médiation de la consommation", "R614-2", str(year)])
