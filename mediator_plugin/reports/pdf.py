"""The annual report as PDF (R-REPORT-4): the editions' blocks laid out with ReportLab.

:func:`render_edition` prints a report — a published snapshot or live figures — and nothing else, so
a published version always gives the same document (the PDF is built with ReportLab's ``invariant``
mode: the same snapshot gives the same bytes).
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mediator_plugin.core.pdf import ACCENT, CONTENT_WIDTH, fonts, pdf_text, stylesheet
from mediator_plugin.reports import charts, document
from mediator_plugin.reports.blocks import Chart, Contents, Cover, Field, Grid, Heading, Listing, Prose, Text, Tiles
from mediator_plugin.reports.editions import EDITIONS, blocks, metadata
from mediator_plugin.reports.markdown import runs_markup

__all__ = ["EDITIONS", "render_blocks", "render_edition"]
STRIPE = colors.HexColor("#EEF2F7")


def _styles() -> dict:
    st = stylesheet()
    return {"body": st["body"], "small": st["small"].clone("r_small", spaceBefore=2, spaceAfter=6),
            "lead": st["strong"].clone("r_lead", fontSize=10.5, leading=14, spaceBefore=6, spaceAfter=4,
                                       textColor=ACCENT),
            "signature": st["strong"].clone("r_signature", spaceBefore=14, spaceAfter=0),
            # The mediator's own words, indented apart from the text the report generates.
            "own": st["body"].clone("r_own", leftIndent=12, rightIndent=12, textColor=colors.HexColor("#1B2A3D"))}


def _grid(grid: Grid) -> Table:
    """The table of ``grid``. A cell whose text fits on one line is drawn as a plain string in the font the
    table's style gives it; only longer texts become paragraphs that wrap (a paragraph costs ten times more
    to lay out, and a report holds hundreds of cells)."""
    st, f = stylesheet(), fonts()
    wide = len(grid.widths) > 4  # Table A with the year before: smaller type and padding, so heads fit
    size, pad = (7.9, 3) if wide else (8.6, 6)
    cell = st["cell"].clone("g_cell", fontSize=size, leading=size + 2.6)
    right = st["cell_right"].clone("g_right", fontSize=size, leading=size + 2.6)
    head = st["cell_head"].clone("g_head", fontSize=size, leading=size + 2.6)
    head_right = head.clone("g_head_right", alignment=TA_RIGHT)
    widths = [w * CONTENT_WIDTH for w in grid.widths]
    rows = []
    for r, row in enumerate(grid.rows):
        is_head = grid.header and r == 0
        cells = []
        for c, value in enumerate(row):
            text = pdf_text(value, markup=False)
            if "\n" not in text and stringWidth(text, f.bold if is_head else f.regular, size) <= widths[c] - 2 * pad:
                cells.append(text)
            else:
                style = (head_right if c in grid.right else head) if is_head else right if c in grid.right else cell
                cells.append(Paragraph(pdf_text(value), style))
        rows.append(cells)
    commands = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONT", (0, 0), (-1, -1), f.regular, size, size + 2.6),
                *[("ALIGN", (c, 0), (c, -1), "RIGHT") for c in grid.right],
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#D5DCE4")),
                ("TOPPADDING", (0, 0), (-1, -1), 3.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("ROWBACKGROUNDS", (0, 1 if grid.header else 0), (-1, -1), [colors.white, STRIPE])]
    if grid.header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), ACCENT), ("FONT", (0, 0), (-1, 0), f.bold, size, size + 2.6),
                     ("TEXTCOLOR", (0, 0), (-1, 0), colors.white)]
    return Table(rows, colWidths=widths, repeatRows=1 if grid.header else 0, style=TableStyle(commands),
                 hAlign="LEFT", spaceBefore=4, spaceAfter=6)


def _cover(cover: Cover) -> list:
    st = stylesheet()
    white = st["title"].clone("cover_title", fontSize=26, leading=32, textColor=colors.white)
    pale = st["subtitle"].clone("cover_sub", textColor=colors.HexColor("#C9D8EA"))
    story = [Spacer(1, 2.2 * cm), Paragraph(pdf_text(cover.title), white), Paragraph(pdf_text(cover.subtitle), pale),
             Paragraph(pdf_text(cover.period), pale), Spacer(1, 4.6 * cm),
             Paragraph(pdf_text(cover.status), st["strong"].clone("cover_status", textColor=ACCENT))]
    if cover.correction:
        story.append(Paragraph(pdf_text(cover.correction), st["body"]))
    story += [Spacer(1, 1.2 * cm), Paragraph(pdf_text(cover.signature[0]), st["strong"].clone(
        "cover_name", fontSize=13, leading=17)), *[Paragraph(pdf_text(s), st["left"]) for s in cover.signature[1:]],
        Spacer(1, 5.5 * cm), *[Paragraph(pdf_text(a), st["small"]) for a in cover.address],
        NextPageTemplate("body"), PageBreak()]
    return story


def _listing(listing: Listing, style) -> ListFlowable:
    items = [ListItem(Paragraph(runs_markup(runs), style.clone("r_item", spaceAfter=2))) for runs in listing.items]
    if listing.ordered:
        return ListFlowable(items, bulletType="1", start=listing.start, bulletFormat="%s.", leftIndent=16,
                            bulletFontName=style.fontName, bulletFontSize=style.fontSize, spaceAfter=6)
    return ListFlowable(items, bulletType="bullet", start="•", leftIndent=14, bulletFontName=style.fontName,
                        bulletFontSize=style.fontSize, spaceAfter=6)


def _flowables(items: list) -> list:
    styles, story = _styles(), []
    for block in items:
        if isinstance(block, Cover):
            story += _cover(block)
        elif isinstance(block, Contents):
            story += [Paragraph(pdf_text(block.title), stylesheet()["title"].clone("toc_title", fontSize=17,
                                                                                   leading=22)), document.contents()]
        elif isinstance(block, Heading):
            if block.breaks:
                story.append(PageBreak())
            story.append(document.Heading(block.text, block.level))
        elif isinstance(block, Text):
            story.append(Paragraph(pdf_text(block.text), styles[block.style]))
        elif isinstance(block, Prose):
            story.append(Paragraph(runs_markup(block.runs), styles["body"]))
        elif isinstance(block, Listing):
            story.append(_listing(block, styles["body"]))
        elif isinstance(block, Field):
            story.append(Paragraph(f"<b>{pdf_text(block.label + ' :')}</b> {pdf_text(block.text)}", styles["body"]))
        elif isinstance(block, Grid):
            story.append(_grid(block))
        elif isinstance(block, Chart):
            caption = stylesheet()["strong"].clone("chart_title", fontSize=9, leading=12, spaceBefore=8,
                                                   spaceAfter=4)
            story.append(KeepTogether([Paragraph(pdf_text(block.title), caption), block.drawing, Spacer(1, 6)]))
            if block.data and block.print_data:
                story.append(_grid(block.data))
        elif isinstance(block, Tiles):
            story += [charts.key_figure_tiles(block.tiles, CONTENT_WIDTH), Spacer(1, 10)]
    return story


def render_edition(report: dict, edition: str) -> bytes:
    """The edition ``edition`` ("public" or "comex") of ``report`` as PDF bytes."""
    story = _flowables(blocks(report, edition))  # raises ValueError on an unknown edition
    meta = metadata(report, edition)
    footer = f"{meta['title']} · {meta['subject'].split(' — ')[0]}"
    return document.render(story, footer=footer, **meta)


def render_blocks(items: list, *, title: str, author: str, subject: str, keywords: list[str]) -> bytes:
    """Other documents in the report's layout (the CECMC export's activity information): ``items`` are blocks,
    a :class:`Cover` first."""
    return document.render(_flowables(items), footer=f"{title} · {author}", title=title, author=author,
                           subject=subject, keywords=keywords)
