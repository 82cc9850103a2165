"""The charter (``charter/charte.md``, Markdown) as report blocks, so that the annex of both editions prints
formatted text — headings, paragraphs with bold, italic and links, lists — and never a Markdown marker.

The text is parsed with markdown-it-py (CommonMark, raw HTML disabled: markup written in the file is read
as plain text) and turned into the neutral blocks of :mod:`mediator_plugin.reports.blocks`, which the PDF
and the HTML edition each print escaped (:func:`runs_markup`, :func:`runs_html`).
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from mediator_plugin.core.pdf import FONT_DIRS, fonts, pdf_text
from mediator_plugin.reports.blocks import Heading, Listing, Prose, Run

_PARSER = MarkdownIt("commonmark", {"html": False})
SAFE_SCHEMES = ("http", "https", "mailto")


def charter_blocks(text: str) -> list:
    """The blocks of ``text``: its first level-1 heading as a section heading (level 1), every other
    heading as a sub-section (level 2), paragraphs as :class:`Prose`, lists as :class:`Listing`."""
    tokens, blocks, first_title = _PARSER.parse(text), [], True
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            title = _plain(tokens[i + 1].children or [])
            blocks.append(Heading(title, 1 if token.tag == "h1" and first_title else 2))
            first_title = False
            i += 3
        elif token.type == "paragraph_open":
            blocks.append(Prose(_runs(tokens[i + 1].children or [])))
            i += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            i = _listing(tokens, i, blocks)
        elif token.type in ("code_block", "fence"):
            blocks.append(Prose((Run(token.content.rstrip("\n")),)))
            i += 1
        else:  # blockquote, rule and closing tokens: their content comes as paragraphs of their own
            i += 1
    return blocks


def _listing(tokens: list, i: int, blocks: list) -> int:
    """Append the list opening at ``i`` (a nested list follows as a list of its own); return the next index."""
    opening, depth, items = tokens[i], 0, []
    start = int(opening.attrGet("start") or 1)
    while i < len(tokens):
        token = tokens[i]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                break
        elif token.type == "inline" and depth == 1:
            items.append(_runs(token.children or []))
        elif token.type == "inline":  # a nested item: kept, after its parent, rather than lost
            items.append((Run("– "), *_runs(token.children or [])))
        i += 1
    blocks.append(Listing(tuple(items), ordered=opening.type == "ordered_list_open", start=start))
    return i + 1


def _plain(children: list) -> str:
    return "".join(run.text for run in _runs(children))


def _runs(children: list) -> tuple[Run, ...]:
    """Inline tokens as runs; breaks inside a paragraph read as spaces, hard breaks as new lines."""
    runs, bold, italic, href = [], 0, 0, None
    for child in children:
        kind = child.type
        if kind in ("strong_open", "strong_close"):
            bold += 1 if kind == "strong_open" else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind == "em_open" else -1
        elif kind == "link_open":
            href = _safe_href(child.attrGet("href") or "")
        elif kind == "link_close":
            href = None
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run(" " if kind == "softbreak" else "\n"))
        elif child.content:  # text, code_inline, an image's alt text, html_inline shown as the text it is
            runs.append(Run(child.content, bold > 0, italic > 0, href))
    return tuple(runs)


def _safe_href(href: str) -> str | None:
    """Only web and mail links are kept; anything else prints as its text alone."""
    return href if urlsplit(href).scheme.lower() in SAFE_SCHEMES else None


@functools.cache
def _italic_faces() -> None:
    """Give the DejaVu family its oblique faces, so that ``<i>`` slants. Only once some text is in italics:
    two more TrueType fonts are tens of thousands of objects that every full garbage collection of the
    process then walks (about 0.1 s more for the report's figures measured after a render)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = fonts().regular, fonts().bold
    folder = next((d for d in FONT_DIRS if (d / "DejaVuSans-Oblique.ttf").is_file()
                   and (d / "DejaVuSans-BoldOblique.ttf").is_file()), None)
    if not fonts().unicode or folder is None:
        return
    pdfmetrics.registerFont(TTFont("DejaVuSans-Oblique", str(folder / "DejaVuSans-Oblique.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-BoldOblique", str(folder / "DejaVuSans-BoldOblique.ttf")))
    pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic="DejaVuSans-Oblique",
                                  boldItalic="DejaVuSans-BoldOblique")


def runs_markup(runs: tuple[Run, ...]) -> str:
    """The runs as ReportLab paragraph markup, every text escaped."""
    if any(run.italic for run in runs):
        _italic_faces()
    parts = []
    for run in runs:
        text = pdf_text(run.text)
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        if run.href:
            text = f"<a href={quoteattr(run.href)} color=\"#1F3A5F\">{text}</a>"
        parts.append(text)
    return "".join(parts)


def runs_html(runs: tuple[Run, ...]) -> Markup:
    """The runs as HTML, every text escaped."""
    parts = []
    for run in runs:
        text = escape(run.text).replace("\n", Markup("<br>"))
        if run.bold:
            text = Markup("<strong>{}</strong>").format(text)
        if run.italic:
            text = Markup("<em>{}</em>").format(text)
        if run.href:
            text = Markup('<a href="{}">{}</a>').format(run.href, text)
        parts.append(text)
    return Markup("").join(parts)
