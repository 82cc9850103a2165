"""The report's charts as ReportLab drawings: the PDF draws them, the HTML edition inlines them as SVG
(:func:`svg`), so both editions show the same pictures.

Every function takes already-formatted items — ``(label, value or None, text)`` — so a suppressed cell
(value None) is drawn as "n.s." without a bar, and the charts know nothing of the figures' shape.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from mediator_plugin.core.pdf import ACCENT, MUTED, fit_text, fonts, pdf_text

PALETTE = [ACCENT, colors.HexColor("#4A7FB5"), colors.HexColor("#9DB9D8"), colors.HexColor("#C8553D"),
           colors.HexColor("#E3A857"), colors.HexColor("#7A8B99")]
GRID = colors.HexColor("#DDE3EA")

Item = tuple[str, float | None, str]


def _text(x, y, text, *, size=8, color=colors.black, anchor="start", bold=False) -> String:
    font = fonts().bold if bold else fonts().regular
    return String(x, y, pdf_text(text, markup=False), fontName=font, fontSize=size, fillColor=color,
                  textAnchor=anchor)


def horizontal_bars(items: list[Item], width: float, *, label_width: float | None = None) -> Drawing:
    """One bar per item, the label on the left (cut with "…" when too long) and the text after the bar."""
    font, size, row, bar = fonts().regular, 8, 18, 11
    label_width = label_width or width * 0.42
    drawing = Drawing(width, row * len(items) + 4)
    room = width - label_width - 58
    top = max((v for _, v, _ in items if v), default=0) or 1
    for i, (label, value, text) in enumerate(items):
        y = drawing.height - (i + 1) * row + 3
        drawing.add(_text(0, y + 2, fit_text(pdf_text(label, markup=False), label_width - 6, font, size)))
        x = label_width
        drawing.add(Rect(x, y, room, bar, fillColor=colors.HexColor("#F3F5F8"), strokeColor=None))
        length = room * (value or 0) / top
        if length:
            drawing.add(Rect(x, y, length, bar, fillColor=PALETTE[0], strokeColor=None))
        drawing.add(_text(x + max(length, 0) + 4, y + 2, text, color=MUTED if value is None else colors.black))
    return drawing


def vertical_bars(items: list[Item], width: float, height: float = 150, *, color=None) -> Drawing:
    """Columns with their text above and their label below (months, years, bands of days)."""
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 28, 30, width - 36, height - 48
    chart.data = [[v or 0 for _, v, _ in items]]
    chart.categoryAxis.categoryNames = [pdf_text(label, markup=False) for label, _, _ in items]
    chart.categoryAxis.labels.fontName = fonts().regular
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.strokeColor = MUTED
    chart.valueAxis.visible = False
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = (max((v or 0 for _, v, _ in items), default=0) or 1) * 1.15
    chart.valueAxis.gridStrokeColor = GRID
    chart.bars[0].fillColor = color or PALETTE[0]
    chart.bars[0].strokeColor = None
    chart.barSpacing = 2
    drawing.add(chart)
    step = chart.width / max(len(items), 1)
    for i, (_, value, text) in enumerate(items):
        top = chart.y + chart.height * (value or 0) / chart.valueAxis.valueMax
        drawing.add(_text(chart.x + step * (i + 0.5), top + 3, text, size=7, anchor="middle",
                          color=MUTED if value is None else colors.black))
    return drawing


def pie(items: list[Item], width: float, height: float = 150) -> Drawing:
    """A ring of the shares with a legend on the right; suppressed items are listed but not drawn."""
    drawing = Drawing(width, height)
    drawn = [(i, v) for i, (_, v, _) in enumerate(items) if v]
    diameter = min(height - 10, width * 0.4)
    if drawn:
        ring = Pie()
        ring.x, ring.y, ring.width, ring.height = 5, (height - diameter) / 2, diameter, diameter
        ring.data = [v for _, v in drawn]
        ring.innerRadiusFraction = 0.55
        ring.slices.strokeColor = colors.white
        ring.slices.strokeWidth = 1.5
        for n, (i, _) in enumerate(drawn):
            ring.slices[n].fillColor = PALETTE[i % len(PALETTE)]
        drawing.add(ring)
    x, font, size = diameter + 24, fonts().regular, 8
    for i, (label, value, text) in enumerate(items):
        y = height - 14 - i * 18
        drawing.add(Rect(x, y, 9, 9, fillColor=PALETTE[i % len(PALETTE)] if value else colors.white,
                         strokeColor=PALETTE[i % len(PALETTE)], strokeWidth=0.8))
        drawing.add(_text(x + 14, y + 1, fit_text(pdf_text(label, markup=False), width - x - 80, font, size)))
        drawing.add(_text(width, y + 1, text, anchor="end", bold=True))
    return drawing


def key_figure_tiles(tiles: list[tuple[str, str, str]], width: float) -> Drawing:
    """Large numbers with their caption and, when given, the year before and the change, in a row of tiles
    (the key figures page)."""
    compared = any(before for _, _, before in tiles)
    height, gap, lift = (74, 8, 12) if compared else (62, 8, 0)
    tile = (width - gap * (len(tiles) - 1)) / len(tiles)
    drawing = Drawing(width, height)
    for i, (number, caption, before) in enumerate(tiles):
        x = i * (tile + gap)
        drawing.add(Rect(x, 0, tile, height, fillColor=colors.HexColor("#EEF2F7"), strokeColor=None))
        drawing.add(Line(x, 0, x, height, strokeColor=ACCENT, strokeWidth=3))
        drawing.add(_text(x + 10, 32 + lift, number, size=_fitting(number, tile - 16, 18), color=ACCENT, bold=True))
        drawing.add(_text(x + 10, 14 + lift, fit_text(pdf_text(caption, markup=False), tile - 16, fonts().regular, 7.5),
                          size=7.5, color=MUTED))
        if before:
            drawing.add(_text(x + 10, 10, fit_text(pdf_text(before, markup=False), tile - 16, fonts().regular, 7.5),
                              size=7.5))
    return drawing


def _fitting(text: str, width: float, size: float) -> float:
    """The largest type size up to ``size`` at which ``text`` in bold fits in ``width`` ("non disponible")."""
    natural = stringWidth(pdf_text(text, markup=False), fonts().bold, size)
    return size if natural <= width else max(size * width / natural, 8)


_STYLE = re.compile(r' style="([^"]*)"')


def _attributes(match: re.Match) -> str:
    # Presentation attributes instead of style="…": a Content-Security-Policy without 'unsafe-inline'
    # still lets them through when the page is served by the application.
    pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return "".join(f' {name.strip()}="{escape(value.strip(), {chr(34): "&quot;"})}"' for name, value in pairs)


def svg(drawing: Drawing, *, key: str, title: str) -> str:
    """The drawing as an inline ``<svg>`` element for the HTML edition: unique ids (``key``), its title
    for assistive technologies, no XML declaration and no inline styles."""
    text = renderSVG.drawToString(drawing)
    label = escape(title, {'"': "&quot;"})
    text = text[text.index("<svg"):].replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    for old, new in (('id="clip"', f'id="{key}-clip"'), ("url(#clip)", f"url(#{key}-clip)"),
                     ('id="group"', f'id="{key}-group"'), ("<title>...</title>", f"<title>{label}</title>"),
                     ("<desc>...</desc>", "")):
        text = text.replace(old, new)
    return _STYLE.sub(_attributes, text)
