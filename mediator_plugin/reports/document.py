"""The report's page layout: a cover without footer, then pages with a header rule and a footer
"Page n sur N", a table of contents and PDF bookmarks, built in as many passes as the contents need.

Headings are :class:`Heading` paragraphs; each one becomes a contents line and an outline entry. The
total page count comes from the previous pass (the :class:`PageTotal` flowable at the end of the
story keeps asking for another pass until it is stable), so no page has to be held back in memory.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageTemplate, Paragraph, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from mediator_plugin.core.pdf import ACCENT, CREATOR, MARGIN, MUTED, fonts, pdf_text, stylesheet

# Type size, leading, space before and after of each heading level.
HEADING_SIZES = {0: (17, 22, 4, 10), 1: (12.5, 16, 12, 6), 2: (11, 14, 10, 4)}


class Heading(Paragraph):
    """A chapter (level 0) or section (level 1) title that goes into the contents and the outline; a
    sub-section (level 2, the charter's own headings) goes into the outline only."""

    def __init__(self, text: str, level: int = 0):
        st = stylesheet()
        size, leading, before, after = HEADING_SIZES[level]
        style = st["heading"].clone(f"report_h{level}", fontSize=size, leading=leading, spaceBefore=before,
                                    spaceAfter=after)
        super().__init__(pdf_text(text), style)
        self.toc_text, self.toc_level = text, level


class PageTotal(Flowable):
    """Invisible; remembers the last page number so the next pass can print "sur N"."""

    def __init__(self):
        super().__init__()
        self.used, self.seen = 0, 0

    def isIndexing(self):
        return True

    def isSatisfied(self):
        return self.used == self.seen

    def beforeBuild(self):
        self.used = self.seen

    def afterBuild(self):
        pass

    def notify(self, kind, stuff):
        pass  # listens to nothing; multiBuild tells every indexing flowable of each contents entry

    def wrap(self, *_):
        return 0, 0

    def draw(self):
        self.seen = self.canv.getPageNumber()


def contents() -> TableOfContents:
    toc = TableOfContents(dotsMinLevel=0, tableStyle=TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    base = stylesheet()["left"]
    toc.levelStyles = [base.clone("toc0", fontName=fonts().bold, fontSize=10, leading=13, spaceBefore=5,
                                  spaceAfter=0),
                       base.clone("toc1", fontSize=8.8, leading=11.5, leftIndent=14, spaceAfter=0)]
    return toc


class ReportDocument(BaseDocTemplate):
    """A4 report in French with metadata, cover page and numbered pages."""

    def __init__(self, buffer, *, title: str, author: str, subject: str, keywords: list[str], footer: str):
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                         bottomMargin=MARGIN + 0.4 * cm, title=title, author=author, subject=subject,
                         creator=CREATOR, keywords=keywords, lang="fr-FR", invariant=1)
        self.footer, self.total = footer, PageTotal()
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("cover", [frame], onPage=self._cover_band),
                               PageTemplate("body", [frame], onPage=self._decorate)])
        self._bookmarks = 0

    def _cover_band(self, canv, _doc) -> None:
        """The cover's coloured band, behind the title."""
        width, height = self.pagesize
        canv.saveState()
        canv.setFillColor(ACCENT)
        canv.rect(0, height - 11 * cm, width, 11 * cm, stroke=0, fill=1)
        canv.setFillColor(colors.HexColor("#4A7FB5"))
        canv.rect(0, height - 11 * cm - 6, width, 6, stroke=0, fill=1)
        canv.restoreState()

    def _decorate(self, canv, doc) -> None:
        width, height = self.pagesize
        canv.saveState()
        canv.setStrokeColor(ACCENT)
        canv.setLineWidth(1.2)
        canv.line(MARGIN, height - MARGIN + 14, width - MARGIN, height - MARGIN + 14)
        canv.setStrokeColor(colors.lightgrey)
        canv.setLineWidth(0.5)
        y = MARGIN / 2 + 4
        canv.line(MARGIN, y + 11, width - MARGIN, y + 11)
        canv.setFont(fonts().regular, 8)
        canv.setFillColor(MUTED)
        canv.drawString(MARGIN, y, pdf_text(self.footer, markup=False))
        total = self.total.used or "…"
        canv.drawRightString(width - MARGIN, y, pdf_text(f"Page {doc.page} sur {total}", markup=False))
        canv.restoreState()

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Heading):
            key = f"h{self._bookmarks}"
            self._bookmarks += 1
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.toc_text, key, level=flowable.toc_level, closed=True)
            if flowable.toc_level < 2:
                self.notify("TOCEntry", (flowable.toc_level, flowable.getPlainText(), self.page, key))

    def handle_documentBegin(self):
        self._bookmarks = 0
        super().handle_documentBegin()


def render(story: list, **options) -> bytes:
    """Build ``story`` (cover first; ``NextPageTemplate("body")`` is added after it by the caller)."""
    buffer = io.BytesIO()
    document = ReportDocument(buffer, **options)
    document.multiBuild([*story, document.total], maxPasses=6)
    return buffer.getvalue()


__all__ = ["Heading", "NextPageTemplate", "contents", "render"]
