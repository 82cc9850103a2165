"""The mediator's annual report as PDF (R-REPORT-4), from figures computed elsewhere.

This first edition covers the saisines, the refusals by legal ground and the average duration.
Each section is one function taking ``(figures, charter)`` and returning flowables; the full
legal report (R614-2, Table A) adds its sections to ``SECTIONS``.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import HRFlowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from mediator_plugin import __version__
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

EDITIONS = {"public": "Édition publique", "comex": "Édition pour le comité exécutif"}
UNAVAILABLE = "non disponible"
_LIGHT = colors.HexColor("#EEF2F7")


def _plural(n: float, word: str) -> str:
    # French: singular below 2 ("1,5 jour"), plural from 2 on.
    return word if abs(n) < 2 else word + "s"


def share_text(share: float | None, numerator: int, denominator: int) -> str:
    """A share with what it is computed on: "12,5 % (25 sur 200)", or "non disponible"."""
    if share is None:
        return UNAVAILABLE
    return f"{fr_percent(share)} ({fr_number(numerator)} sur {fr_number(denominator)})"


def duration_text(days: float | None, counted: int) -> str:
    """An average duration with its base: "41,3 jours (moyenne sur 120 dossiers)", or "non disponible"."""
    if days is None:
        return UNAVAILABLE
    return (f"{fr_number(days, 1)} {_plural(days, 'jour')} "
            f"(moyenne sur {fr_number(counted)} {_plural(counted, 'dossier')})")


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
    period = f"Exercice du {fr_date(date(year, 1, 1))} au {fr_date(date(year, 12, 31))}"
    return [
        Spacer(1, 5 * cm),
        Paragraph(pdf_text(f"Rapport annuel du médiateur — {year}"),
                  st["title"].clone("cover_title", fontSize=21, leading=27)),
        Paragraph(pdf_text(EDITIONS[edition]), st["subtitle"]),
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
        ["Saisines reçues", fr_number(figures["saisines"])],
        ["Demandes refusées (irrecevables)",
         share_text(figures["refused_share"], figures["refused"], figures["saisines"])],
        ["Durée moyenne de la médiation",
         duration_text(figures["average_duration_days"], figures["durations_counted"])],
    ]
    return [Paragraph(pdf_text("Chiffres clés"), stylesheet()["heading"]),
            _table(rows, [7 * cm, CONTENT_WIDTH - 7 * cm], header=False), Spacer(1, 8)]


def _refusals(figures: dict, charter: Charter) -> list:
    st = stylesheet()
    grounds, refused = figures["refused_by_ground"], figures["refused"]
    rows = [["Motif de refus (article L612-2 du code de la consommation)", "Nombre", "Part des refus"]]
    rows += [[g["label"], fr_number(g["count"]), "—" if g["share"] is None else fr_percent(g["share"])]
             for g in grounds]
    story = [
        Paragraph(pdf_text("Refus par motif"), st["heading"]),
        _table(rows, [CONTENT_WIDTH - 5.4 * cm, 2.2 * cm, 3.2 * cm], header=True, right=(1, 2)),
        Paragraph(pdf_text(f"Part des refus : nombre de refus pour le motif rapporté au nombre total "
                           f"de refus de l'année ({fr_number(refused)})."), st["small"]),
        Spacer(1, 12),
    ]
    if refused:
        caption = st["strong"].clone("chart_title", fontSize=9)
        story += [Paragraph(pdf_text("Nombre de refus par motif"), caption),
                  bar_chart([(g["label"], g["count"]) for g in grounds], CONTENT_WIDTH), Spacer(1, 10)]
    else:
        story.append(Paragraph(pdf_text(f"Aucune demande n'a été refusée en {figures['year']}."), st["body"]))
    return story


def _method(figures: dict, charter: Charter) -> list:
    st = stylesheet()
    year = figures["year"]
    bullet = st["body"].clone("bullet", leftIndent=12, bulletIndent=0, spaceAfter=4)
    definitions = [
        f"Saisines : demandes de médiation reçues des consommateurs entre le {fr_date(date(year, 1, 1))} "
        f"et le {fr_date(date(year, 12, 31))}, quelle que soit leur suite.",
        "Part des demandes refusées : nombre de demandes déclarées irrecevables (article L612-2 du code "
        "de la consommation) rapporté au nombre de saisines de l'année.",
        "Durée moyenne : nombre moyen de jours calendaires entre la notification de la saisine aux "
        "parties et la clôture de la médiation, pour les dossiers clos dans l'année avec une issue.",
    ]
    provenance = (f"Chiffres établis le {fr_datetime(figures['generated_at'])}, selon la charte du "
                  f"médiateur en version {figures['charter_version']}, par {CREATOR} {__version__}.")
    return [
        Paragraph(pdf_text("Méthode"), st["heading"]),
        *[Paragraph(pdf_text(text), bullet, bulletText="•") for text in definitions],
        Spacer(1, 6),
        Paragraph(pdf_text(provenance), st["small"]),
    ]


SECTIONS = (_key_figures, _refusals, _method)


def render_report(figures: dict, *, charter: Charter, edition: str) -> bytes:
    """The annual report for ``figures["year"]`` as PDF bytes; ``edition`` is "public" or "comex"."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}; expected one of {', '.join(EDITIONS)}")
    title = f"Rapport annuel du médiateur — {figures['year']}"
    story = _cover(figures, charter, edition)
    for section in SECTIONS:
        story += section(figures, charter)
    return render_pdf(story, title=title, author=charter.mediator["mediator_name"],
                      subject=f"{EDITIONS[edition]} — {charter.mediator['company_name']}",
                      footer=f"{title} · {EDITIONS[edition]}")
