"""Shared ReportLab building blocks for the letters and the reports: fonts, styles, page layout and
French number and date formats.

Pure functions with no Flask import, so the command line and the web application use the same code.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from babel.dates import format_date
from babel.numbers import format_decimal
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import SimpleDocTemplate

CREATOR = "Médiateur"
MARGIN = 2.2 * cm
CONTENT_WIDTH = A4[0] - 2 * MARGIN
ACCENT = colors.HexColor("#1F3A5F")
MUTED = colors.HexColor("#555555")
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
NBSP = "\u00a0"
# Babel groups French thousands with U+202F, but ReportLab's paragraphs break lines on it, and
# Helvetica has no glyph for it: U+00A0 keeps "1 234" and "12,5 %" whole, and every font draws it.
_SPACES = str.maketrans({"\u202f": NBSP, "\u2009": NBSP, "\u2007": NBSP})
# French typography: no line may start with ":", ";", "?", "!" or "»", nor end with "«".
_BEFORE_PUNCT = re.compile(r"[ \t]+([:;?!»])")
_AFTER_QUOTE = re.compile(r"«[ \t]+")


@dataclass(frozen=True)
class Fonts:
    """Font names to use; ``unicode`` is False for the Helvetica fallback (Windows-1252 only)."""

    regular: str
    bold: str
    unicode: bool


def register_fonts(directories: tuple[Path, ...] = FONT_DIRS) -> Fonts:
    """Register DejaVuSans (regular and bold) from the first directory holding both, else fall back
    to the built-in Helvetica."""
    for directory in directories:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            # The family mapping lets <b> inside a paragraph pick the bold face.
            pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold",
                                          italic="DejaVuSans", boldItalic="DejaVuSans-Bold")
            return Fonts("DejaVuSans", "DejaVuSans-Bold", unicode=True)
    return Fonts("Helvetica", "Helvetica-Bold", unicode=False)


@functools.cache
def fonts() -> Fonts:
    """The fonts of this process, registered on first use."""
    return register_fonts()


def pdf_text(s: str, *, markup: bool = True) -> str:
    """``s`` made safe to print: composed accents, no-break spaces every font draws (also before
    ``: ; ? ! »`` and after ``«``), and with Helvetica any character outside Windows-1252 shown as "?".

    With ``markup`` (for a Paragraph), ``<``, ``>`` and ``&`` are escaped so user text prints
    literally, and line breaks are kept; without it, the text suits ``canvas.drawString``.
    """
    s = unicodedata.normalize("NFC", s).translate(_SPACES)
    s = _AFTER_QUOTE.sub("«" + NBSP, _BEFORE_PUNCT.sub(NBSP + r"\1", s))
    if not fonts().unicode:
        s = s.encode("cp1252", "replace").decode("cp1252")
    if markup:
        s = escape(s).replace("\r\n", "\n").replace("\n", "<br/>")
    return s


@functools.cache
def stylesheet() -> dict[str, ParagraphStyle]:
    """Paragraph styles shared by every document, keyed by a short name."""
    f = fonts()
    body = ParagraphStyle("body", fontName=f.regular, fontSize=10, leading=14, alignment=TA_JUSTIFY,
                          spaceAfter=7, bulletFontName=f.regular)
    return {
        "body": body,
        "left": ParagraphStyle("left", parent=body, alignment=TA_LEFT),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=MUTED,
                                alignment=TA_LEFT, spaceAfter=0),
        "strong": ParagraphStyle("strong", parent=body, fontName=f.bold, alignment=TA_LEFT),
        "heading": ParagraphStyle("heading", parent=body, fontName=f.bold, fontSize=12, leading=16,
                                  textColor=ACCENT, alignment=TA_LEFT, spaceBefore=10, spaceAfter=6,
                                  keepWithNext=1),
        "title": ParagraphStyle("title", parent=body, fontName=f.bold, fontSize=24, leading=30,
                                textColor=ACCENT, alignment=TA_LEFT, spaceAfter=12),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=14, leading=19, textColor=MUTED,
                                   alignment=TA_LEFT, spaceAfter=6),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9.5, leading=12, alignment=TA_LEFT,
                               spaceAfter=0),
        "cell_right": ParagraphStyle("cell_right", parent=body, fontSize=9.5, leading=12,
                                     alignment=TA_RIGHT, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontName=f.bold, fontSize=9.5, leading=12,
                                    textColor=colors.white, alignment=TA_LEFT, spaceAfter=0),
    }


class _NumberedCanvas(canvas.Canvas):
    """Holds every page until the end, so each footer can say "Page n sur N"."""

    def __init__(self, *args, footer: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width = self._pagesize[0]
        y = MARGIN / 2
        self.saveState()
        self.setStrokeColor(colors.lightgrey)
        self.setLineWidth(0.5)
        self.line(MARGIN, y + 11, width - MARGIN, y + 11)
        self.setFont(fonts().regular, 8)
        self.setFillColor(MUTED)
        if self._footer:
            self.drawString(MARGIN, y, pdf_text(self._footer, markup=False))
        page = f"Page {self._pageNumber} sur {total}"
        self.drawRightString(width - MARGIN, y, pdf_text(page, markup=False))
        self.restoreState()


class DocTemplate(SimpleDocTemplate):
    """An A4 document in French whose pages all carry ``footer`` and "Page n sur N", with metadata."""

    def __init__(self, buffer, *, title: str, author: str, subject: str, footer: str | None = None,
                 **kwargs):
        kwargs.setdefault("topMargin", MARGIN)
        kwargs.setdefault("bottomMargin", MARGIN + 0.6 * cm)
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, title=title,
                         author=author, subject=subject, creator=CREATOR, lang="fr-FR", **kwargs)
        self.footer = footer

    def build(self, flowables, **kwargs):
        """Lay out ``flowables``; the footer and page numbers are drawn once the page count is known."""
        kwargs["canvasmaker"] = functools.partial(_NumberedCanvas, footer=self.footer)
        super().build(flowables, **kwargs)


def render_pdf(story: list, *, title: str, author: str, subject: str, footer: str | None = None) -> bytes:
    """Build ``story`` into a :class:`DocTemplate` and return the PDF bytes."""
    buffer = io.BytesIO()
    DocTemplate(buffer, title=title, author=author, subject=subject, footer=footer).build(story)
    return buffer.getvalue()


def fit_text(text: str, width: float, font: str, size: float) -> str:
    """``text`` cut with "…" so that it fits in ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def bar_chart(items: list[tuple[str, int]], width: float) -> Drawing:
    """A horizontal bar chart, one (label, count) per row: the label above its bar, the count at
    the end. Labels sit on their own line because legal wordings are too long for an axis."""
    font, size, bar, row = fonts().regular, 8, 9, 25
    drawing = Drawing(width, row * len(items))
    room = width - 40  # leaves space for the count after the longest bar
    top = max((count for _, count in items), default=0) or 1
    for i, (label, count) in enumerate(items):
        y = drawing.height - (i + 1) * row
        text = fit_text(pdf_text(label, markup=False), width, font, size)
        drawing.add(String(0, y + bar + 3, text, fontName=font, fontSize=size, fillColor=colors.black))
        length = room * count / top
        if length:
            drawing.add(Rect(0, y, length, bar, fillColor=ACCENT, strokeColor=None))
        drawing.add(String(length + 4, y + 1.5, pdf_text(fr_number(count), markup=False), fontName=font,
                           fontSize=size, fillColor=MUTED))
    return drawing


@functools.lru_cache(maxsize=4096)  # a list page shows a hundred dates; Babel formats each in ~20 µs
def fr_date(d: date) -> str:
    """``d`` the French way: "21 novembre 2026", "1er mars 2026"."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {format_date(d, 'MMMM y', locale='fr')}"


def fr_datetime(dt: datetime) -> str:
    """``dt`` as "21 novembre 2026 à 14 h 05"."""
    return f"{fr_date(dt.date())} à {dt.hour} h {dt.minute:02d}"


def _rounded(x: float | int | Decimal, decimals: int) -> Decimal:
    # Half-up, as readers of statistics expect (Babel alone would round half-even).
    return Decimal(str(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def fr_number(x: float | int | Decimal, decimals: int = 0) -> str:
    """``x`` with French separators and exactly ``decimals`` decimals: "1 234,50"."""
    return format_decimal(_rounded(x, decimals), format=_pattern(decimals), locale="fr")


def fr_percent(x: float | Decimal, decimals: int = 1) -> str:
    """The ratio ``x`` (0..1) as a French percentage: 0.125 gives "12,5 %"."""
    return fr_number(Decimal(str(x)) * 100, decimals) + NBSP + "%"
