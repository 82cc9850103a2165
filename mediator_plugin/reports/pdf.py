"""The mediator's annual report as PDF (R-REPORT-4), from figures computed elsewhere.

This first edition covers the saisines, the refusals by legal ground and the average duration.
Each section is one function taking ``(figures, charter)`` and returning flowables; the full
legal report (R614-2, Table A) adds its sections to ``SECTIONS``.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import HRFlowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from mediator_plugin import __version__
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.charter import Charter
from mediator_plugin.core.pdf import (
    ACCENT,
    CONTENT_WIDTH,
    CREATOR,
    bar_chart,
    fr_date,
    fr_datetime,
    fr_number,
    fr_percent,
    pdf_text,
    render_pdf,
    stylesheet,
)

EDITIONS = ("public", "comex")
_LIGHT = colors.HexColor("#EEF2F7")


def edition_title(edition: str) -> str:
    return {"public": _("Public edition"), "comex": _("Executive committee edition")}[edition]


def report_title(year: int) -> str:
    return _("Annual report of the mediator — %(year)s", year=year)


def share_text(share: float | None, numerator: int, denominator: int) -> str:
    """A share with what it is computed on: "12,5 % (25 sur 200)", or "non disponible"."""
    if share is None:
        return _("not available")
    return _("%(share)s (%(numerator)s out of %(denominator)s)", share=fr_percent(share),
             numerator=fr_number(numerator), denominator=fr_number(denominator))


def duration_text(days: float | None, counted: int) -> str:
    """An average duration with its base: "41,3 jours (moyenne sur 120 dossiers)", or "non disponible"."""
    if days is None:
        return _("not available")
    # French counts below 2 in the singular ("1,5 jour"): the plural form is chosen on the integer part.
    unit = ngettext("%(days)s day", "%(days)s days", int(days), days=fr_number(days, 1))
    base = ngettext("average over %(files)s file", "average over %(files)s files", counted, files=fr_number(counted))
    return f"{unit} ({base})"


def _table(rows: list[list[str]], widths: list[float], *, header: bool, right: tuple[int, ...] = ()) -> Table:
    """A table of escaped text cells, striped, with an optional coloured header row."""
    st = stylesheet()
    cells = []
    for r, row in enumerate(rows):
        styles = [st["cell_head"] if header and r == 0 else st["cell_right" if c in right else "cell"]
                  for c in range(len(row))]
        cells.append([Paragraph(pdf_text(value), style) for value, style in zip(row, styles, strict=True)])
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.lightgrey),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("ROWBACKGROUNDS", (0, 1 if header else 0), (-1, -1), [colors.white, _LIGHT]),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), ACCENT))
    return Table(cells, colWidths=widths, repeatRows=1 if header else 0, style=TableStyle(commands),
                 hAlign="LEFT")


def _cover(figures: dict, charter: Charter, edition: str) -> list:
    st = stylesheet()
    year, mediator = figures["year"], charter.mediator
    period = _("Year from %(start)s to %(end)s", start=fr_date(date(year, 1, 1)), end=fr_date(date(year, 12, 31)))
    return [
        Spacer(1, 5 * cm),
        Paragraph(pdf_text(report_title(year)),
                  st["title"].clone("cover_title", fontSize=21, leading=27)),
        Paragraph(pdf_text(edition_title(edition)), st["subtitle"]),
        Paragraph(pdf_text(period), st["subtitle"]),
        HRFlowable(width="100%", thickness=2, color=ACCENT, spaceBefore=10, spaceAfter=24),
        Paragraph(pdf_text(mediator["mediator_name"]),
                  st["strong"].clone("cover_name", fontSize=13, leading=17)),
        Paragraph(pdf_text(mediator["mediator_title"]), st["left"]),
        Paragraph(pdf_text(mediator["company_name"]), st["left"]),
        Spacer(1, 8 * cm),
        Paragraph(pdf_text(mediator["postal_address"]), st["small"]),
        Paragraph(pdf_text(f"{mediator['email']} · {mediator['website']}"), st["small"]),
        PageBreak(),
    ]


def _key_figures(figures: dict, charter: Charter) -> list:
    rows = [
        [_("Requests for mediation received"), fr_number(figures["saisines"])],
        [_("Requests refused (inadmissible)"),
         share_text(figures["refused_share"], figures["refused"], figures["saisines"])],
        [_("Average duration of the mediation"),
         duration_text(figures["average_duration_days"], figures["durations_counted"])],
    ]
    return [Paragraph(pdf_text(_("Key figures")), stylesheet()["heading"]),
            _table(rows, [7 * cm, CONTENT_WIDTH - 7 * cm], header=False), Spacer(1, 8)]


def _refusals(figures: dict, charter: Charter) -> list:
    st = stylesheet()
    grounds, refused = figures["refused_by_ground"], figures["refused"]
    rows = [[_("Ground of refusal (Consumer Code, article L612-2)"), _("Number"), _("Share of refusals")]]
    rows += [[g["label"], fr_number(g["count"]), "—" if g["share"] is None else fr_percent(g["share"])]
             for g in grounds]
    story = [
        Paragraph(pdf_text(_("Refusals by ground")), st["heading"]),
        _table(rows, [CONTENT_WIDTH - 5.4 * cm, 2.2 * cm, 3.2 * cm], header=True, right=(1, 2)),
        Paragraph(pdf_text(_("Share of refusals: refusals on the ground divided by all the refusals of the year "
                             "(%(refused)s).", refused=fr_number(refused))), st["small"]),
        Spacer(1, 12),
    ]
    if refused:
        caption = st["strong"].clone("chart_title", fontSize=9)
        story += [Paragraph(pdf_text(_("Number of refusals by ground")), caption),
                  bar_chart([(g["label"], g["count"]) for g in grounds], CONTENT_WIDTH), Spacer(1, 10)]
    else:
        story.append(Paragraph(pdf_text(_("No request was refused in %(year)s.", year=figures["year"])), st["body"]))
    return story


def _method(figures: dict, charter: Charter) -> list:
    st = stylesheet()
    year = figures["year"]
    bullet = st["body"].clone("bullet", leftIndent=12, bulletIndent=0, spaceAfter=4)
    definitions = [
        _("Requests for mediation: requests received from consumers between %(start)s and %(end)s, whatever "
          "became of them.", start=fr_date(date(year, 1, 1)), end=fr_date(date(year, 12, 31))),
        _("Share of requests refused: requests declared inadmissible (Consumer Code, article L612-2) divided by "
          "the requests for mediation of the year."),
        _("Average duration: average number of calendar days between the notice of seizure to the parties and "
          "the end of the mediation, for the files closed in the year with an outcome."),
    ]
    provenance = _("Figures computed on %(when)s under version %(version)s of the mediator's charter, by "
                   "%(generator)s %(generator_version)s.", when=fr_datetime(figures["generated_at"].astimezone(PARIS)),
                   version=figures["charter_version"], generator=CREATOR, generator_version=__version__)
    return [
        Paragraph(pdf_text(_("Method")), st["heading"]),
        *[Paragraph(pdf_text(text), bullet, bulletText="•") for text in definitions],
        Spacer(1, 6),
        Paragraph(pdf_text(provenance), st["small"]),
    ]


SECTIONS = (_key_figures, _refusals, _method)


def render_report(figures: dict, *, charter: Charter, edition: str) -> bytes:
    """The annual report for ``figures["year"]`` as PDF bytes; ``edition`` is "public" or "comex"."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}; expected one of {', '.join(EDITIONS)}")
    title = report_title(figures["year"])
    story = _cover(figures, charter, edition)
    for section in SECTIONS:
        story += section(figures, charter)
    return render_pdf(story, title=title, author=charter.mediator["mediator_name"],
                      subject=f"{edition_title(edition)} — {charter.mediator['company_name']}",
                      footer=f"{title} · {edition_title(edition)}")
